"""An operator's retry of a portal version the portal refused (interop.md §1: "sent again only when the
dossier changes or an operator retries it")."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.outbox.models import Item, State
from motcua.sync.models import Retry
from motcua.sync.portal import KIND


class RetryRefused(Exception):
    """The item is not (or no longer) a refused portal version: nothing was changed."""


def do_retry(item_id: int, *, actor, at=None) -> Item:
    """Put a refused portal version back in the queue, due now, its attempts kept (the backoff goes on
    from there), and write the audit row, in one transaction. A compare-and-update: two operators pressing
    the button at once queue it once."""
    at = at or timezone.now()
    with transaction.atomic():
        item = Item.objects.filter(pk=item_id, kind=KIND).first()
        if item is None or item.state != State.FAILED:
            raise RetryRefused(_("Phiên bản này không còn ở trạng thái bị từ chối; không cần gửi lại."))
        changed = Item.objects.filter(pk=item.pk, state=State.FAILED).update(
            state=State.WAITING, next_attempt_at=at, leased_until=None)
        if changed != 1:
            raise RetryRefused(_("Phiên bản này vừa được người khác gửi lại."))
        Retry.objects.create(item=item, dossier_code=item.group, actor=actor, at=at, previous_error=item.last_error,
                             attempts=item.attempts)
    item.refresh_from_db()
    return item
