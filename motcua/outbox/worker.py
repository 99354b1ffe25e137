"""Delivering the outbox: claim, send, record; again until the other side has acknowledged everything.

One pass (`Worker.run_once`):

1. **claim** the due items that head their group (no older waiting item of the same kind and group), in
   one short transaction that sets a lease on them. On PostgreSQL the candidates are read with
   `FOR UPDATE SKIP LOCKED`, so several workers never claim the same item; SQLite serialises writers and
   runs one worker. The lease, not the transaction, holds the item while it is sent: a worker killed
   mid-request (`kill -9`), a restarted database or a lost connection only lets the lease run out, and
   the item is sent again with the same idempotency key.
2. **send** each item through its kind's handler (`settings.MOTCUA_OUTBOX_HANDLERS`), outside any
   transaction. A handler that coalesces (the portal sync) sends the newest waiting item of the group.
3. **record** the outcome in one transaction per item: acknowledged (with the handler's own bookkeeping,
   e.g. the dossier's `synced_at`), refused (failed, with its reason), or transient (the next try after an
   exponential backoff with jitter, honouring `Retry-After`, at most a minute later). Wrong credentials
   stop the run and mark nothing.

Time and sleep are injectable, so tests can run an hour-long outage in simulated time.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.outbox.delivery import Acknowledged, Outcome, Refused, Transient, Unauthorised, backoff
from motcua.outbox.models import Item, State

log = logging.getLogger(__name__)


class UnauthorisedError(RuntimeError):
    """The other side refuses our credentials: a configuration problem, not a delivery failure."""


class NotConfigured(RuntimeError):
    """The other side's address is not set: items wait in the outbox."""


@cache
def handler_for(kind: str):
    """The handler object named for `kind` in settings (an object or module with `deliver(item)`, and
    optionally `acknowledged(item, outcome)`, `coalesce`, `configured()`)."""
    path = settings.MOTCUA_OUTBOX_HANDLERS.get(kind)
    if path is None:
        raise NotConfigured(f"no outbox handler for {kind!r} in MOTCUA_OUTBOX_HANDLERS")
    return import_string(path)


@dataclass
class RunResult:
    sent: int = 0
    acknowledged: int = 0
    refused: int = 0
    transient: int = 0
    stopped_early: bool = False
    errors: list[str] = field(default_factory=list)


class Worker:
    def __init__(self, kinds: list[str] | None = None, batch: int = 20, lease: timedelta | None = None,
                 clock: Callable[[], datetime] = timezone.now, sleep: Callable[[float], None] = time.sleep,
                 rng=None):
        self.kinds = kinds or list(settings.MOTCUA_OUTBOX_HANDLERS)
        self.batch = batch
        self.lease = lease or timedelta(seconds=settings.MOTCUA_OUTBOX_LEASE_SECONDS)
        self.clock, self.sleep, self.rng = clock, sleep, rng
        self.stop = threading.Event()

    # -- one pass -----------------------------------------------------------------------------------------

    def _claimable(self, now: datetime):
        """Waiting items that no worker holds and that head their group (no older waiting item of the same
        kind and group), due now or later."""
        older_waiting = Item.objects.filter(kind=OuterRef("kind"), group=OuterRef("group"), state=State.WAITING,
                                            id__lt=OuterRef("id"))
        return (Item.objects.filter(kind__in=self.kinds, state=State.WAITING)
                .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
                .filter(Q(group="") | ~Exists(older_waiting)))

    def claim(self) -> list[Item]:
        now = self.clock()
        candidates = self._claimable(now).filter(next_attempt_at__lte=now).order_by("next_attempt_at", "id")
        with transaction.atomic():
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True, of=("self",))
            items = list(candidates[:self.batch])
            if items:
                Item.objects.filter(pk__in=[i.pk for i in items]).update(leased_until=now + self.lease)
        return items

    def run_once(self) -> RunResult:
        result = RunResult()
        items = self.claim()
        for position, item in enumerate(items):
            if self.stop.is_set():
                self._release(items[position:])
                result.stopped_early = True
                break
            handler = handler_for(item.kind)
            target = self._newest_of_group(item) if getattr(handler, "coalesce", False) else item
            try:
                outcome = handler.deliver(target)
            except Exception as exc:  # a bug or an unexpected answer must not lose the item
                log.exception("outbox %s %s: delivery raised", item.kind, target.key)
                outcome = Transient(f"{type(exc).__name__}: {exc}")
            result.sent += 1
            if isinstance(outcome, Unauthorised):
                self._release(items[position:])
                raise UnauthorisedError(outcome.reason)
            self.record(item, target, outcome, handler)
            if isinstance(outcome, Acknowledged):
                result.acknowledged += 1
            elif isinstance(outcome, Refused):
                result.refused += 1
            else:
                result.transient += 1
        return result

    def _newest_of_group(self, item: Item) -> Item:
        if not item.group:
            return item
        return (Item.objects.filter(kind=item.kind, group=item.group, state=State.WAITING, id__gte=item.id)
                .order_by("-id").first() or item)

    def _release(self, items: list[Item]) -> None:
        Item.objects.filter(pk__in=[i.pk for i in items]).update(leased_until=None)

    def record(self, head: Item, sent: Item, outcome: Outcome, handler) -> None:
        now = self.clock()
        with transaction.atomic():
            if isinstance(outcome, Acknowledged):
                covered = Item.objects.filter(kind=head.kind, state=State.WAITING)
                covered = (covered.filter(group=head.group, id__lte=sent.id) if head.group
                           else covered.filter(pk=head.pk))
                covered.update(state=State.ACKNOWLEDGED, acknowledged_at=outcome.at or now, leased_until=None,
                               last_error="")
                acknowledged = getattr(handler, "acknowledged", None)
                if acknowledged is not None:
                    acknowledged(sent, outcome.at or now)
            elif isinstance(outcome, Refused):
                Item.objects.filter(pk=sent.pk).update(state=State.FAILED, last_error=outcome.reason[:4000],
                                                       attempts=sent.attempts + 1, leased_until=None)
                if sent.pk != head.pk:  # the older versions are covered by the refusal of the newest
                    Item.objects.filter(kind=head.kind, group=head.group, state=State.WAITING,
                                        id__lt=sent.pk).update(state=State.ACKNOWLEDGED, acknowledged_at=now,
                                                               leased_until=None)
            else:
                attempts = head.attempts + 1
                wait = backoff(attempts, outcome.retry_after, self.rng)
                Item.objects.filter(pk=head.pk).update(attempts=attempts, next_attempt_at=now + wait,
                                                       leased_until=None, last_error=outcome.reason[:4000])

    # -- running ------------------------------------------------------------------------------------------

    def waiting(self) -> int:
        return Item.objects.filter(kind__in=self.kinds, state=State.WAITING).count()

    def next_due(self, poll: float | None = None) -> datetime | None:
        """When this worker may next find something to claim: the earliest try due among the items it could
        claim, or, while other workers hold items, the end of their leases, looked at again every `poll`
        seconds (they usually finish long before). None when nothing waits."""
        now = self.clock()
        due = self._claimable(now).aggregate(at=Min("next_attempt_at"))["at"]
        leased = (Item.objects.filter(kind__in=self.kinds, state=State.WAITING, leased_until__gte=now)
                  .aggregate(at=Min("leased_until"))["at"])
        if leased is not None and poll is not None:
            leased = min(leased, now + timedelta(seconds=poll))
        return min((m for m in (due, leased) if m is not None), default=None)

    def run(self, until_idle: bool = False, max_seconds: float | None = None, poll: float = 1.0) -> RunResult:
        """Deliver until stopped; with `until_idle`, until nothing waits; with `max_seconds`, at most
        that long (simulated time when the clock is). Returns the totals."""
        total = RunResult()
        started = self.clock()
        while not self.stop.is_set():
            try:
                one = self.run_once()
            except (OperationalError, InterfaceError) as exc:
                # The database restarted or dropped us: leases keep the claimed items safe; reconnect.
                log.warning("outbox: database unavailable (%s); retrying", exc)
                connection.close()
                self.sleep(1.0)
                continue
            for name in ("sent", "acknowledged", "refused", "transient"):
                setattr(total, name, getattr(total, name) + getattr(one, name))
            if until_idle and self.waiting() == 0:
                break
            elapsed = (self.clock() - started).total_seconds()
            if max_seconds is not None and elapsed >= max_seconds:
                total.stopped_early = True
                break
            if one.sent == 0:
                # Nothing was due: sleep until the next try is due (polling for new items as a service).
                due = self.next_due(poll)
                if due is None and until_idle:
                    break  # another worker delivered what was left after this one counted it
                pause = 60.0 if due is None else (due - self.clock()).total_seconds()
                if not until_idle:
                    pause = min(pause, poll)
                if max_seconds is not None:
                    pause = min(pause, max_seconds - elapsed)
                self.sleep(min(max(pause, 0.01), 60.0))
        return total

    def stop_on_signals(self) -> None:
        """SIGTERM and SIGINT finish the request in flight, then stop."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_args: self.stop.set())
