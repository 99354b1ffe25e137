"""Telling readers of the record what changed: call these in the transaction that makes the change.

- `dossiers_changed(ids)`: any write to a dossier or its pauses (the lifecycle's `transition` and
  `create_dossier` call it; so must any other code that writes dossier fields);
- `catalog_changed()`: units, procedures, authority rows, feedback items or calendar exceptions;
- `record_replaced()`: a bulk change (an import, whose dossiers get their statuses and events from the
  lifecycle's bulk entry point `ImportedDossiers`; a deletion of dossiers): readers rebuild from scratch.

This is the one change-detection mechanism: a reader (the live index, the report publisher) reads
`watermark()` (one query), keeps it, and later asks `stamped_since(mark)` / `changed_since(mark)` what
committed after it. A writer that forgets to call these is not seen, and `tests/changes/` shows that
removing any call from the lifecycle makes a reader stale.

How a dossier change is stamped depends on the database, and is decided here only:

- PostgreSQL: the stamp takes its `seq` from the sequence `changes_stamp_seq` (nextval never waits) and
  records the writing transaction's id (`pg_current_xact_id()`). No shared row is updated, so transitions of
  different dossiers commit in parallel. Because `seq` is taken before commit, a transaction that stamps
  first may commit last: a reader therefore never trusts `seq`, but remembers its snapshot
  (`pg_current_snapshot()`) and later re-reads every stamp whose transaction was not yet visible in it
  (`xid >= xmin and not pg_visible_in_snapshot(xid, snapshot)`) — exactly what committed since.
- SQLite: writers are serialised by the database, so a counter on the one `ChangeClock` row is a cursor
  that can never be skipped: stamps carry it, a reader re-reads `seq > mark.seq`.

Catalog and generation changes are rare and keep their counters on the `ChangeClock` row on both databases.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection
from django.db.models import F

from motcua.changes.models import ChangeClock, DossierStamp

CLOCK_PK = 1
STAMP_SEQUENCE = "changes_stamp_seq"
_STAMPS = DossierStamp._meta.db_table
_CLOCK = ChangeClock._meta.db_table


def _postgres() -> bool:
    return connection.vendor == "postgresql"


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
    """Stamp the dossiers written by the current transaction; returns the stamps' `seq`."""
    ids = sorted({int(pk) for pk in dossier_ids})  # sorted: concurrent writers lock stamp rows in one order
    if not ids:
        return watermark().seq
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_STAMPS} (dossier_id, seq, xid)"
                f" SELECT d, s.seq, pg_current_xact_id()::text::bigint"
                f" FROM unnest(%s::bigint[]) AS d, (SELECT nextval('{STAMP_SEQUENCE}') AS seq) AS s"
                f" ON CONFLICT (dossier_id) DO UPDATE SET seq = EXCLUDED.seq, xid = EXCLUDED.xid"
                f" RETURNING seq", [ids])
            return cursor.fetchone()[0]
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
    """What a reader read: the counters it compares, and the cursor it resumes dossier changes from.

    `seq` is the highest stamp seq seen (a number for reports; on PostgreSQL not a safe cursor by itself).
    `cursor` is where `stamped_since` resumes: on PostgreSQL the snapshot `xmin:xmax:xip,…` followed by
    `/` and the reader's own transaction id if it has one (tests read and write in one transaction, and a
    transaction's own writes count as visible in its snapshot); on SQLite `seq` as text.
    """

    seq: int
    catalog: int
    generation: int
    token: str
    cursor: str = ""


def watermark() -> Watermark:
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COALESCE((SELECT max(seq) FROM {_STAMPS}), 0), c.catalog, c.generation, c.token,"
                f" pg_current_snapshot()::text || '/' || COALESCE(pg_current_xact_id_if_assigned()::text, '')"
                f" FROM (SELECT 1) AS one LEFT JOIN {_CLOCK} AS c ON c.id = %s", [CLOCK_PK])
            seq, catalog, generation, token, cursor_text = cursor.fetchone()
        if token is None:
            return Watermark(seq, 0, 0, "", cursor_text)
        return Watermark(seq, catalog, generation, token, cursor_text)
    clock = ChangeClock.objects.filter(pk=CLOCK_PK).values_list("seq", "catalog", "generation", "token").first()
    if clock is None:
        return Watermark(0, 0, 0, "", "0")
    return Watermark(*clock, str(clock[0]))


def _since_sql(mark: Watermark) -> tuple[str, list]:
    """The WHERE clause selecting the stamps committed after `mark` was read.

    On PostgreSQL a transaction's own writes count as visible in its own snapshot, so a reader that writes
    too (tests do) finds its own later stamps by `seq`: they took their numbers after `mark.seq`."""
    if not isinstance(mark, Watermark):
        raise TypeError("Pass the Watermark the reader kept, not a seq: on PostgreSQL a seq is no cursor (a "
                        "transaction that took a lower seq may commit later); use stamped_since(old, now=mark).")
    if _postgres():
        if not mark.cursor:  # a mark kept before marks had cursors: every stamp, never one too few
            return "TRUE", []
        snapshot, _, own = mark.cursor.partition("/")
        xmin = int(snapshot.split(":")[0])
        visible = "pg_visible_in_snapshot(xid::text::xid8, %s::pg_snapshot)"
        if own:
            return (f"xid >= %s AND (CASE WHEN xid = %s THEN seq > %s ELSE NOT {visible} END)",
                    [xmin, int(own), mark.seq, snapshot])
        return f"xid >= %s AND NOT {visible}", [xmin, snapshot]
    return "seq > %s", [int(mark.cursor or mark.seq)]


def _nothing_between(mark: Watermark, now: Watermark | None) -> bool:
    """The same snapshot (nobody else committed) and the same highest seq (the reader wrote nothing)."""
    return now is not None and (now.cursor, now.seq) == (mark.cursor, mark.seq)


def stamped_since(mark: Watermark, now: Watermark | None = None) -> list[int]:
    """Ids of the dossiers whose stamps committed after `mark` was read (deleted ones included).

    May repeat a dossier already read (harmless: readers re-read idempotently), never leaves out one that
    committed later, whatever order its transaction started in.
    Given the reader's newer watermark `now`, skips the query when nothing can have changed between."""
    if _nothing_between(mark, now):
        return []
    condition, params = _since_sql(mark)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT dossier_id FROM {_STAMPS} WHERE {condition}", params)
        return [row[0] for row in cursor.fetchall()]


def changed_since(mark: Watermark) -> bool:
    """Did anything a reader of `mark` depends on commit since: a dossier, the catalog, a bulk change?"""
    now = watermark()
    if (now.catalog, now.generation, now.token) != (mark.catalog, mark.generation, mark.token):
        return True
    if _nothing_between(mark, now):
        return False
    condition, params = _since_sql(mark)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_STAMPS} WHERE {condition})", params)
        return bool(cursor.fetchone()[0])
