"""Supplements that never end (issue 12 point 5): the rule, as plain functions.

A dossier waiting for a supplement (status 5, an open supplement request) whose applicant has not answered
within the supplement period is ended: the state machine's existing `(SUPPLEMENT_REQUESTED, "stop")`
transition, made by the system (no user, `actor_label` below), with `data["cause"] = CAUSE` so that the
timeline, the notice and the audit trail say why. The period is the procedure's own `supplement_days` or the
province's `MOTCUA_SUPPLEMENT_DAYS` (30), in calendar days from the request (docs/decisions.md, 25/11/2026).

The dossier ends *at the expiry*, not when the daily command happens to run: its `ended_at`, the event, the
control sheet's step and the notice are all at `expires_at`. The supplement request stays open (the applicant
never answered it), so the one definition of lateness (`lib.lateness`, rule 2) keeps judging the dossier at
the request's time, exactly as before it ended: ending it changes no on-time/late count, it only stops the
dossier from being "under processing" in periods after the expiry.

`expire_due(now)` is idempotent (an ended dossier is no longer waiting) and ends each dossier in its own
transaction, compare-and-update on the version it read: a dossier an officer changes meanwhile is skipped
and left for the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from motcua.dossiers.constants import PauseKind, Status
from motcua.dossiers.lifecycle import ConcurrentChange, TransitionError, transition
from motcua.dossiers.models import Dossier, Handover
from motcua.lib.vnformat import LOCAL_TZ, padded_date
from motcua.notify.notices import SUPPLEMENT_EXPIRED, notify_applicant

ACTION = "stop"
CAUSE = "supplement_expired"
ACTOR_LABEL = "Hệ thống (quá hạn bổ sung hồ sơ)"
NOTE = "Dừng giải quyết: quá thời hạn bổ sung hồ sơ mà người nộp chưa bổ sung (Nghị định 118/2025/NĐ-CP)."


def supplement_days(procedure_days: int | None) -> int:
    """Calendar days to answer a supplement request: the procedure's own, else the province's."""
    return procedure_days if procedure_days is not None else settings.MOTCUA_SUPPLEMENT_DAYS


def expiry(requested_at: datetime, days: int) -> datetime:
    """The instant the supplement period ends: the request's instant, `days` calendar days later."""
    return requested_at + timedelta(days=days)


def days_left(expires_at: datetime, now: datetime) -> int:
    """Calendar days from today to the expiry's day, in Vietnam's time: 0 = expires today, negative = past."""
    return (expires_at.astimezone(LOCAL_TZ).date() - now.astimezone(LOCAL_TZ).date()).days


def display(at: datetime) -> str:
    """"05/11/2025 09:00" in Vietnam's time (dd/mm/yyyy HH:MM)."""
    local = at.astimezone(LOCAL_TZ)
    return f"{padded_date(local.date())} {local:%H:%M}"


@dataclass(frozen=True)
class Waiting:
    """A dossier waiting for a supplement, with its supplement period."""

    pk: int
    code: str
    version: int
    procedure_code: str
    procedure_name: str
    applicant_name: str
    requested_at: datetime
    days: int
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return self.expires_at <= now


def waiting(dossiers=None) -> list[Waiting]:
    """The dossiers of `dossiers` (default: all) waiting for a supplement, soonest expiry first.

    The request is the latest open supplement request (a second one only exists in imported data)."""
    queryset = Dossier.objects.all() if dossiers is None else dossiers
    open_supplement = Q(pauses__kind=PauseKind.SUPPLEMENT, pauses__completed_at__isnull=True)
    rows = (queryset.filter(status=Status.SUPPLEMENT_REQUESTED)
            .annotate(requested=Max("pauses__requested_at", filter=open_supplement))
            .filter(requested__isnull=False)
            .values_list("pk", "code", "version", "procedure__code", "procedure__name", "applicant_name",
                         "requested", "procedure__supplement_days"))
    found = []
    for pk, code, version, procedure_code, procedure_name, applicant, requested, own_days in rows:
        days = supplement_days(own_days)
        found.append(Waiting(pk, code, version, procedure_code, procedure_name, applicant or "", requested, days,
                             expiry(requested, days)))
    found.sort(key=lambda w: (w.expires_at, w.code))
    return found


@dataclass
class Run:
    """What one run of `expire_due` did (or would do, on a dry run)."""

    expired: list[Waiting] = field(default_factory=list)
    skipped: list[tuple[Waiting, str]] = field(default_factory=list)  # changed meanwhile: the next run sees it


def expire(item: Waiting) -> None:
    """End one dossier whose supplement period is over, in its own transaction, or raise TransitionError
    (ConcurrentChange when its version moved since it was read) and change nothing."""
    at = item.expires_at
    with transaction.atomic():
        dossier = (Dossier.objects.select_for_update().select_related("procedure", "unit", "received_by")
                   .get(pk=item.pk))
        if dossier.version != item.version:
            raise ConcurrentChange(f"{item.code}: version {dossier.version} != {item.version}")
        data = {"cause": CAUSE, "requested_at": item.requested_at.astimezone(LOCAL_TZ).isoformat(), "days": item.days}
        transition(dossier, ACTION, note=NOTE, at=at, data=data, actor_label=ACTOR_LABEL)
        Handover.objects.filter(dossier=dossier, released_at__isnull=True).update(released_at=at)
        notify_applicant(dossier, SUPPLEMENT_EXPIRED, {"requested_at": item.requested_at}, at)


def expire_due(now: datetime | None = None, dry_run: bool = False, dossiers=None) -> Run:
    """End every dossier whose supplement period is over at `now` (default: now); with `dry_run`, only say
    which. Run daily; running it again ends nothing more."""
    now = now or timezone.now()
    run = Run()
    for item in waiting(dossiers):
        if not item.expired(now):
            break  # sorted by expiry: the rest expire later
        if dry_run:
            run.expired.append(item)
            continue
        try:
            expire(item)
        except TransitionError as error:
            run.skipped.append((item, str(error)))
        else:
            run.expired.append(item)
    return run
