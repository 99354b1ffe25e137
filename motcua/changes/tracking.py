"""Telling readers of the record what changed: call these in the transaction that makes the change.

- `dossiers_changed(ids)`: any write to a dossier or its pauses (the lifecycle's `transition` and
  `create_dossier` call it; so must any other code that writes dossier fields);
- `catalog_changed()`: units, procedures, authority rows, feedback items or calendar exceptions;
- `record_replaced()`: a bulk change (an import, whose dossiers get their statuses and events from the
  lifecycle's bulk entry point `ImportedDossiers`; a deletion of dossiers): readers rebuild from scratch.

This is the one change-detection mechanism: a reader (the live index) reads `watermark()` on every
request (one query) and re-reads what the counters say changed. A writer that forgets to call these is
not seen, and `tests/changes/` shows that removing any call from the lifecycle makes a reader stale.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import F

from motcua.changes.models import ChangeClock, DossierStamp

CLOCK_PK = 1


def _bump(**increments) -> ChangeClock:
    """Add to the clock's counters inside the caller's transaction; the row lock orders the writers."""
    updates = {name: F(name) + amount for name, amount in increments.items()}
    if "generation" in increments:
        updates["token"] = uuid.uuid4().hex
    if ChangeClock.objects.filter(pk=CLOCK_PK).update(**updates) == 0:
        ChangeClock.objects.get_or_create(pk=CLOCK_PK, defaults={"token": uuid.uuid4().hex})
        ChangeClock.objects.filter(pk=CLOCK_PK).update(**updates)
    return ChangeClock.objects.get(pk=CLOCK_PK)


def dossiers_changed(dossier_ids: Iterable[int]) -> int:
    """Stamp the dossiers written by the current transaction; returns the new `seq`."""
    ids = sorted({int(pk) for pk in dossier_ids})
    if not ids:
        return watermark().seq
    seq = _bump(seq=1).seq
    DossierStamp.objects.bulk_create([DossierStamp(dossier_id=pk, seq=seq) for pk in ids], batch_size=2000,
                                     update_conflicts=True, unique_fields=["dossier_id"], update_fields=["seq"])
    return seq


def catalog_changed() -> None:
    """Units, procedures, authority, feedback or calendar exceptions were written by this transaction."""
    _bump(catalog=1)


def record_replaced() -> None:
    """Dossiers were written or deleted in bulk: readers rebuild from scratch on their next request."""
    _bump(generation=1, catalog=1)


class Watermark(NamedTuple):
    """The clock's counters: everything a reader compares to decide what to re-read."""

    seq: int
    catalog: int
    generation: int
    token: str


def watermark() -> Watermark:
    clock = ChangeClock.objects.filter(pk=CLOCK_PK).values_list("seq", "catalog", "generation", "token").first()
    if clock is None:
        return Watermark(0, 0, 0, "")
    return Watermark(*clock)


def stamped_since(seq: int) -> list[int]:
    """Ids of the dossiers stamped after `seq` (deleted ones included)."""
    return list(DossierStamp.objects.filter(seq__gt=seq).values_list("dossier_id", flat=True))
