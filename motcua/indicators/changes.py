"""Telling the live index what changed: call these in the transaction that makes the change.

- `dossiers_changed(ids)`: any write to a dossier or its pauses (the lifecycle's `transition` and
  `record_creation` call it; so must any other code that writes dossier fields);
- `catalog_changed()`: units, procedures, authority rows, feedback items or calendar exceptions;
- `record_replaced()`: a bulk change (an import, a deletion of dossiers): the engine rebuilds from scratch.

The engine reads `watermark()` on every request (one query) and compares it with what it last read.
New dossier rows are also noticed by their id (`max(id)`), dossiers with a new `DossierEvent` by the
event's id, and inserted or deleted rows of the small tables by their counts, so a writer that forgets
to call `catalog_changed` after a bulk insert is still seen; an *update* of an existing row without an
event is only seen through these calls (or the signal handlers that `apps.py` connects for the admin's
edits of the small tables).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection
from django.db.models import F

from motcua.indicators.models import DossierStamp, IndexClock

CLOCK_PK = 1


def _bump(**increments) -> IndexClock:
    """Add to the clock's counters inside the caller's transaction; the row lock orders the writers."""
    updates = {name: F(name) + amount for name, amount in increments.items()}
    if "generation" in increments:
        updates["token"] = uuid.uuid4().hex
    if IndexClock.objects.filter(pk=CLOCK_PK).update(**updates) == 0:
        IndexClock.objects.get_or_create(pk=CLOCK_PK, defaults={"token": uuid.uuid4().hex})
        IndexClock.objects.filter(pk=CLOCK_PK).update(**updates)
    return IndexClock.objects.get(pk=CLOCK_PK)


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
    """Dossiers were written or deleted in bulk: the live index rebuilds from scratch on its next request."""
    _bump(generation=1, catalog=1)


class Watermark(NamedTuple):
    """Everything the live index compares to decide what to re-read (one query)."""

    seq: int
    catalog: int
    generation: int
    token: str
    max_dossier_id: int
    max_event_id: int
    small_tables: tuple  # (count, max id) of units, procedures, authority, feedback, calendar exceptions


def _small_tables() -> list[str]:
    from motcua.catalog.models import Authority, Procedure
    from motcua.feedback.models import Feedback
    from motcua.units.models import CalendarException, Unit

    return [model._meta.db_table for model in (Unit, Procedure, Authority, Feedback, CalendarException)]


def watermark() -> Watermark:
    from motcua.dossiers.models import Dossier, DossierEvent

    quote = connection.ops.quote_name
    clock = quote(IndexClock._meta.db_table)
    parts = [f"(SELECT {column} FROM {clock} WHERE id = {CLOCK_PK})"
             for column in ("seq", "catalog", "generation", "token")]
    parts.append(f"(SELECT MAX(id) FROM {quote(Dossier._meta.db_table)})")
    parts.append(f"(SELECT MAX(id) FROM {quote(DossierEvent._meta.db_table)})")
    for table in _small_tables():
        parts.append(f"(SELECT COUNT(*) FROM {quote(table)})")
        parts.append(f"(SELECT MAX(id) FROM {quote(table)})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    seq, catalog, generation, token, max_id, max_event = row[:6]
    return Watermark(seq=seq or 0, catalog=catalog or 0, generation=generation or 0, token=token or "",
                     max_dossier_id=max_id or 0, max_event_id=max_event or 0,
                     small_tables=tuple(value or 0 for value in row[6:]))


def stamped_since(seq: int) -> list[int]:
    """Ids of the dossiers stamped after `seq` (deleted ones included)."""
    return list(DossierStamp.objects.filter(seq__gt=seq).values_list("dossier_id", flat=True))


def with_events_since(event_id: int) -> list[int]:
    """Ids of the dossiers with an event after `event_id`: a safety net for writers that record an event
    but forget the stamp (without the stamp's ordering guarantee on PostgreSQL)."""
    from motcua.dossiers.models import DossierEvent

    return list(DossierEvent.objects.filter(id__gt=event_id).values_list("dossier_id", flat=True).distinct())
