"""The dossier record as numpy columns, queried per period in a few vector passes.

One row per dossier (`Block`), with everything the index needs as integers: unit and procedure
positions, static flags and every moment as ticks (`bulkread`). Supplements and fee waits are summarised
per dossier (`WaitTable`: first request, when all were over, the effective due once every pause is over,
the second supplement request), so lateness at any t is a vector expression except in one rare case: a
dossier with several waits, some of them running at t. Those rows are judged by `semantics.is_late`
itself, the one definition (`motcua.lib.lateness`) that the vector expression must agree with.

The main block is sorted by (local day of receipt, latest relevant moment descending): the dossiers
received in a period are one contiguous slice, and those carried over into it are the head of each
earlier day's slice, found by one `searchsorted` (`period_rows`). Nothing here knows a population or an
indicator: `row_facts` computes each row's `DossierFacts` as a packed integer, and `live` lets the
reference selectors decide what each distinct tuple counts for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from motcua.indicators import facts, semantics
from motcua.indicators.bulkread import (
    DAY,
    NEVER,
    RawPauses,
    RawRows,
    datetime_of,
    ticks_of,
)
from motcua.indicators.facts import FACT_BIT
from motcua.indicators.populations import DossierFacts
from motcua.lib import workingtime_np as wnp
from motcua.lib.periods import Period, local_date

_MICROSECOND = timedelta(microseconds=1)

FACT_COUNT = len(DossierFacts._fields)


# -- the small tables, as the index sees them ---------------------------------------------------------


def local_ordinal(ticks):
    """The local date's ordinal of ticks (works on arrays)."""
    return ticks // DAY + wnp.EPOCH_ORD


class Catalog:
    """Units, procedures, authority, feedback and calendars: small, read whole whenever they change.

    Positions follow `from_db` (units and procedures in file order), so that unit and procedure lists
    come out in the reference's order.
    """

    def __init__(self):
        from motcua.catalog.models import Authority as AuthorityRow
        from motcua.catalog.models import Procedure as ProcedureRow
        from motcua.feedback.models import Feedback as FeedbackRow
        from motcua.indicators import records as rec
        from motcua.indicators.compute import UnitTree
        from motcua.units.calendars import CalendarBook
        from motcua.units.models import CalendarException
        from motcua.units.models import Unit as UnitRow

        unit_rows = list(UnitRow.objects.order_by("position", "id"))
        exceptions = list(CalendarException.objects.order_by("date", "id"))
        codes = {u.id: u.code for u in unit_rows}
        self.units = tuple(rec.Unit(u.code, u.name, u.kind, codes.get(u.parent_id), u.e_certified_copy)
                           for u in unit_rows)
        self.unit_ids = [u.id for u in unit_rows]
        self.n_units = len(unit_rows)
        self.void = self.n_units  # the position of rows that no longer count
        self.unit_position = _lookup(self.unit_ids)
        self.position_of_code = {u.code: i for i, u in enumerate(self.units)}
        # What the calendars and the unit positions depend on: a change here means rebuilding every row.
        self.calendar_signature = (
            tuple((u.id, u.code, u.parent_id, repr(u.sessions)) for u in unit_rows),
            tuple((e.date, e.kind, e.unit_id) for e in exceptions))
        self.tree = UnitTree(self.units)  # ValueError without exactly one province, as in the reference
        self.ancestors = np.zeros((self.n_units, self.n_units), dtype=bool)  # [a, u]: a is u or above it
        for u, unit in enumerate(self.units):
            for code in self.tree.chain(unit.code):
                self.ancestors[self.position_of_code[code], u] = True

        book = CalendarBook(unit_rows, exceptions)
        self.calendar_for = book.for_unit
        self.calendars = [book.for_unit(u.code) for u in self.units]
        groups: dict[int, list[int]] = {}
        for position, calendar in enumerate(self.calendars):
            groups.setdefault(id(calendar), []).append(position)
        self.calendar_groups = [(self.calendars[positions[0]], np.array(positions)) for positions in groups.values()]

        procedure_rows = list(ProcedureRow.objects.order_by("position", "id"))
        self.procedures = tuple(rec.Procedure(
            code=p.code, name=p.name, field=p.field, level=p.level, time_limit=p.time_limit,
            time_unit=p.time_unit, fee_vnd=p.fee_vnd, written_result=p.written_result,
            online_level=p.online_level, full_online_eligible=p.full_online_eligible,
            for_citizens=p.for_citizens, decision_date=p.decision_date,
            legal_effective_date=p.legal_effective_date, published_at=p.published_at,
            parts_complete=p.parts_complete, fee_integrated=p.fee_integrated) for p in procedure_rows)
        self.n_procedures = len(procedure_rows)
        self.procedure_ids = [p.id for p in procedure_rows]
        self.procedure_position = _lookup(self.procedure_ids)
        self.procedure_codes = [p.code for p in self.procedures]
        self.full_online_eligible = np.array([p.full_online_eligible for p in self.procedures], dtype=bool)
        self.written_result = np.array([p.written_result for p in self.procedures], dtype=bool)
        self._procedure_facts()

        # Procedures under each unit: its authority rows and those of every unit below it.
        under: list[set[int]] = [set() for _ in self.units]
        for unit_id, procedure_id in AuthorityRow.objects.values_list("unit_id", "procedure_id"):
            p = int(self.procedure_position[procedure_id])
            for code in self.tree.chain(codes[unit_id]):
                under[self.position_of_code[code]].add(p)
        self.under = [np.array(sorted(s), dtype=np.int64) for s in under]
        self.subtree = [np.flatnonzero(self.ancestors[u]) for u in range(self.n_units)]

        feedback = list(FeedbackRow.objects.order_by("position", "id").values_list(
            "unit_id", "received_at", "refused_at", "answered_at", "rating", "raised_again", "id"))
        self.feedback_ids = np.array([f[6] for f in feedback], dtype=np.int64)  # the reference's order
        self.feedback_unit = np.array([self.unit_position[f[0]] for f in feedback], dtype=np.int64)
        self.feedback_received = np.array([ticks_of(f[1]) for f in feedback], dtype=np.int64)
        self.feedback_refused = np.array([ticks_of(f[2]) for f in feedback], dtype=np.int64)
        self.feedback_answered = np.array([ticks_of(f[3]) for f in feedback], dtype=np.int64)
        self.feedback_unsatisfied = np.array([f[4] == "unsatisfied" for f in feedback], dtype=bool)
        self.feedback_raised_again = np.array([bool(f[5]) for f in feedback], dtype=bool)
        # The whole-day deadlines of `semantics.feedback_on_time`, on the feedback unit's calendar.
        received_days = [local_date(f[1]) for f in feedback]
        self.feedback_answer_by = np.array([
            self.calendars[u].add_working_days(day, semantics.FEEDBACK_ANSWER_DAYS).toordinal()
            for u, day in zip(self.feedback_unit.tolist(), received_days, strict=True)], dtype=np.int64)
        self.feedback_refuse_by = np.array([
            self.calendars[u].add_working_days(day, semantics.FEEDBACK_REFUSE_DAYS).toordinal()
            for u, day in zip(self.feedback_unit.tolist(), received_days, strict=True)], dtype=np.int64)

        self.communes = np.array([i for i, u in enumerate(self.units) if u.kind == "commune"], dtype=np.int64)
        self.commune_e_copy = np.array([self.units[i].e_certified_copy for i in self.communes], dtype=bool)

    def _procedure_facts(self):
        """The parts of `ProcedureFacts` that do not depend on the period (whole-day rules on the province's
        calendar, as in `compute.procedure_static_facts`), and the dates of those that do."""
        calendar = self.calendar_for(self.tree.root.code)
        decision, published, decision_on_time, published_in_time = [], [], [], []
        for p in self.procedures:
            decision.append(p.decision_date.toordinal() if p.decision_date else -1)
            published.append(p.published_at.toordinal() if p.published_at else 1 << 40)
            decision_on_time.append(
                p.decision_date is not None and p.legal_effective_date is not None
                and semantics.within_working_days(p.decision_date, p.legal_effective_date, -5, calendar))
            published_in_time.append(
                p.published_at is not None and p.decision_date is not None
                and semantics.within_working_days(p.published_at, p.decision_date, 5, calendar))
        self.decision_ordinal = np.array(decision, dtype=np.int64)
        self.published_ordinal = np.array(published, dtype=np.int64)
        self.decision_on_time = np.array(decision_on_time, dtype=bool)
        self.published_in_time = np.array(published_in_time, dtype=bool)
        self.procedure_flags = {name: np.array([getattr(p, attr) for p in self.procedures], dtype=bool)
                                for name, attr in (("parts_complete", "parts_complete"),
                                                   ("fee_integrated", "fee_integrated"),
                                                   ("for_citizens", "for_citizens"))}
        self.procedure_flags["offered_online"] = np.array(
            [p.online_level in ("partial", "full") for p in self.procedures], dtype=bool)
        self.procedure_flags["fee_bearing"] = np.array([p.fee_vnd > 0 for p in self.procedures], dtype=bool)

    def static_key(self, flags: np.ndarray, procedure: np.ndarray) -> np.ndarray:
        """The DossierFacts bits of each row that do not depend on the period (`facts.STATIC_FACTS`)."""
        return facts.static_key(flags, procedure, self)


def _lookup(ids: Sequence[int]) -> np.ndarray:
    """Database id → position, as an array indexed by id (-1 for unknown ids)."""
    table = np.full((max(ids) + 1) if ids else 1, -1, dtype=np.int64)
    if ids:
        table[np.array(ids)] = np.arange(len(ids))
    return table


def _positions(table: np.ndarray, ids: np.ndarray, what: str) -> np.ndarray:
    if len(ids) == 0:
        return np.zeros(0, dtype=np.int32)
    if ids.max() >= len(table) or np.any(table[ids] < 0):
        raise LookupError(f"dossier with an unknown {what}")
    return table[ids].astype(np.int32)


# -- blocks of rows -----------------------------------------------------------------------------------


@dataclass
class WaitTable:
    """Per dossier with at least one supplement or fee wait: what lateness and pauses need at any t."""

    first: np.ndarray  # earliest request
    done: np.ndarray  # when every wait was over (latest request or completion); NEVER while one is open
    supp2: np.ndarray  # the second supplement request (two requests make a dossier late); NEVER if fewer
    several: np.ndarray  # bool: two or more waits (the rows judged one by one while some are running)
    pause: np.ndarray  # working time of the union of all waits, once done (0 while one is open)
    effective_due: np.ndarray  # due moved by `pause`
    # Every wait, for the rows judged one by one: entries [offset[i], offset[i + 1]) of the arrays below.
    offset: np.ndarray
    supplement: np.ndarray
    requested: np.ndarray
    completed: np.ndarray

    SCALARS = ("first", "done", "supp2", "several", "pause", "effective_due")
    FLAT = ("supplement", "requested", "completed")

    def __len__(self):
        return len(self.first)

    def take(self, index: np.ndarray) -> WaitTable:
        counts = self.offset[index + 1] - self.offset[index]
        offset = np.zeros(len(index) + 1, dtype=np.int64)
        np.cumsum(counts, out=offset[1:])
        flat = ranges(self.offset[index], counts)
        return WaitTable(**{name: getattr(self, name)[index] for name in self.SCALARS}, offset=offset,
                         **{name: getattr(self, name)[flat] for name in self.FLAT})

    @classmethod
    def concat(cls, tables: Sequence[WaitTable]) -> WaitTable:
        offsets, total = [np.zeros(1, dtype=np.int64)], 0
        for table in tables:
            offsets.append(table.offset[1:] + total)
            total += int(table.offset[-1])
        return cls(**{name: np.concatenate([getattr(t, name) for t in tables]) for name in cls.SCALARS + cls.FLAT},
                   offset=np.concatenate(offsets))

    @classmethod
    def empty(cls) -> WaitTable:
        never = np.zeros(0, dtype=np.int64)
        flag = np.zeros(0, dtype=bool)
        return cls(first=never, done=never, supp2=never, several=flag, pause=never,
                   effective_due=never, offset=np.zeros(1, dtype=np.int64), supplement=flag, requested=never,
                   completed=never)

    def waits_of(self, entry: int) -> tuple[tuple, tuple]:
        """(supplements, fee_waits) of one entry as the reference's tuples of (requested, completed)."""
        supplements, fee_waits = [], []
        for k in range(int(self.offset[entry]), int(self.offset[entry + 1])):
            pair = (datetime_of(self.requested[k]), datetime_of(self.completed[k]))
            (supplements if self.supplement[k] else fee_waits).append(pair)
        return tuple(supplements), tuple(fee_waits)


@dataclass
class Block:
    """Dossier rows as columns; `wait` maps a row to its WaitTable entry (-1 without waits)."""

    id: np.ndarray
    unit: np.ndarray  # int32 position in Catalog.units; Catalog.void for rows that no longer count
    procedure: np.ndarray  # int32 position in Catalog.procedures
    flags: np.ndarray  # int32: channel and R_* bits
    static_key: np.ndarray  # uint32: the DossierFacts bits that do not depend on the period
    static_rank: np.ndarray  # int32: its number in the engine's StaticRanks
    received: np.ndarray
    due: np.ndarray
    end: np.ndarray  # the earliest of resolved_at, returned_at and ended_at
    resolved: np.ndarray
    synced: np.ndarray
    paid: np.ndarray
    e_issued: np.ndarray
    wait: np.ndarray  # int32
    waits: WaitTable
    sort_key: np.ndarray | None = None  # main block only, see `layout`
    id_order: np.ndarray | None = None  # main block only: its rows in id order

    COLUMNS = ("id", "unit", "procedure", "flags", "static_key", "static_rank", "received", "due", "end", "resolved",
               "synced", "paid", "e_issued", "wait")

    def __len__(self):
        return len(self.id)

    def take(self, index: np.ndarray) -> Block:
        """The rows at `index` (their wait entries renumbered)."""
        wait = self.wait[index]
        has = wait >= 0
        renumbered = np.full(len(index), -1, dtype=np.int32)
        renumbered[has] = np.arange(int(has.sum()), dtype=np.int32)
        columns = {name: getattr(self, name)[index] for name in self.COLUMNS if name != "wait"}
        return Block(**columns, wait=renumbered, waits=self.waits.take(wait[has]))

    @classmethod
    def concat(cls, blocks: Sequence[Block]) -> Block:
        columns = {name: np.concatenate([getattr(b, name) for b in blocks]) for name in cls.COLUMNS if name != "wait"}
        waits, base = [], 0
        for b in blocks:
            waits.append(np.where(b.wait >= 0, b.wait + base, -1).astype(np.int32))
            base += len(b.waits)
        return cls(**columns, wait=np.concatenate(waits), waits=WaitTable.concat([b.waits for b in blocks]))


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The concatenation of arange(s, s + c) for each (s, c), in order."""
    starts = np.asarray(starts, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    keep = counts > 0
    starts, counts = starts[keep], counts[keep]
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    steps = np.ones(total, dtype=np.int64)
    firsts = np.cumsum(counts) - counts
    steps[firsts[0]] = starts[0]
    steps[firsts[1:]] = starts[1:] - (starts[:-1] + counts[:-1] - 1)
    return np.cumsum(steps)


def build_block(raw: RawRows, pauses: RawPauses, catalog: Catalog, ranks: StaticRanks) -> Block:
    """Rows as the index needs them: positions, static facts, and each dossier's waits summarised."""
    unit = _positions(catalog.unit_position, raw.unit_id, "unit")
    procedure = _positions(catalog.procedure_position, raw.procedure_id, "procedure")
    wait, waits = _summarise_waits(raw, unit, pauses, catalog)
    static_key = catalog.static_key(raw.flags, procedure)
    return Block(id=raw.id, unit=unit, procedure=procedure, flags=raw.flags, static_key=static_key,
                 static_rank=ranks.assign(static_key), received=raw.received, due=raw.due,
                 end=np.minimum(raw.resolved, raw.stopped), resolved=raw.resolved, synced=raw.synced, paid=raw.paid,
                 e_issued=raw.e_issued, wait=wait, waits=waits)


def _summarise_waits(raw: RawRows, unit: np.ndarray, pauses: RawPauses, catalog: Catalog):
    wait = np.full(len(raw), -1, dtype=np.int32)
    rows = np.searchsorted(raw.id, pauses.dossier_id)
    known = rows < len(raw)
    known[known] = raw.id[rows[known]] == pauses.dossier_id[known]
    if not known.all():
        rows = rows[known]
        pauses = RawPauses(**{name: getattr(pauses, name)[known] for name in RawPauses.__dataclass_fields__})
    if len(rows) == 0:
        return wait, WaitTable.empty()
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    counts = np.diff(np.r_[starts, len(rows)])
    owner = rows[starts]  # the row of each entry
    entries = len(starts)
    wait[owner] = np.arange(entries, dtype=np.int32)
    group = np.repeat(np.arange(entries), counts)
    requested, completed, supplement = pauses.requested, pauses.completed, pauses.supplement

    done = np.maximum.reduceat(np.maximum(requested, completed), starts)
    rank = np.cumsum(supplement)
    rank = rank - (rank[starts] - supplement[starts])[group]
    supp2 = np.full(entries, NEVER, dtype=np.int64)
    second = supplement & (rank == 2)
    supp2[group[second]] = requested[second]

    # The pause once every wait is over: the working time of the union of the waits that lasted.
    over = done < NEVER
    lasted = over[group] & (completed > requested)
    single = counts == 1
    interval_group, interval_start, interval_stop = [group[lasted & single[group]]], [], []
    interval_start.append(requested[lasted & single[group]])
    interval_stop.append(completed[lasted & single[group]])
    merged = _merge_intervals(group, requested, completed, lasted & ~single[group])
    interval_group.append(merged[0])
    interval_start.append(merged[1])
    interval_stop.append(merged[2])
    interval_group = np.concatenate(interval_group)
    interval_start = np.concatenate(interval_start)
    interval_stop = np.concatenate(interval_stop)
    pause = np.zeros(entries, dtype=np.int64)
    due = raw.due[owner]
    effective_due = due.copy()
    owner_unit = unit[owner]
    interval_unit = owner_unit[interval_group]
    for calendar, positions in catalog.calendar_groups:
        mine = np.isin(interval_unit, positions)
        if mine.any():
            np.add.at(pause, interval_group[mine],
                      wnp.working_time_between(calendar, interval_start[mine], interval_stop[mine]))
        mine = np.isin(owner_unit, positions) & (pause > 0)
        if mine.any():
            effective_due[mine] = wnp.add_working_time(calendar, due[mine], pause[mine])

    table = WaitTable(
        first=requested[starts], done=done, supp2=supp2,
        several=~single, pause=pause,
        effective_due=effective_due, offset=np.r_[starts, len(rows)].astype(np.int64),
        supplement=supplement.copy(), requested=requested.copy(), completed=completed.copy())
    return wait, table


def _merge_intervals(group, requested, completed, selected):
    """`semantics.pause_intervals` for every entry with several waits: sorted, overlaps merged."""
    out_group, out_start, out_stop = [], [], []
    index = np.flatnonzero(selected)
    if len(index):
        order = np.lexsort((completed[index], requested[index], group[index]))
        index = index[order]
        current = None
        for g, start, stop in zip(group[index].tolist(), requested[index].tolist(), completed[index].tolist(),
                                  strict=True):
            if current is not None and current[0] == g and start <= current[2]:
                if stop > current[2]:
                    current[2] = stop
                continue
            if current is not None:
                out_group.append(current[0])
                out_start.append(current[1])
                out_stop.append(current[2])
            current = [g, start, stop]
        out_group.append(current[0])
        out_start.append(current[1])
        out_stop.append(current[2])
    return (np.array(out_group, dtype=np.int64), np.array(out_start, dtype=np.int64),
            np.array(out_stop, dtype=np.int64))


# -- the main block's order ---------------------------------------------------------------------------

_SECONDS_BITS = 34  # seconds since 2000 fit for five centuries
_SECONDS_CAP = (1 << _SECONDS_BITS) - 1


def relevant_until(block: Block) -> np.ndarray:
    """The latest moment at which a row can still matter to a period that starts after its receipt.

    A dossier received before a period's start counts in it only while under processing (its end is at
    or after the start, or after t) or when resolved in it; both need this moment >= min(start, t).
    """
    return np.where(block.resolved < NEVER, np.maximum(block.end, block.resolved), block.end)


def layout(block: Block) -> tuple[Block, Block]:
    """(main, loose): main sorted by (local day of receipt, relevant_until descending); loose holds the
    rows resolved before they were received, which a period can count without having received them."""
    anomalous = block.resolved < block.received
    main_rows = np.flatnonzero(~anomalous)
    day = block.received[main_rows] // DAY
    seconds = np.clip(relevant_until(block)[main_rows] // 1_000_000, 0, _SECONDS_CAP)
    key = day * (1 << _SECONDS_BITS) + (_SECONDS_CAP - seconds)
    order = np.argsort(key, kind="stable")
    main = block.take(main_rows[order])
    main.sort_key = key[order]
    if len(block.id) < 2 or np.all(block.id[1:] > block.id[:-1]):
        # Rows read in id order: the main block's id order is the inverse of `order`, no second sort.
        main.id_order = np.empty(len(order), dtype=np.int64)
        main.id_order[order] = np.arange(len(order))
    else:
        main.id_order = np.argsort(main.id, kind="stable")
    return main, block.take(np.flatnonzero(anomalous))


def period_rows(main: Block, start: int, t: int, end: int) -> tuple[slice, np.ndarray]:
    """The main block's rows that can count in [start, end) at t: a slice (received in those days) and
    the carried-over rows of earlier days (superset; the facts decide exactly)."""
    key = main.sort_key
    if key is None or len(key) == 0:
        return slice(0, 0), np.zeros(0, dtype=np.int64)
    first_day, last_day = start // DAY, end // DAY
    block = slice(int(np.searchsorted(key, first_day << _SECONDS_BITS, "left")),
                  int(np.searchsorted(key, last_day << _SECONDS_BITS, "left")))
    threshold = int(np.clip(min(start, t) // 1_000_000, 0, _SECONDS_CAP))
    days = np.arange(int(key[0] >> _SECONDS_BITS), first_day, dtype=np.int64)
    if len(days) == 0:
        return block, np.zeros(0, dtype=np.int64)
    lows = np.searchsorted(key, days << _SECONDS_BITS, "left")
    highs = np.searchsorted(key, (days << _SECONDS_BITS) + (_SECONDS_CAP - threshold), "right")
    return block, ranges(lows, highs - lows)


# -- facts of many rows at once -----------------------------------------------------------------------


@dataclass
class PeriodTicks:
    """A `Period` in ticks."""

    period: Period
    start: int = 0
    end: int = 0
    t: int = 0

    def __post_init__(self):
        self.start, self.end, self.t = (ticks_of(self.period.start), ticks_of(self.period.end),
                                        ticks_of(self.period.t))


# The facts that depend on the period, in the order of a row's compact `dynamic` code (bit j).
DYNAMIC_FACTS = tuple(fact.name for fact in facts.DYNAMIC_FACTS)
DYNAMIC_BITS = 1 << len(DYNAMIC_FACTS)
# dynamic code -> its DossierFacts bits
DYNAMIC_TO_KEY = np.array([sum(FACT_BIT[name] for j, name in enumerate(DYNAMIC_FACTS) if code >> j & 1)
                           for code in range(DYNAMIC_BITS)], dtype=np.int64)


class StaticRanks:
    """Small numbers for the distinct static keys of the rows, so that a query counts (static, dynamic)
    pairs in a table of (distinct static keys × 512) cells instead of 2**21. Append-only: a row's rank
    stays valid as long as the row lives."""

    def __init__(self, values: np.ndarray | None = None):
        # The keys in rank order, and the same keys sorted with their ranks: a few hundred numbers, where a
        # table indexed by key (2**21 entries, 8 MB) would be copied into every web process.
        self.values = np.zeros(0, dtype=np.int64) if values is None else np.array(values, dtype=np.int64)
        self._sort()

    def _sort(self) -> None:
        order = np.argsort(self.values, kind="stable")
        self._sorted, self._rank_of_sorted = self.values[order], order.astype(np.int32)

    def assign(self, static_key: np.ndarray) -> np.ndarray:
        if len(static_key) == 0:
            return np.zeros(0, dtype=np.int32)
        present = np.flatnonzero(np.bincount(static_key, minlength=1 << FACT_COUNT)) if len(static_key) > 100_000 \
            else np.unique(static_key).astype(np.int64)
        new = present[~np.isin(present, self._sorted)]
        if len(new):
            self.values = np.concatenate([self.values, new])
            self._sort()
        return self._rank_of_sorted[np.searchsorted(self._sorted, static_key)]

    def keys(self, cells: np.ndarray) -> np.ndarray:
        """Full DossierFacts keys of `rank * DYNAMIC_BITS + dynamic` cells."""
        return self.values[cells // DYNAMIC_BITS] | DYNAMIC_TO_KEY[cells % DYNAMIC_BITS]


@dataclass
class RowFacts:
    """The facts of a selection of rows: the unit, the static key and its rank, the compact code of the
    period-dependent facts, and which procedures a unit has dossiers of (`procedure_code`, 0 for rows
    outside the dossier-based procedure tests of 3.2, 3.5, 3.6 and 5.5)."""

    unit: np.ndarray
    procedure: np.ndarray
    static: np.ndarray  # uint32 DossierFacts bits of the row that do not depend on the period
    rank: np.ndarray  # int32 rank of `static`
    dynamic: np.ndarray  # uint16: bit j = DYNAMIC_FACTS[j]
    procedure_code: np.ndarray  # uint8: bit 0 any, 1 online, 2 synced with fee, 3 paid online, 4 citizen data

    def has(self, fact: str) -> np.ndarray:
        if fact in DYNAMIC_FACTS:
            return (self.dynamic & np.uint16(1 << DYNAMIC_FACTS.index(fact))) != 0
        return (self.static & np.uint32(FACT_BIT[fact])) != 0


def row_facts(block: Block, rows, p: PeriodTicks, catalog: Catalog) -> RowFacts:
    """`facts.dossier_facts` of every selected row (a slice or an index array), packed: each dynamic
    fact's `many` definition, in the order of DYNAMIC_FACTS."""
    view = facts.Rows(block, rows, p, catalog)
    values = {fact.name: fact.many(view) for fact in facts.DYNAMIC_FACTS}
    dynamic = np.zeros(len(view.received_at), dtype=np.uint16)
    for j, name in enumerate(DYNAMIC_FACTS):
        dynamic += values[name] * np.uint16(1 << j)

    static = view.static
    listed = values["received"] & view.not_refused
    code = listed * np.uint8(1)
    code += ((static & np.uint32(FACT_BIT["online"])) != 0) * np.uint8(2)
    code += (values["synced"] & ((static & np.uint32(FACT_BIT["fee"])) != 0)) * np.uint8(4)
    code += values["paid_online"] * np.uint8(8)
    code += ((static & np.uint32(FACT_BIT["citizen_data"])) != 0) * np.uint8(16)
    code *= listed
    return RowFacts(unit=block.unit[rows], procedure=block.procedure[rows], static=static,
                    rank=block.static_rank[rows], dynamic=dynamic, procedure_code=code)


def processing_times(block: Block, rows: np.ndarray, p: PeriodTicks, catalog: Catalog) -> np.ndarray:
    """`semantics.processing_time` in microseconds for rows resolved by t: receipt to resolution in working
    time, minus the pause as of t, never negative."""
    received, resolved = block.received[rows], block.resolved[rows]
    unit = block.unit[rows]
    gross = np.zeros(len(rows), dtype=np.int64)
    for calendar, positions in catalog.calendar_groups:
        mine = np.isin(unit, positions)
        if mine.any():
            gross[mine] = wnp.working_time_between(calendar, received[mine], resolved[mine])
    pause = np.zeros(len(rows), dtype=np.int64)
    wait = block.wait[rows]
    paused = np.flatnonzero(wait >= 0)
    if len(paused):
        w = wait[paused]
        table = block.waits
        over = p.t >= table.done[w]
        pause[paused[over]] = table.pause[w[over]]
        # A running wait pauses nothing yet; with several waits, those already over do.
        for i in paused[~over & (p.t >= table.first[w]) & table.several[w]].tolist():
            row = int(rows[i])
            calendar = catalog.calendars[int(block.unit[row])]
            pause[i] = semantics.pause(facts.wait_view(block, row), p.period.t, calendar) // _MICROSECOND
    return np.maximum(gross - pause, 0)
