"""Notifications that could not be delivered: refused for good (a mailbox that does not exist, a number
that is not a mobile number), kept as failed outbox items with the other side's reason, for the officers
who can see the dossier to reach the applicant another way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from motcua.notify.notices import CHANNEL_OF_KIND, CHANNELS, EVENTS, KINDS
from motcua.outbox.models import Item, State


@dataclass(frozen=True)
class Failure:
    code: str
    channel: str
    recipient: str
    event: str
    reason: str
    at: datetime
    attempts: int


def failed_notifications(dossiers, limit: int | None = None) -> list[Failure]:
    """The failed notifications of the dossiers in `dossiers` (a queryset, already scoped to the reader
    with `visible_to`), newest first."""
    items = (Item.objects.filter(kind__in=KINDS.values(), state=State.FAILED,
                                 group__in=dossiers.values("code"))
             .order_by("-created_at", "-id"))
    if limit is not None:
        items = items[:limit]
    return [Failure(code=item.group, channel=str(CHANNELS[CHANNEL_OF_KIND[item.kind]]),
                    recipient=item.payload.get("to", ""), event=str(EVENTS.get(item.payload.get("event"), "")),
                    reason=item.last_error, at=item.created_at, attempts=item.attempts)
            for item in items]
