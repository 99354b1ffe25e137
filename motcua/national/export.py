"""`motcua export DIR --format parquet`: the record as Parquet, with the derived columns of `layout`.

The derived columns come from the live engine's own machinery, not a second copy of it: the catalog of
`columnar.Catalog` (unit positions, calendars, whole-day procedure and feedback rules), the bulk reader
`bulkread.read_dossiers`, and `columnar.build_block`, which summarises each dossier's supplements and fee
waits (`WaitTable`) and moves the due by the pause with `workingtime_np`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from motcua.catalog.models import Authority
from motcua.dossiers.constants import CHANNEL_NAMES, PauseKind
from motcua.dossiers.models import Dossier, DossierPause
from motcua.feedback.models import Feedback
from motcua.indicators import columnar
from motcua.indicators.bulkread import read_dossiers
from motcua.interchange import schema as s
from motcua.national import layout as L

TIMESTAMP = pa.timestamp("us", tz="UTC")
WAIT = pa.struct([("requested_at", TIMESTAMP), ("completed_at", TIMESTAMP)])
E_RESULT = pa.struct([("code", pa.string()), ("issued_at", TIMESTAMP)])
CHUNK = 20_000


def _by_calendar(catalog, unit: np.ndarray, ticks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`ranks` of moments owned by units (positions in the catalog), each on its unit's calendar."""
    position = np.zeros(len(ticks), dtype=np.int64)
    rank = np.zeros(len(ticks), dtype=np.int64)
    for calendar, units in catalog.calendar_groups:
        mine = np.isin(unit, units)
        if mine.any():
            position[mine], rank[mine] = L.ranks(calendar, ticks[mine])
    return position, rank


def export_parquet(folder) -> dict:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    catalog = columnar.Catalog()
    calendar_index = _write_calendars(folder, catalog)
    _write_units(folder, catalog, calendar_index)
    _write_procedures(folder, catalog)
    authority = list(Authority.objects.order_by("position", "id").values_list("unit__code", "procedure__code"))
    pq.write_table(pa.table({"unit_code": [a for a, _ in authority], "procedure_code": [b for _, b in authority]}),
                   folder / L.AUTHORITY)
    feedback = _write_feedback(folder, catalog)
    dossiers = _write_dossiers(folder, catalog, calendar_index)
    counts = {"units": catalog.n_units, "procedures": catalog.n_procedures, "authority": len(authority),
              "dossiers": dossiers, "feedback": feedback}
    L.write_manifest(folder, counts)
    return counts


def _write_calendars(folder: Path, catalog) -> np.ndarray:
    """One row per distinct calendar; returns each unit's calendar index."""
    index = np.zeros(catalog.n_units, dtype=np.int32)
    rows = []
    for i, (calendar, units) in enumerate(catalog.calendar_groups):
        index[units] = i
        rows.append({"calendar_index": i,
                     "sessions": ",".join(f"{a:%H:%M:%S.%f}-{b:%H:%M:%S.%f}" for a, b in calendar.sessions),
                     "closures": sorted(calendar.closures), "extra_working_days": sorted(calendar.extra_working_days),
                     "first_year": calendar.first_year})
    pq.write_table(pa.Table.from_pylist(rows, schema=pa.schema([
        ("calendar_index", pa.int32()), ("sessions", pa.string()), ("closures", pa.list_(pa.date32())),
        ("extra_working_days", pa.list_(pa.date32())), ("first_year", pa.int32())])), folder / L.CALENDARS)
    return index


def _write_units(folder: Path, catalog, calendar_index: np.ndarray) -> None:
    units = catalog.units
    pq.write_table(pa.table({
        "code": [u.code for u in units], "name": [u.name for u in units], "kind": [u.kind for u in units],
        "parent_code": pa.array([u.parent_code for u in units], pa.string()),
        "e_certified_copy": [u.e_certified_copy for u in units],
        "position": np.arange(len(units), dtype=np.int32), "calendar_index": calendar_index,
    }), folder / L.UNITS)


def _write_procedures(folder: Path, catalog) -> None:
    rows = catalog.procedures

    def column(name):
        return [getattr(p, name) for p in rows]

    table = {name: column(name) for name in s.PROCEDURES}
    table["time_limit"] = [s.format_decimal(v) for v in table["time_limit"]]
    for name in ("decision_date", "legal_effective_date", "published_at"):
        table[name] = pa.array(table[name], pa.date32())
    table["position"] = np.arange(len(rows), dtype=np.int32)
    table["decision_on_time"] = catalog.decision_on_time
    table["published_in_time"] = catalog.published_in_time
    pq.write_table(pa.table(table), folder / L.PROCEDURES)


def _write_feedback(folder: Path, catalog) -> int:
    rows = list(Feedback.objects.order_by("position", "id").values_list(
        "code", "unit__code", "received_at", "refused_at", "answered_at", "published_at", "rating", "raised_again"))
    table = pa.table({
        "code": [r[0] for r in rows], "unit": [r[1] for r in rows],
        **{name: pa.array([r[i] for r in rows], TIMESTAMP)
           for i, name in ((2, "received_at"), (3, "refused_at"), (4, "answered_at"), (5, "published_at"))},
        "rating": pa.array([r[6] or None for r in rows], pa.string()), "raised_again": [r[7] for r in rows],
        "line": np.arange(len(rows), dtype=np.int64), "unit_index": catalog.feedback_unit.astype(np.int32),
        "received_ticks": catalog.feedback_received, "refused_ticks": catalog.feedback_refused,
        "answered_ticks": catalog.feedback_answered, "answer_by_day": catalog.feedback_answer_by,
        "refuse_by_day": catalog.feedback_refuse_by,
    })
    pq.write_table(table, folder / L.FEEDBACK)
    return len(rows)


_DOSSIER_FIELDS = ("id", "code", "procedure__code", "unit__code", "received_by__code", "channel", "full_online",
                   "received_at", "due_at", "due_given", "resolved_at", "returned_at", "ended", "ended_at",
                   "synced_at", "fee_vnd", "paid_online_at", "digitized", "e_result_code", "e_result_issued_at",
                   "reused_data", "from_data_store", "result_to_data_store", "citizen_data", "rating", "complaint")


def _exchange_columns() -> dict[str, list]:
    """The exchange fields of every dossier, in export order (position, id), plus the database id."""
    columns: dict[str, list] = {name: [] for name in _DOSSIER_FIELDS}
    columns["supplements"], columns["fee_waits"] = [], []
    queryset = Dossier.objects.order_by("position", "id").values_list(*_DOSSIER_FIELDS)
    batch = []
    for row in queryset.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) >= CHUNK:
            _add_batch(columns, batch)
            batch = []
    _add_batch(columns, batch)
    return columns


def _add_batch(columns: dict, batch: list) -> None:
    if not batch:
        return
    waits: dict[int, dict[str, list]] = {}
    for dossier_id, kind, requested, completed in DossierPause.objects.filter(
            dossier_id__in=[r[0] for r in batch]).order_by("requested_at", "id").values_list(
            "dossier_id", "kind", "requested_at", "completed_at"):
        key = "supplements" if kind == PauseKind.SUPPLEMENT else "fee_waits"
        waits.setdefault(dossier_id, {"supplements": [], "fee_waits": []})[key].append(
            {"requested_at": requested, "completed_at": completed})
    for row in batch:
        for name, value in zip(_DOSSIER_FIELDS, row, strict=True):
            columns[name].append(value)
        mine = waits.get(row[0], {"supplements": [], "fee_waits": []})
        columns["supplements"].append(mine["supplements"])
        columns["fee_waits"].append(mine["fee_waits"])


def _write_dossiers(folder: Path, catalog, calendar_index: np.ndarray) -> int:
    c = _exchange_columns()
    ids = np.array(c["id"], dtype=np.int64)
    raw, pauses = read_dossiers(workers=1)
    block = columnar.build_block(raw, pauses, catalog, columnar.StaticRanks())
    at = np.searchsorted(block.id, ids)  # the block's row of each exported line (the block is in id order)
    exchange = {
        "code": c["code"], "procedure": c["procedure__code"], "unit": c["unit__code"],
        "received_by": c["received_by__code"], "channel": [CHANNEL_NAMES[v] for v in c["channel"]],
        "full_online": c["full_online"], "received_at": pa.array(c["received_at"], TIMESTAMP),
        "due_at": pa.array([d if given else None for d, given in zip(c["due_at"], c["due_given"], strict=True)],
                           TIMESTAMP),
        "supplements": pa.array(c["supplements"], pa.list_(WAIT)), "fee_waits": pa.array(c["fee_waits"], pa.list_(WAIT)),
        **{name: pa.array(c[name], TIMESTAMP) for name in ("resolved_at", "returned_at")},
        "ended": pa.array([v or None for v in c["ended"]], pa.string()),
        **{name: pa.array(c[name], TIMESTAMP) for name in ("ended_at", "synced_at")},
        "fee_vnd": pa.array(c["fee_vnd"], pa.int64()), "paid_online_at": pa.array(c["paid_online_at"], TIMESTAMP),
        "digitized": c["digitized"],
        "e_result": pa.array([{"code": code, "issued_at": issued} if code else None
                              for code, issued in zip(c["e_result_code"], c["e_result_issued_at"], strict=True)],
                             E_RESULT),
        **{name: c[name] for name in ("reused_data", "from_data_store", "result_to_data_store", "citizen_data")},
        "rating": pa.array([v or None for v in c["rating"]], pa.string()), "complaint": c["complaint"],
    }
    return write_dossier_tables(folder, exchange, block, at, catalog, calendar_index)


def write_dossier_tables(folder: Path, exchange: dict, block, at: np.ndarray, catalog,
                         calendar_index: np.ndarray) -> int:
    """The dossiers (exchange columns in export order, `block` row `at[i]` for line i) with their derived
    columns, partitioned by month of receipt, and their waits. Shared by the export and the generator."""
    n = len(at)
    unit, procedure = block.unit[at], block.procedure[at]
    waits = block.waits
    entry = block.wait[at]
    has = entry >= 0
    e = entry[has]

    def per_row(values, default):
        out = np.full(n, default, dtype=np.asarray(values).dtype if len(values) else np.int64)
        out[has] = values[e]
        return out

    due = block.due[at]
    effective_due = due.copy()
    effective_due[has] = waits.effective_due[e]
    several = per_row(waits.several, False).astype(bool)
    end = block.end[at]
    due_position = np.zeros(n, dtype=np.int64)
    end_rank = np.zeros(n, dtype=np.int64)
    rows = np.flatnonzero(several)
    if len(rows):
        due_position[rows] = _by_calendar(catalog, unit[rows], due[rows])[0]
        ended = rows[end[rows] < L.NEVER]
        end_rank[ended] = _by_calendar(catalog, unit[ended], end[ended])[1]
    line = np.arange(n, dtype=np.int64)
    table = pa.table({
        **exchange,
        # derived
        "line": line, "unit_index": unit, "procedure_index": procedure,
        "calendar_index": calendar_index[unit] if n else np.zeros(0, np.int32),
        "received_ticks": block.received[at], "due_ticks": due, "end_ticks": end,
        "resolved_ticks": block.resolved[at], "synced_ticks": block.synced[at], "paid_ticks": block.paid[at],
        "e_issued_ticks": block.e_issued[at],
        "full_online_eligible": catalog.full_online_eligible[procedure] if n else np.zeros(0, bool),
        "written_result": catalog.written_result[procedure] if n else np.zeros(0, bool),
        "wait_first": per_row(waits.first, L.NEVER), "wait_done": per_row(waits.done, L.NEVER),
        "supplement2_ticks": per_row(waits.supp2, L.NEVER), "waits_several": several,
        "effective_due_ticks": effective_due, "due_position": due_position, "end_rank": end_rank,
        L.MONTH: L.month_of(block.received[at]),
    })
    target = folder / L.DOSSIERS
    if target.exists():
        shutil.rmtree(target)  # a new export replaces the months of an earlier one
    pq.write_to_dataset(table, target, partition_cols=[L.MONTH])
    _write_waits(folder, catalog, block, at, line)
    return n


def _write_waits(folder: Path, catalog, block, at: np.ndarray, line: np.ndarray) -> None:
    """Every supplement and fee wait with its moments' positions and ranks, keyed by the dossier's line."""
    waits = block.waits
    entry = block.wait[at]
    owners = np.flatnonzero(entry >= 0)
    e = entry[owners]
    counts = waits.offset[e + 1] - waits.offset[e]
    flat = columnar.ranges(waits.offset[e], counts)
    owner = np.repeat(owners, counts)
    unit = block.unit[at][owner]
    requested, completed = waits.requested[flat], waits.completed[flat]
    requested_position, requested_rank = _by_calendar(catalog, unit, requested)
    completed_position = np.full(len(flat), L.NEVER, dtype=np.int64)
    done = np.flatnonzero(completed < L.NEVER)
    completed_position[done] = _by_calendar(catalog, unit[done], completed[done])[0]
    pq.write_table(pa.table({
        "line": line[owner], "supplement": waits.supplement[flat], "requested_ticks": requested,
        "completed_ticks": completed, "requested_position": requested_position,
        "completed_position": completed_position, "requested_rank": requested_rank,
    }), folder / L.WAITS)
