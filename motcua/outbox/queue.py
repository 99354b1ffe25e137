"""Putting messages in the outbox: call `enqueue` inside the transaction of the change it reports."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.outbox.models import Item


def enqueue(kind: str, key: str, payload: dict, group: str = "", at=None) -> Item | None:
    """Add a message for the other side, or nothing if a message of this kind with this key exists (a
    change re-applied reports itself once). Returns the new item, or None when it already existed."""
    at = at or timezone.now()
    try:
        with transaction.atomic():
            return Item.objects.create(kind=kind, key=key, group=group, payload=payload, created_at=at,
                                       next_attempt_at=at)
    except IntegrityError:
        if Item.objects.filter(kind=kind, key=key).exists():
            return None
        raise

