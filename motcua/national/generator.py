"""National-scale data: 34 provinces with their real communes (`vietnam-provinces`), written as Parquet.

`generate(DIR, dossiers=N)` writes one Parquet folder per province (`DIR/01/`, `DIR/04/`, …), each what
`motcua export --format parquet` writes for a province, so each is computed by the same engines and can be
imported. Volumes follow the number of communes of each province. Every column is drawn with numpy for a
whole province at once; the derived columns come from the live engine's own code (`columnar.build_block`
and `export.write_dossier_tables`), as for an export.

The record is plausible rather than real: departments (Sở) and procedures are made up per province;
in-person dossiers are received in working hours, online ones at any time; due times follow the
procedure's limit on the working-time axis; some dossiers are late, some paused for supplements or fees
(some still open, a few twice), a few refused or withdrawn; feedback is answered in or out of time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from motcua.indicators import columnar, facts, semantics
from motcua.indicators import records as rec
from motcua.indicators.bulkread import (
    EPOCH_UNIX,
    R_CITIZEN,
    R_COMPLAINT,
    R_DIGITIZED,
    R_E_CODE,
    R_FEE,
    R_FROM_STORE,
    R_FULL_ONLINE,
    R_REFUSED,
    R_REUSED,
    R_TO_STORE,
    R_UNSATISFIED,
    RawPauses,
    RawRows,
)
from motcua.lib import workingtime_np as wnp
from motcua.lib.workingtime import WorkingCalendar
from motcua.national import export as ex
from motcua.national import layout as L

DEPARTMENTS = ("Sở Tư pháp", "Sở Tài chính", "Sở Xây dựng", "Sở Công Thương", "Sở Nông nghiệp và Môi trường",
               "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Sở Văn hóa, Thể thao và Du lịch",
               "Sở Khoa học và Công nghệ", "Sở Dân tộc và Tôn giáo", "Sở Ngoại vụ")
FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Đăng ký kinh doanh", "Y tế", "Giáo dục", "Lao động")
CHANNELS = np.array(["in_person", "online", "postal"])
DOSSIERS_PER_COMMUNE_YEAR = 3_000  # 3,321 communes: about 10 M dossiers a year


@dataclass
class GeneratedCatalog:
    """The parts of `columnar.Catalog` that the export's writers and `build_block` read."""

    units: tuple
    procedures: tuple
    calendar: WorkingCalendar

    def __post_init__(self):
        self.n_units, self.n_procedures = len(self.units), len(self.procedures)
        self.unit_position = np.arange(self.n_units, dtype=np.int64)
        self.procedure_position = np.arange(self.n_procedures, dtype=np.int64)
        self.calendar_groups = [(self.calendar, np.arange(self.n_units))]
        self.full_online_eligible = np.array([p.full_online_eligible for p in self.procedures], dtype=bool)
        self.written_result = np.array([p.written_result for p in self.procedures], dtype=bool)
        self.decision_on_time = np.array([semantics.within_working_days(p.decision_date, p.legal_effective_date, -5,
                                                                        self.calendar) for p in self.procedures])
        self.published_in_time = np.array([p.published_at is not None and semantics.within_working_days(
            p.published_at, p.decision_date, 5, self.calendar) for p in self.procedures])

    def static_key(self, flags, procedure):
        return facts.static_key(flags, procedure, self)


def _provinces():
    from vietnam_provinces import Province, Ward

    wards: dict[int, list] = {}
    for w in Ward.iter_all():
        wards.setdefault(int(w.province_code), []).append(w)
    return [(p, sorted(wards.get(int(p.code), []), key=lambda w: int(w.code)))
            for p in sorted(Province.iter_all(), key=lambda p: int(p.code))]


def _catalog(province, wards, rnd: np.random.Generator, year: int, calendar) -> GeneratedCatalog:
    code = f"{int(province.code):02d}"
    name = province.name if province.name.startswith("Thành phố") else f"tỉnh {province.name}"
    units = [rec.Unit(code, f"UBND {name}", "province", None, False)]
    units += [rec.Unit(f"{code}.S{i:02d}", name, "department", code, False) for i, name in enumerate(DEPARTMENTS)]
    units += [rec.Unit(f"{int(w.code):05d}", f"UBND {w.name}", "commune", code, bool(rnd.random() < 0.7))
              for w in wards]
    procedures = []
    for i in range(120):
        level = "commune" if i % 3 == 0 else "province"
        decided = date(year - 1, 1, 1) + timedelta(days=int(rnd.integers(0, 700)))
        procedures.append(rec.Procedure(
            code=f"{code}.TT{i:03d}", name=f"Thủ tục {i}", field=FIELDS[i % len(FIELDS)], level=level,
            time_limit=Decimal(int(rnd.choice([1, 3, 5, 10, 15]))), time_unit="working_days",
            fee_vnd=int(rnd.choice([0, 0, 20_000, 50_000])), written_result=bool(rnd.random() < 0.7),
            online_level=str(rnd.choice(["none", "partial", "full", "full"])),
            full_online_eligible=bool(rnd.random() < 0.5), for_citizens=bool(rnd.random() < 0.8),
            decision_date=decided, legal_effective_date=decided + timedelta(days=int(rnd.integers(-3, 20))),
            published_at=(decided + timedelta(days=int(rnd.integers(0, 10)))) if rnd.random() < 0.9 else None,
            parts_complete=bool(rnd.random() < 0.8), fee_integrated=bool(rnd.random() < 0.6)))
    return GeneratedCatalog(tuple(units), tuple(procedures), calendar)


def _authority(catalog: GeneratedCatalog) -> list[tuple[str, str]]:
    departments = [u.code for u in catalog.units if u.kind == "department"]
    communes = [u.code for u in catalog.units if u.kind == "commune"]
    pairs = []
    for i, p in enumerate(catalog.procedures):
        pairs += [(c, p.code) for c in communes] if p.level == "commune" else [(departments[i % len(departments)],
                                                                               p.code)]
    return pairs


def _ticks_to_timestamps(ticks: np.ndarray) -> pa.Array:
    """Ticks (NEVER = null) as UTC timestamps: tick 0 is 2000-01-01 00:00 +07:00."""
    never = ticks >= L.NEVER
    utc = np.where(never, 0, ticks + EPOCH_UNIX * 1_000_000)
    return pa.array(utc, type=pa.int64(), mask=never).cast(ex.TIMESTAMP)


def _waits_array(owner: np.ndarray, requested: np.ndarray, completed: np.ndarray, n: int) -> pa.Array:
    """list<struct<requested_at, completed_at>> per dossier from flat waits sorted by owner."""
    counts = np.bincount(owner, minlength=n)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    items = pa.StructArray.from_arrays([_ticks_to_timestamps(requested), _ticks_to_timestamps(completed)],
                                       names=["requested_at", "completed_at"])
    return pa.ListArray.from_arrays(pa.array(offsets), items)


def _province(folder: Path, province, wards, n: int, year: int, rnd: np.random.Generator, calendar) -> int:
    catalog = _catalog(province, wards, rnd, year, calendar)
    folder.mkdir(parents=True, exist_ok=True)
    calendar_index = ex._write_calendars(folder, catalog)
    ex._write_units(folder, catalog, calendar_index)
    ex._write_procedures(folder, catalog)
    authority = _authority(catalog)
    pq.write_table(pa.table({"unit_code": [a for a, _ in authority], "procedure_code": [b for _, b in authority]}),
                   folder / L.AUTHORITY)
    kinds = np.array([u.kind for u in catalog.units])
    departments, communes = np.flatnonzero(kinds == "department"), np.flatnonzero(kinds == "commune")
    levels = np.array([p.level for p in catalog.procedures])
    province_procedures, commune_procedures = np.flatnonzero(levels == "province"), np.flatnonzero(levels == "commune")

    # Who and what: 70% of dossiers at communes (commune procedures), the rest at the departments.
    at_commune = rnd.random(n) < 0.7
    unit = np.where(at_commune, communes[rnd.integers(0, len(communes), n)],
                    departments[rnd.integers(0, len(departments), n)])
    procedure = np.where(at_commune, commune_procedures[rnd.integers(0, len(commune_procedures), n)],
                         province_procedures[rnd.integers(0, len(province_procedures), n)])
    unit[~at_commune] = departments[procedure[~at_commune] % len(departments)]  # the deciding department
    channel = rnd.choice(3, n, p=[0.45, 0.5, 0.05]) + 1  # Channel: 1 in person, 2 online, 3 postal

    # When: in-person and postal in working hours, online at any time of the year.
    start = (date(year, 1, 1).toordinal() - wnp.EPOCH_ORD) * wnp.DAY
    stop = (date(year + 1, 1, 1).toordinal() - wnp.EPOCH_ORD) * wnp.DAY
    first, last = wnp.positions(calendar, np.array([start, stop - 1]))
    received = np.where(channel == 2, rnd.integers(start, stop, n),
                        wnp.instants(calendar, rnd.integers(first, last, n)))
    received -= received % 1_000_000  # whole seconds
    day_us = calendar._day_us
    limit = np.array([int(p.time_limit) for p in catalog.procedures], dtype=np.int64)[procedure] * day_us
    received_position = wnp.positions(calendar, received)
    due = wnp.instants(calendar, received_position + limit)
    took = (limit * rnd.uniform(0.15, 1.25, n)).astype(np.int64)  # about one in ten is late
    resolved = wnp.instants(calendar, received_position + took)
    open_now = rnd.random(n) < 0.04
    resolved[open_now] = L.NEVER
    returned = np.where((resolved < L.NEVER) & (rnd.random(n) < 0.6), resolved + rnd.integers(0, 3 * wnp.DAY, n),
                        L.NEVER)
    ending = rnd.choice(4, n, p=[0.97, 0.01, 0.015, 0.005])  # none, refused, withdrawn, stopped
    ended_at = np.where(ending == 1, received, np.where(ending > 1, received + rnd.integers(1, 20 * wnp.DAY, n),
                                                        L.NEVER))
    resolved[ending == 1] = L.NEVER
    returned[ending == 1] = L.NEVER

    # Supplements and fee waits: one in twelve paused, some twice, some still open.
    paused = np.flatnonzero(rnd.random(n) < 0.08)
    twice = paused[rnd.random(len(paused)) < 0.12]
    owner = np.sort(np.concatenate([paused, twice]))
    m = len(owner)
    requested = wnp.instants(calendar, received_position[owner] + (limit[owner] * rnd.uniform(0.05, 0.6, m)).astype(
        np.int64))
    requested -= requested % 1_000_000
    completed = np.where(rnd.random(m) < 0.1, L.NEVER,
                         wnp.instants(calendar, wnp.positions(calendar, requested) + rnd.integers(1, 5, m) * day_us))
    supplement = rnd.random(m) < 0.8
    order = np.lexsort((requested, owner))
    owner, requested, completed, supplement = owner[order], requested[order], completed[order], supplement[order]

    fee = np.array([p.fee_vnd for p in catalog.procedures], dtype=np.int64)[procedure]
    synced = np.where(rnd.random(n) < 0.96, received + rnd.integers(60, 3600, n) * 1_000_000, L.NEVER)
    paid = np.where((fee > 0) & (channel == 2) & (rnd.random(n) < 0.7), received + 600 * 1_000_000, L.NEVER)
    has_e = (resolved < L.NEVER) & (rnd.random(n) < 0.75)
    e_issued = np.where(has_e, resolved, L.NEVER)
    booleans = {name: rnd.random(n) < share for name, share in (
        ("full_online", 0.35), ("digitized", 0.8), ("reused_data", 0.5), ("from_data_store", 0.3),
        ("result_to_data_store", 0.4), ("citizen_data", 0.6), ("complaint", 0.01))}
    booleans["full_online"] &= channel == 2
    rating = rnd.choice(3, n, p=[0.5, 0.45, 0.05])  # none, satisfied, unsatisfied

    flags = (channel | R_FULL_ONLINE * booleans["full_online"] | R_DIGITIZED * booleans["digitized"]
             | R_REUSED * booleans["reused_data"] | R_FROM_STORE * booleans["from_data_store"]
             | R_TO_STORE * booleans["result_to_data_store"] | R_CITIZEN * booleans["citizen_data"]
             | R_COMPLAINT * booleans["complaint"] | R_FEE * (fee > 0) | R_UNSATISFIED * (rating == 2)
             | R_REFUSED * (ending == 1) | R_E_CODE * has_e).astype(np.int32)
    ids = np.arange(n, dtype=np.int64)
    raw = RawRows(id=ids, unit_id=unit, procedure_id=procedure, flags=flags, received=received, due=due,
                  resolved=resolved, stopped=np.minimum(returned, ended_at), synced=synced, paid=paid,
                  e_issued=e_issued)
    block = columnar.build_block(raw, RawPauses(owner, supplement, requested, completed), catalog,
                                 columnar.StaticRanks())

    unit_codes = np.array([u.code for u in catalog.units], dtype=object)
    procedure_codes = np.array([p.code for p in catalog.procedures], dtype=object)
    codes = pa.array(np.char.add(f"{int(province.code):02d}-{year}-", np.char.zfill(ids.astype(str), 8)))
    exchange = {
        "code": codes, "procedure": pa.array(procedure_codes[procedure], pa.string()),
        "unit": pa.array(unit_codes[unit], pa.string()), "received_by": pa.array(unit_codes[unit], pa.string()),
        "channel": pa.array(CHANNELS[channel - 1]), "full_online": booleans["full_online"],
        "received_at": _ticks_to_timestamps(received), "due_at": _ticks_to_timestamps(due),
        "supplements": _waits_array(owner[supplement], requested[supplement], completed[supplement], n),
        "fee_waits": _waits_array(owner[~supplement], requested[~supplement], completed[~supplement], n),
        "resolved_at": _ticks_to_timestamps(resolved), "returned_at": _ticks_to_timestamps(returned),
        "ended": pa.array(np.array([None, "refused", "withdrawn", "stopped"], dtype=object)[ending], pa.string()),
        "ended_at": _ticks_to_timestamps(ended_at), "synced_at": _ticks_to_timestamps(synced),
        "fee_vnd": fee, "paid_online_at": _ticks_to_timestamps(paid), "digitized": booleans["digitized"],
        "e_result": pa.StructArray.from_arrays(
            [_one_chunk(pa.array(np.char.add("KQ-", ids.astype(str)))), _one_chunk(_ticks_to_timestamps(e_issued))],
            names=["code", "issued_at"], mask=pa.array(~has_e)),
        **{name: booleans[name] for name in ("reused_data", "from_data_store", "result_to_data_store",
                                             "citizen_data")},
        "rating": pa.array(np.array([None, "satisfied", "unsatisfied"], dtype=object)[rating], pa.string()),
        "complaint": booleans["complaint"],
    }
    ex.write_dossier_tables(folder, exchange, block, ids, catalog, calendar_index)
    feedback = _feedback(folder, catalog, rnd, year, start, stop, max(n // 200, 1))
    L.write_manifest(folder, {"units": catalog.n_units, "procedures": catalog.n_procedures,
                              "authority": len(authority), "dossiers": n, "feedback": feedback})
    return n


def _one_chunk(values):
    """An Array: pyarrow converts a big numpy string array (a province of millions) in chunks, which a
    StructArray does not take."""
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _feedback(folder: Path, catalog: GeneratedCatalog, rnd, year: int, start: int, stop: int, n: int) -> int:
    unit = rnd.integers(1, catalog.n_units, n)
    received = rnd.integers(start, stop, n)
    received -= received % 1_000_000
    answered = np.where(rnd.random(n) < 0.7, received + rnd.integers(1, 30 * wnp.DAY, n), L.NEVER)
    refused = np.where((answered == L.NEVER) & (rnd.random(n) < 0.3), received + rnd.integers(1, 5 * wnp.DAY, n),
                       L.NEVER)
    day = received // wnp.DAY + wnp.EPOCH_ORD
    deadlines = {d: (catalog.calendar.add_working_days(date.fromordinal(d), semantics.FEEDBACK_ANSWER_DAYS).toordinal(),
                     catalog.calendar.add_working_days(date.fromordinal(d), semantics.FEEDBACK_REFUSE_DAYS).toordinal())
                 for d in np.unique(day).tolist()}
    rating = rnd.choice(3, n, p=[0.4, 0.5, 0.1])
    codes = np.array([u.code for u in catalog.units], dtype=object)
    pq.write_table(pa.table({
        "code": pa.array(np.char.add("PA-", np.arange(n).astype(str))), "unit": pa.array(codes[unit], pa.string()),
        "received_at": _ticks_to_timestamps(received), "refused_at": _ticks_to_timestamps(refused),
        "answered_at": _ticks_to_timestamps(answered), "published_at": _ticks_to_timestamps(answered),
        "rating": pa.array(np.array([None, "satisfied", "unsatisfied"], dtype=object)[rating], pa.string()),
        "raised_again": rnd.random(n) < 0.05,
        "line": np.arange(n, dtype=np.int64), "unit_index": unit.astype(np.int32), "received_ticks": received,
        "refused_ticks": refused, "answered_ticks": answered,
        "answer_by_day": np.array([deadlines[d][0] for d in day.tolist()], dtype=np.int64),
        "refuse_by_day": np.array([deadlines[d][1] for d in day.tolist()], dtype=np.int64),
    }), folder / L.FEEDBACK)
    return n


def generate(folder, dossiers: int, year: int = 2026, seed: int = 766, provinces: int | None = None,
             progress=None) -> dict:
    """One Parquet folder per province under `folder`, `dossiers` in all, shared by number of communes."""
    folder = Path(folder)
    chosen = _provinces()[:provinces]
    weights = np.array([len(w) for _, w in chosen], dtype=np.float64)
    shares = np.floor(weights / weights.sum() * dossiers).astype(np.int64)
    shares[0] += dossiers - shares.sum()
    calendar = WorkingCalendar()
    started = time.perf_counter()
    written = {}
    for (province, wards), n in zip(chosen, shares.tolist(), strict=True):
        rnd = np.random.default_rng([seed, int(province.code)])
        written[f"{int(province.code):02d}"] = _province(folder / f"{int(province.code):02d}", province, wards, n,
                                                        year, rnd, calendar)
        if progress:
            progress(province.name, n, time.perf_counter() - started)
    return written
