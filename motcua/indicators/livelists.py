"""The rows behind the live index's numbers: which dossiers, not only how many.

The live engine (`live.engine()`) holds every dossier's columns and computes each row's facts for a
period (`columnar.row_facts`, lateness by the one definition included). From the same facts:

- `population`: the ids of one dossier indicator's population for a unit's subtree and a period, with
  the counted flag of each, decided by the reference's own selectors (`compute.Tally.contributions`):
  the items `members.members` lists, which the drill-down pages a page at a time;
- `late_at`: the ids of the dossiers late or overdue at a moment (the home page's "overdue").

Only the engine's public attributes are read (its lock, `refresh`, `catalog`, `main`, `loose`, `ranks`),
under its lock.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

import numpy as np

from motcua.indicators import columnar, live
from motcua.indicators.compute import Tally
from motcua.indicators.populations import DossierFacts
from motcua.indicators.rules import DEFAULT_RULESET
from motcua.lib.periods import Period, local_date

_WIDTH = len(DossierFacts._fields)
OUT, IN, COUNTED = 0, 1, 2  # a row's verdict for one indicator: outside its population, in it, in it and counted


def _facts_of(key: int) -> DossierFacts:
    """A packed key (bit i = field i of DossierFacts) as the facts tuple."""
    return DossierFacts(*(bool((key >> i) & 1) for i in range(_WIDTH)))


@lru_cache(maxsize=64)
def _verdicts(rules: str, indicator_id: str) -> dict[int, int]:
    """Packed facts key -> verdict, filled as keys are met (the reference's selectors decide each once)."""
    return {}


def _verdict_of(rules: str, indicator_id: str, key: int) -> int:
    known = _verdicts(rules, indicator_id)
    found = known.get(key)
    if found is None:
        ruleset = live.cached_ruleset(rules)
        column = [r.id for r in ruleset.indicators].index(indicator_id)
        found = OUT
        for i, is_counted in _tally(rules).contributions("dossier", _facts_of(key)):
            if i == column:
                found = COUNTED if is_counted else IN
        known[key] = found
    return found


@lru_cache(maxsize=16)
def _tally(rules: str) -> Tally:
    return Tally(live.cached_ruleset(rules), [])


def _segments(engine: live.LiveIndex, period: Period):
    """(block, rows, facts) of every segment of rows that can count in the period (replaced rows, in the
    void unit, included: callers leave them out). The two segments of the main block never overlap."""
    p = columnar.PeriodTicks(period)
    block_rows, carried = columnar.period_rows(engine.main, p.start, p.t, p.end)
    for block, rows in ((engine.main, block_rows), (engine.main, carried), (engine.loose, slice(0, len(engine.loose)))):
        yield block, rows, columnar.row_facts(block, rows, p, engine.catalog)


def _chosen_in_id_order(engine: live.LiveIndex, values) -> tuple[np.ndarray, np.ndarray]:
    """(ids, value) of the rows whose value is not 0, sorted by id, from (block, rows, value per row) of
    `_segments`: the main block is read through its id order (no sort of the chosen rows), the few loose
    rows merged in."""
    main = engine.main
    on_main = np.zeros(len(main), dtype=np.int8)
    loose_ids, loose_values = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int8)]
    for block, rows, value in values:
        if block is main:
            on_main[rows] = value
        else:
            chosen = np.flatnonzero(value)
            loose_ids.append(block.id[rows][chosen])
            loose_values.append(value[chosen])
    order = main.id_order[on_main[main.id_order] != 0]
    ids = np.concatenate([main.id[order], *loose_ids])
    value = np.concatenate([on_main[order], *loose_values])
    merged = np.argsort(ids, kind="stable")  # sorted runs: a merge, not a full sort
    return ids[merged], value[merged]


def _inside(c: columnar.Catalog, unit_code: str | None) -> np.ndarray:
    """Per unit position (the void unit last, never inside): is it in the subtree of `unit_code` (the
    province when None)? Raises ValueError for an unknown unit, as `UnitTree.get` does."""
    asked = c.tree.root if unit_code is None else c.tree.get(unit_code)
    inside = np.zeros(c.n_units + 1, dtype=bool)
    inside[:-1] = c.ancestors[c.position_of_code[asked.code]]
    return inside


def population(indicator_id: str, date_from: date, date_to: date, unit_code: str | None = None,
               rules: str = DEFAULT_RULESET, now: datetime | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(ids, counted) of the dossiers in a dossier indicator's population for the unit's subtree (the
    province when None) and the period, sorted by id.

    Raises KeyError for an unknown indicator, ValueError for an unknown unit or an indicator whose items
    are not dossiers.
    """
    rule = live.cached_ruleset(rules).indicator(indicator_id)
    if rule.kind != "dossier":
        raise ValueError(f"indicator {indicator_id} counts {rule.kind} items, not dossiers")
    period = Period.of(date_from, date_to, now)
    engine = live.engine()
    with engine.lock:
        engine.refresh()
        c = engine.catalog
        inside = _inside(c, unit_code)
        ranks = engine.ranks

        def verdicts(facts):
            # Per distinct (static rank, dynamic code) cell, the selectors' verdict; then per row by lookup.
            cells = facts.rank.astype(np.int64) * columnar.DYNAMIC_BITS + facts.dynamic
            table = np.zeros(len(ranks.values) * columnar.DYNAMIC_BITS, dtype=np.int8)
            present = np.flatnonzero(np.bincount(cells, minlength=len(table)))
            table[present] = [_verdict_of(rules, indicator_id, key) for key in ranks.keys(present).tolist()]
            return table[cells] * inside[facts.unit]

        ids, value = _chosen_in_id_order(engine, ((block, rows, verdicts(facts).astype(np.int8))
                                                  for block, rows, facts in _segments(engine, period)))
    return ids, value == COUNTED


def late_at(now: datetime) -> tuple[np.ndarray, np.ndarray]:
    """(ids, unit ids) of the dossiers late or overdue at `now` by the one definition (the `late` fact:
    received by now, not ended before now's local day, not refused), sorted by id."""
    day = local_date(now)
    engine = live.engine()
    with engine.lock:
        engine.refresh()
        c = engine.catalog
        unit_ids = np.array([*c.unit_ids, 0], dtype=np.int64)  # the void unit last
        ids = []
        for block, rows, facts in _segments(engine, Period.of(day, day, now)):
            late = np.flatnonzero(facts.has("late") & (facts.unit != c.void))
            ids.append((block.id[rows][late], unit_ids[facts.unit[late]]))
    ids, units = np.concatenate([i for i, _ in ids]), np.concatenate([u for _, u in ids])
    order = np.argsort(ids, kind="stable")
    return ids[order], units[order]


def procedure_flags(date_from: date, date_to: date, unit_code: str | None = None,
                    now: datetime | None = None) -> dict[str, tuple[bool, ...]]:
    """Per procedure code, the unit-dependent part of its `ProcedureFacts` for the unit's subtree (the
    province when None) and the period: whether the subtree received non-refused dossiers of it in the
    period, online ones, synced ones with a fee, paid online, with citizen data (`_DossierProcedureSets`'s
    order, `RowFacts.procedure_code`'s bits)."""
    period = Period.of(date_from, date_to, now)
    engine = live.engine()
    with engine.lock:
        engine.refresh()
        c = engine.catalog
        inside = _inside(c, unit_code)
        bits = np.zeros(len(c.procedure_codes), dtype=np.uint8)
        for _, _, facts in _segments(engine, period):
            chosen = inside[facts.unit] & (facts.procedure_code != 0)
            np.bitwise_or.at(bits, facts.procedure[chosen], facts.procedure_code[chosen])
        codes = list(c.procedure_codes)
    return {code: tuple(bool((b >> i) & 1) for i in range(5)) for code, b in zip(codes, bits.tolist(), strict=True)}
