"""Reading every dossier out of the database in seconds: the live index's from-scratch path.

Through the ORM, 2,000,000 dossiers take minutes (a datetime object per value). Here SQLite returns each
column of a range of ids as one `group_concat` string, and PostgreSQL one `COPY` of integers; numpy
parses them. Every moment becomes int64 *ticks* (local wall-clock microseconds since 2000-01-01 00:00
local, the unit of `motcua.lib.workingtime`), `NEVER` when it has not happened. Ranges of ids are read by
two threads, each with its own connection: the databases and numpy do their work outside the GIL.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import connection

from motcua.dossiers.constants import PauseKind
from motcua.dossiers.models import Dossier as DossierRow
from motcua.dossiers.models import DossierPause
from motcua.lib import workingtime_np as wnp

NEVER = np.int64(1 << 62)  # later than any instant: "has not happened"
DAY = wnp.DAY
EPOCH = wnp.EPOCH  # 2000-01-01 00:00 local: tick 0
EPOCH_UNIX = int(EPOCH.timestamp())
_US = timedelta(microseconds=1)

# Flags read with each row (see `_flags_sql`): channel in the two low bits, then booleans.
CHANNEL_MASK = 3
R_FULL_ONLINE, R_DIGITIZED, R_REUSED, R_FROM_STORE, R_TO_STORE = 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6
R_CITIZEN, R_COMPLAINT, R_FEE, R_UNSATISFIED, R_REFUSED, R_E_CODE = 1 << 7, 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
PROCEDURE_SHIFT, UNIT_SHIFT = 16, 40
CHANNEL_ONLINE = 2  # Channel.ONLINE


def ticks_of(at: datetime | None) -> int:
    """An aware datetime as ticks; None as NEVER."""
    if at is None:
        return int(NEVER)
    return (at - EPOCH) // _US


def datetime_of(ticks: int) -> datetime | None:
    """Ticks as an aware local datetime; NEVER as None."""
    if ticks >= NEVER:
        return None
    return EPOCH + timedelta(microseconds=int(ticks))


# -- reading rows in bulk -----------------------------------------------------------------------------


@dataclass
class RawRows:
    """Dossier rows as read: database ids and every column the index uses, in id order."""

    id: np.ndarray
    unit_id: np.ndarray
    procedure_id: np.ndarray
    flags: np.ndarray  # int32: channel and R_* bits
    received: np.ndarray
    due: np.ndarray
    resolved: np.ndarray
    stopped: np.ndarray  # the earlier of ended_at and returned_at (the end is this or resolved, earlier)
    synced: np.ndarray
    paid: np.ndarray
    e_issued: np.ndarray  # NEVER without an e-result code

    @classmethod
    def concat(cls, parts: Sequence[RawRows]) -> RawRows:
        names = [f for f in cls.__dataclass_fields__]
        if len(parts) == 1:
            return parts[0]
        return cls(**{name: np.concatenate([getattr(p, name) for p in parts]) for name in names})

    def __len__(self):
        return len(self.id)


@dataclass
class RawPauses:
    """Supplements and fee waits, sorted by (dossier id, requested, pause id)."""

    dossier_id: np.ndarray
    supplement: np.ndarray  # bool: supplement (else fee wait)
    requested: np.ndarray
    completed: np.ndarray  # NEVER while open


_TIME_COLUMNS = ("received_at", "due_at", "resolved_at", "ended_at", "synced_at", "paid_online_at",
                 "e_result_issued_at")
# ended_at stands for the earlier of ended_at and returned_at in every reader: returned_at alone matters
# only where it is the end, and reading it as a column of its own would cost a tenth of the read.
_SQLITE_NULL = "9999-12-31 00:00:00"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


UNSATISFIED_SQL = "rating = 'unsatisfied'"
REFUSED_SQL = "ended = 'refused'"
E_CODE_SQL = "e_result_code <> ''"


def _flags_sql(vendor: str) -> str:
    """One integer per row: channel, the R_* bits, the procedure id and the unit id."""
    def bit(expr: str) -> str:
        return f"({expr})::int" if vendor == "postgresql" else f"({expr})"

    terms = [
        "channel", f"{R_FULL_ONLINE} * {bit('full_online')}", f"{R_DIGITIZED} * {bit('digitized')}",
        f"{R_REUSED} * {bit('reused_data')}", f"{R_FROM_STORE} * {bit('from_data_store')}",
        f"{R_TO_STORE} * {bit('result_to_data_store')}", f"{R_CITIZEN} * {bit('citizen_data')}",
        f"{R_COMPLAINT} * {bit('complaint')}", f"{R_FEE} * {bit('fee_vnd > 0')}",
        f"{R_UNSATISFIED} * {bit(UNSATISFIED_SQL)}", f"{R_REFUSED} * {bit(REFUSED_SQL)}",
        f"{R_E_CODE} * {bit(E_CODE_SQL)}",
        f"{1 << PROCEDURE_SHIFT} * procedure_id", f"{1 << UNIT_SHIFT} * unit_id",
    ]
    return " + ".join(terms)


def _split_ints(text: str | bytes, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if isinstance(text, bytes):
        text = text.decode("ascii")
    values = np.array(text.split(","), dtype=np.int64) if n < 1000 else np.fromstring(text, dtype=np.int64, sep=",")
    if len(values) != n:
        raise ValueError(f"expected {n} integers, read {len(values)}")
    return values


def parse_sqlite_times(blob: bytes, n: int) -> np.ndarray:
    """Comma-separated 'YYYY-MM-DD HH:MM:SS[.ffffff]' (naive UTC, as Django stores them in SQLite) as ticks.

    The `_SQLITE_NULL` placeholder becomes NEVER. When every value has whole seconds (the common case for
    imported data) the blob has a fixed stride and is parsed in place; otherwise each field is located
    first.
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if isinstance(blob, str):
        blob = blob.encode("ascii")
    buffer = np.frombuffer(blob, dtype=np.uint8)
    if len(buffer) == 20 * n - 1:
        texts = np.ndarray(shape=(n,), dtype="S19", buffer=blob, strides=(20,))
        micro = 0
    else:
        separators = np.flatnonzero(buffer == ord(","))
        if len(separators) != n - 1:
            raise ValueError(f"expected {n} timestamps, found {len(separators) + 1}")
        starts = np.empty(n, dtype=np.int64)
        starts[0] = 0
        starts[1:] = separators + 1
        ends = np.empty(n, dtype=np.int64)
        ends[:-1] = separators
        ends[-1] = len(buffer)
        widths = ends - starts
        if not np.all((widths == 19) | (widths == 26)):
            raise ValueError("unexpected timestamp format in the database")
        texts = buffer[starts[:, None] + np.arange(19)].view("S19").ravel()
        micro = np.zeros(n, dtype=np.int64)
        long = np.flatnonzero(widths == 26)
        if len(long):
            digits = buffer[starts[long][:, None] + np.arange(20, 26)].astype(np.int64) - 48
            micro[long] = digits @ np.array([100000, 10000, 1000, 100, 10, 1], dtype=np.int64)
    seconds = texts.astype("datetime64[s]").astype(np.int64)
    ticks = (seconds - EPOCH_UNIX) * 1_000_000 + micro
    ticks[texts == _SQLITE_NULL.encode()] = NEVER
    return ticks


class _SQLiteReader:
    """Every column of a range of ids as one `group_concat` string: the fastest way out of SQLite."""

    def __init__(self):
        null = f"'{_SQLITE_NULL}'"
        # SQLite's min() is NULL when an argument is; text compares in time order in Django's format.
        stopped = f"ifnull(min(returned_at, ended_at), coalesce(ended_at, returned_at, {null}))"
        ifnull = ", ".join(f"CAST(group_concat({stopped if c == 'ended_at' else f'ifnull({c}, {null})'}, ',') AS BLOB)"
                           for c in _TIME_COLUMNS)
        self.sql = (f"SELECT count(*), group_concat(id, ','), group_concat({_flags_sql('sqlite')}, ','), {ifnull} "
                    f"FROM {_table(DossierRow)}")

    def rows(self, cursor, where: str, params: Sequence) -> RawRows:
        cursor.execute(self.sql + where, params)
        count, ids, flags, *times = cursor.fetchone()
        return _raw(_split_ints(ids, count), _split_ints(flags, count),
                    [parse_sqlite_times(blob, count) for blob in times], count)

    def pauses(self, cursor, where: str, params: Sequence) -> RawPauses:
        cursor.execute(
            f"SELECT count(*), group_concat(dossier_id, ','), group_concat(kind = '{PauseKind.SUPPLEMENT}', ','), "
            f"group_concat(id, ','), CAST(group_concat(requested_at, ',') AS BLOB), "
            f"CAST(group_concat(ifnull(completed_at, '{_SQLITE_NULL}'), ',') AS BLOB) "
            f"FROM {_table(DossierPause)}{where}", params)
        count, dossier_ids, kinds, ids, requested, completed = cursor.fetchone()
        return _pauses(_split_ints(dossier_ids, count), _split_ints(kinds, count).astype(bool),
                       _split_ints(ids, count), parse_sqlite_times(requested, count),
                       parse_sqlite_times(completed, count))


class _PostgresReader:
    """One binary `COPY ... TO STDOUT`: PostgreSQL sends each timestamptz as it stores it (int64 microseconds
    since 2000-01-01 00:00 UTC), and every row has the same size, so numpy reads the stream as a table."""

    HEADER = 19  # signature, flags, extension length
    # Ticks count from 2000-01-01 00:00 +07:00, seven hours before PostgreSQL's own epoch.
    SHIFT = 7 * 3600 * 1_000_000
    INFINITY = np.iinfo(np.int64).max

    def _time(self, column: str) -> str:
        return f"COALESCE({column}, 'infinity'::timestamptz)"

    def _copy(self, cursor, sql: str, params: Sequence, width: int) -> np.ndarray:
        """The rows of `sql`, every column non-null int8 or timestamptz, as an int64 table."""
        sql = cursor.mogrify(sql, params) if params else sql
        chunks = []
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)") as copy:
            for block in copy:
                chunks.append(bytes(block))
        data = b"".join(chunks)
        layout = np.dtype([("fields", ">i2"), *[item for i in range(width)
                                                for item in ((f"size{i}", ">i4"), (f"value{i}", ">i8"))]])
        body = data[self.HEADER:len(data) - 2] if data else b""
        rows = np.frombuffer(body, dtype=layout)
        if len(rows) and (np.any(rows["fields"] != width) or any(np.any(rows[f"size{i}"] != 8) for i in range(width))):
            raise ValueError("unexpected row in PostgreSQL's binary COPY")
        return np.stack([rows[f"value{i}"].astype(np.int64) for i in range(width)], axis=1) if len(rows) \
            else np.zeros((0, width), dtype=np.int64)

    def _ticks(self, values: np.ndarray) -> np.ndarray:
        return np.where(values == self.INFINITY, NEVER, values + self.SHIFT)

    def rows(self, cursor, where: str, params: Sequence) -> RawRows:
        times = ", ".join(self._time("LEAST(ended_at, returned_at)" if c == "ended_at" else c)
                          for c in _TIME_COLUMNS)
        table = self._copy(cursor, f"SELECT id::int8, ({_flags_sql('postgresql')})::int8, {times} "
                                   f"FROM {_table(DossierRow)}{where}", params, 2 + len(_TIME_COLUMNS))
        return _raw(table[:, 0].copy(), table[:, 1].copy(),
                    [self._ticks(table[:, 2 + i]) for i in range(len(_TIME_COLUMNS))], len(table))

    def pauses(self, cursor, where: str, params: Sequence) -> RawPauses:
        table = self._copy(
            cursor, f"SELECT dossier_id::int8, (kind = '{PauseKind.SUPPLEMENT}')::int::int8, id::int8, "
                    f"{self._time('requested_at')}, {self._time('completed_at')} FROM {_table(DossierPause)}{where}",
            params, 5)
        return _pauses(table[:, 0].copy(), table[:, 1].astype(bool), table[:, 2].copy(), self._ticks(table[:, 3]),
                       self._ticks(table[:, 4]))


class _OrmReader:
    """Any other database: the ORM, row by row (correct, slow)."""

    def rows(self, cursor, where: str, params: Sequence) -> RawRows:
        fields = ("id", "unit_id", "procedure_id", "channel", "full_online", "digitized", "reused_data",
                  "from_data_store", "result_to_data_store", "citizen_data", "complaint", "fee_vnd", "rating",
                  "ended", "e_result_code", *_TIME_COLUMNS, "returned_at")
        queryset = DossierRow.objects.all()
        if where:
            queryset = queryset.filter(id__in=params)
        rows = list(queryset.order_by("id").values_list(*fields))
        flags = [(r[3] | R_FULL_ONLINE * r[4] | R_DIGITIZED * r[5] | R_REUSED * r[6] | R_FROM_STORE * r[7]
                  | R_TO_STORE * r[8] | R_CITIZEN * r[9] | R_COMPLAINT * r[10] | R_FEE * (r[11] > 0)
                  | R_UNSATISFIED * (r[12] == "unsatisfied") | R_REFUSED * (r[13] == "refused")
                  | R_E_CODE * (r[14] != "")) + (r[2] << PROCEDURE_SHIFT) + (r[1] << UNIT_SHIFT) for r in rows]
        times = [np.array([ticks_of(r[15 + i]) for r in rows], dtype=np.int64) for i in range(len(_TIME_COLUMNS))]
        times[3] = np.minimum(times[3], np.array([ticks_of(r[-1]) for r in rows], dtype=np.int64))
        return _raw(np.array([r[0] for r in rows], dtype=np.int64), np.array(flags, dtype=np.int64), times, len(rows))

    def pauses(self, cursor, where: str, params: Sequence) -> RawPauses:
        queryset = DossierPause.objects.all()
        if where:
            queryset = queryset.filter(dossier_id__in=params)
        rows = list(queryset.values_list("dossier_id", "kind", "id", "requested_at", "completed_at"))
        return _pauses(np.array([r[0] for r in rows], dtype=np.int64),
                       np.array([r[1] == PauseKind.SUPPLEMENT for r in rows], dtype=bool),
                       np.array([r[2] for r in rows], dtype=np.int64),
                       np.array([ticks_of(r[3]) for r in rows], dtype=np.int64),
                       np.array([ticks_of(r[4]) for r in rows], dtype=np.int64))


def _raw(ids, packed, times, count) -> RawRows:
    if len(ids) != count:
        raise ValueError("row count mismatch")
    received, due, resolved, stopped, synced, paid, e_issued = times
    flags = (packed & ((1 << PROCEDURE_SHIFT) - 1)).astype(np.int32)
    e_issued = np.where(flags & R_E_CODE, e_issued, NEVER)
    order = np.argsort(ids, kind="stable")
    if np.any(order != np.arange(count)):
        ids, packed, flags = ids[order], packed[order], flags[order]
        received, due, resolved, stopped, synced, paid, e_issued = (
            a[order] for a in (received, due, resolved, stopped, synced, paid, e_issued))
    return RawRows(id=ids, unit_id=packed >> UNIT_SHIFT,
                   procedure_id=(packed >> PROCEDURE_SHIFT) & ((1 << (UNIT_SHIFT - PROCEDURE_SHIFT)) - 1),
                   flags=flags, received=received, due=due, resolved=resolved, stopped=stopped, synced=synced,
                   paid=paid, e_issued=e_issued)


def _pauses(dossier_ids, supplement, ids, requested, completed) -> RawPauses:
    # The reference orders each dossier's waits by (requested_at, id), as `from_db` reads them.
    order = np.lexsort((ids, requested, dossier_ids))
    return RawPauses(dossier_id=dossier_ids[order], supplement=supplement[order], requested=requested[order],
                     completed=completed[order])


def _reader():
    vendor = connection.vendor
    if vendor == "sqlite":
        return _SQLiteReader()
    if vendor == "postgresql":
        return _PostgresReader()
    return _OrmReader()


def read_dossiers(ids: Sequence[int] | None = None, workers: int = 2) -> tuple[RawRows, RawPauses]:
    """Every dossier (or those of `ids`) and their pauses.

    A full read is split into id ranges read by `workers` threads, each with its own connection: SQLite
    and PostgreSQL do the conversion work outside the GIL, and numpy parses outside it too.
    """
    reader = _reader()
    if ids is not None:
        ids = sorted({int(i) for i in ids})
        rows, pauses = [], []
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 900):
                chunk = ids[start:start + 900]
                marks = ", ".join(["%s"] * len(chunk))
                rows.append(reader.rows(cursor, f" WHERE id IN ({marks})", chunk))
                pauses.append(reader.pauses(cursor, f" WHERE dossier_id IN ({marks})", chunk))
        if not rows:
            return _raw(np.zeros(0, np.int64), np.zeros(0, np.int64), [np.zeros(0, np.int64)] * 7, 0), \
                _pauses(*(np.zeros(0, dtype) for dtype in (np.int64, bool, np.int64, np.int64, np.int64)))
        return RawRows.concat(rows), _concat_pauses(pauses)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {_table(DossierRow)}")
        low, high = cursor.fetchone()
    if low is None or workers <= 1 or isinstance(reader, _OrmReader) or connection.in_atomic_block:
        # Inside a transaction (tests, a request in ATOMIC_REQUESTS) other connections would not see
        # its uncommitted rows: read everything on this one.
        with connection.cursor() as cursor:
            return reader.rows(cursor, "", ()), reader.pauses(cursor, "", ())
    bounds = np.linspace(low, high + 1, workers + 1).astype(np.int64)
    results: list = [None] * workers
    errors: list = []

    def work(index: int):
        from django.db import connections

        try:
            with connections["default"].cursor() as cursor:
                lo, hi = int(bounds[index]), int(bounds[index + 1])
                results[index] = (reader.rows(cursor, " WHERE id >= %s AND id < %s", (lo, hi)),
                                  reader.pauses(cursor, " WHERE dossier_id >= %s AND dossier_id < %s", (lo, hi)))
        except Exception as exc:  # re-raised in the caller's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return RawRows.concat([r for r, _ in results]), _concat_pauses([p for _, p in results])


def _concat_pauses(parts: Sequence[RawPauses]) -> RawPauses:
    if len(parts) == 1:
        return parts[0]
    return RawPauses(**{name: np.concatenate([getattr(p, name) for p in parts])
                        for name in RawPauses.__dataclass_fields__})
