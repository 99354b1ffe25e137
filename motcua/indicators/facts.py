"""What the index knows of each dossier, each fact defined once per engine, side by side.

An indicator is its rule-set entry (`rulesets/*.toml`: label, population, counted subset, points) plus
the selectors it names (`populations`: predicates over `DossierFacts`) plus the facts below. Each fact
has its meaning in the words of interchange.md and two definitions next to each other:

- `one`: over a single `records.Dossier`, for the reference engine (`compute`), written plainly;
- `many`: over numpy columns, for the live engine (`columnar`, `live`), the same rule as a vector
  expression.

A rule change is one edit here (both definitions) plus its tests: `tests/indicators/test_facts.py`
checks every fact of the two engines against each other row by row on random records, and
`tests/indicators/test_live.py` the whole index. Lateness itself is `motcua.lib.lateness`; its vector
twin `late_many` lives here and falls back to the one definition for the rare rows it does not cover.

Static facts do not depend on the period: they are packed once per row when it is read (`many` takes
the raw flag column and the procedure positions). Dynamic facts depend on the period and t: `many`
takes a `Rows` view of the selected rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import NamedTuple

import numpy as np

from motcua.indicators import semantics
from motcua.indicators.bulkread import (
    CHANNEL_MASK,
    CHANNEL_ONLINE,
    NEVER,
    R_CITIZEN,
    R_COMPLAINT,
    R_DIGITIZED,
    R_FEE,
    R_FROM_STORE,
    R_FULL_ONLINE,
    R_REFUSED,
    R_REUSED,
    R_TO_STORE,
    R_UNSATISFIED,
    datetime_of,
)
from motcua.indicators.populations import DossierFacts
from motcua.lib.lateness import by


@dataclass(frozen=True)
class StaticFact:
    name: str
    meaning: str
    one: Callable  # (dossier, procedure) -> bool
    many: Callable  # (flags, procedure positions, catalog) -> bool array


@dataclass(frozen=True)
class DynamicFact:
    name: str
    meaning: str
    one: Callable  # (dossier, period, calendar) -> bool
    many: Callable  # (Rows) -> bool array


def _flag(bit: int) -> Callable:
    return lambda flags, procedure, catalog: (flags & bit) != 0


STATIC_FACTS = (
    StaticFact("refused", "ended = refused at receipt",
               lambda d, p: semantics.is_refused(d), _flag(R_REFUSED)),
    StaticFact("online", "channel = online",
               lambda d, p: d.channel == "online",
               lambda flags, procedure, catalog: (flags & CHANNEL_MASK) == CHANNEL_ONLINE),
    StaticFact("full_online", "full_online", lambda d, p: d.full_online, _flag(R_FULL_ONLINE)),
    StaticFact("full_online_eligible", "its procedure is full_online_eligible",
               lambda d, p: p.full_online_eligible,
               lambda flags, procedure, catalog: catalog.full_online_eligible[procedure]),
    StaticFact("written_result", "its procedure has a written result",
               lambda d, p: p.written_result,
               lambda flags, procedure, catalog: catalog.written_result[procedure]),
    StaticFact("fee", "fee_vnd > 0", lambda d, p: d.fee_vnd > 0, _flag(R_FEE)),
    StaticFact("digitized", "digitized", lambda d, p: d.digitized, _flag(R_DIGITIZED)),
    StaticFact("reused_data", "reused_data", lambda d, p: d.reused_data, _flag(R_REUSED)),
    StaticFact("data_store", "from_data_store or result_to_data_store",
               lambda d, p: d.from_data_store or d.result_to_data_store, _flag(R_FROM_STORE | R_TO_STORE)),
    StaticFact("citizen_data", "citizen_data", lambda d, p: d.citizen_data, _flag(R_CITIZEN)),
    StaticFact("unsatisfied", "rating = unsatisfied", lambda d, p: d.rating == "unsatisfied", _flag(R_UNSATISFIED)),
    StaticFact("complaint", "complaint", lambda d, p: d.complaint, _flag(R_COMPLAINT)),
)


class Rows:
    """Selected rows of a `columnar.Block` (a slice or an index array) at one period, in ticks, with the
    columns several facts share computed once."""

    def __init__(self, block, rows, p, catalog):
        self.block, self.rows, self.p, self.catalog = block, rows, p, catalog

    def column(self, name: str) -> np.ndarray:
        return getattr(self.block, name)[self.rows]

    @cached_property
    def received_at(self):
        return self.column("received")

    @cached_property
    def end_at(self):
        return self.column("end")

    @cached_property
    def resolved_at(self):
        return self.column("resolved")

    @cached_property
    def static(self):
        return self.column("static_key")

    @cached_property
    def under_processing(self):
        return under_processing_many(self)

    @cached_property
    def not_refused(self):
        return (self.static & np.uint32(FACT_BIT["refused"])) == 0


# -- the dynamic facts, one pair per fact ----------------------------------------------------------------

def received_one(d, period, calendar) -> bool:
    return semantics.received_in(d, period)


def received_many(v: Rows):
    r, p = v.received_at, v.p
    return (r >= p.start) & (r <= p.t) & (r < p.end)


def under_processing_one(d, period, calendar) -> bool:
    return semantics.under_processing_in(d, period)


def under_processing_many(v: Rows):
    r, p = v.received_at, v.p
    ended_before_start = (v.end_at <= p.t) & (v.end_at < p.start)
    return (r <= p.t) & (r < p.end) & ~ended_before_start


def late_one(d, period, calendar) -> bool:
    # Evaluated only where a population uses it (dossiers under processing, not refused).
    return (semantics.under_processing_in(d, period) and not semantics.is_refused(d)
            and semantics.is_late(d, period.t, calendar))


def late_many(v: Rows):
    """`lateness.is_late` as vector expressions over each row's `WaitTable` summary; rows with several
    waits, some of them open at t, are judged by the one definition itself."""
    block, rows, p, catalog = v.block, v.rows, v.p, v.catalog
    counted = v.under_processing & v.not_refused
    t, due = p.t, v.column("due")
    moment = np.where(v.end_at <= t, v.end_at, t)
    late = moment > due  # no supplement or fee wait has started by t: due_at as it is
    wait = v.column("wait")
    paused = np.flatnonzero((wait >= 0) & counted)
    if len(paused):
        w = wait[paused]
        table = block.waits
        first, done, supp2 = table.first[w], table.done[w], table.supp2[w]
        over = t >= done  # every wait completed by t: the whole pause counts
        running = (t >= first) & ~over  # some wait requested and not yet completed at t
        two_requests = t >= supp2
        own_moment, own_due = moment[paused], due[paused]
        judged = np.where(over, own_moment > table.effective_due[w],
                          # its one wait (a supplement or a fee wait) is open: the clock stopped at the
                          # request; no pause is over yet
                          np.where(running & ~table.several[w], first > own_due, own_moment > own_due))
        late[paused] = judged | two_requests
        for i in paused[running & table.several[w] & ~two_requests].tolist():
            row = rows.start + i if isinstance(rows, slice) else int(rows[i])
            unit = int(block.unit[row])
            if unit == catalog.void:  # a replaced row: it counts nowhere
                continue
            late[i] = semantics.is_late(wait_view(block, row), p.period.t, catalog.calendars[unit])
    return late & counted


DYNAMIC_FACTS = (
    DynamicFact("received", "received in the period: local date in it, at or before t",
                received_one, received_many),
    DynamicFact("under_processing", "received by t and before the period's end, not ended before its start",
                under_processing_one, lambda v: v.under_processing),
    DynamicFact("late", "late or overdue at t (motcua.lib.lateness), for dossiers under processing",
                late_one, late_many),
    DynamicFact("synced", "synced_at <= t",
                lambda d, period, calendar: by(d.synced_at, period.t),
                lambda v: v.column("synced") <= v.p.t),
    DynamicFact("ended", "end <= t",
                lambda d, period, calendar: semantics.end_by(d, period.t) is not None,
                lambda v: v.end_at <= v.p.t),
    DynamicFact("resolved", "resolved_at <= t",
                lambda d, period, calendar: by(d.resolved_at, period.t),
                lambda v: v.resolved_at <= v.p.t),
    DynamicFact("resolved_in_period", "resolved_at's local date in the period and <= t",
                lambda d, period, calendar: period.happened_in(d.resolved_at),
                lambda v: (v.resolved_at <= v.p.t) & (v.resolved_at >= v.p.start) & (v.resolved_at < v.p.end)),
    DynamicFact("e_result", "e_result issued <= t",
                lambda d, period, calendar: d.e_result is not None and by(d.e_result.issued_at, period.t),
                lambda v: v.column("e_issued") <= v.p.t),
    DynamicFact("paid_online", "paid_online_at <= t",
                lambda d, period, calendar: by(d.paid_online_at, period.t),
                lambda v: v.column("paid") <= v.p.t),
)

# The moments at which t crossing them can change a dynamic fact above: "X <= t" facts change when t
# reaches X; lateness when t passes the due (or the effective due once every wait is over), or reaches a
# wait's first request, the end of the waits or a second supplement request.
_CHANGE_COLUMNS = ("received", "end", "resolved", "synced", "e_issued", "paid")
_AFTER_COLUMNS = ("due",)  # compared with t by ">": the fact changes one tick after


def next_change(block, rows, t: int) -> np.ndarray:
    """For each selected row, the earliest tick after t at which one of its dynamic facts can differ from
    its value at t: the facts at any t' in [t, next_change) are those at t (whatever the period).
    Rows judged one by one (several waits, some running at t) can change at any moment: t + 1.
    `tests/indicators/test_facts.py` checks this claim against the facts themselves."""
    def after(values, shift=0):
        moved = values + shift
        return np.where(moved > t, moved, NEVER)

    soonest = np.full(len(block.id[rows]), NEVER, dtype=np.int64)
    for name in _CHANGE_COLUMNS:
        np.minimum(soonest, after(getattr(block, name)[rows]), out=soonest)
    for name in _AFTER_COLUMNS:
        np.minimum(soonest, after(getattr(block, name)[rows], 1), out=soonest)
    wait = block.wait[rows]
    paused = np.flatnonzero(wait >= 0)
    if len(paused):
        w, table = wait[paused], block.waits
        first, done = table.first[w], table.done[w]
        moments = np.minimum.reduce([after(first), after(done), after(table.supp2[w]),
                                     after(table.effective_due[w], 1)])
        one_by_one = table.several[w] & (first <= t) & (t < done)
        soonest[paused] = np.minimum(soonest[paused], np.where(one_by_one, t + 1, moments))
    return soonest


FACTS = {fact.name: fact for fact in (*STATIC_FACTS, *DYNAMIC_FACTS)}
assert set(FACTS) == set(DossierFacts._fields), "every DossierFacts field is defined here, once"
# Bit i of a dossier's packed key is field i of DossierFacts.
FACT_BIT = {name: 1 << i for i, name in enumerate(DossierFacts._fields)}


def dossier_facts(d, procedure, period, calendar) -> DossierFacts:
    """The facts of one dossier (the reference engine)."""
    values = {fact.name: fact.one(d, procedure) for fact in STATIC_FACTS}
    values.update((fact.name, fact.one(d, period, calendar)) for fact in DYNAMIC_FACTS)
    return DossierFacts(**values)


def static_key(flags: np.ndarray, procedure: np.ndarray, catalog) -> np.ndarray:
    """The packed static facts of each row (the live engine)."""
    key = np.zeros(len(flags), dtype=np.uint32)
    for fact in STATIC_FACTS:
        if fact.name in ("full_online_eligible", "written_result") and not catalog.n_procedures:
            continue
        key |= np.where(fact.many(flags, procedure, catalog), np.uint32(FACT_BIT[fact.name]), np.uint32(0))
    return key


# -- what the one definition reads of a row ----------------------------------------------------------


class WaitView(NamedTuple):
    """What `semantics.is_late`, `pause` and `processing_time` read of a dossier, for one row."""

    supplements: tuple
    fee_waits: tuple
    due_at: datetime
    received_at: datetime
    resolved_at: datetime | None
    returned_at: None
    ended_at: datetime | None  # the end; with resolved_at, `semantics.end` gives the same instant


def wait_view(block, row: int) -> WaitView:
    supplements, fee_waits = block.waits.waits_of(int(block.wait[row]))
    return WaitView(supplements, fee_waits, datetime_of(block.due[row]), datetime_of(block.received[row]),
                    datetime_of(block.resolved[row]), None, datetime_of(block.end[row]))
