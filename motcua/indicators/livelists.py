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

import numpy as np

from motcua.indicators import columnar, live
from motcua.indicators.compute import Tally
from motcua.indicators.populations import DossierFacts
from motcua.indicators.rules import DEFAULT_RULESET
from motcua.lib.periods import Period, local_date

_WIDTH = len(DossierFacts._fields)


def _facts_of(key: int) -> DossierFacts:
    """A packed key (bit i = field i of DossierFacts) as the facts tuple."""
    return DossierFacts(*(bool((key >> i) & 1) for i in range(_WIDTH)))


def _segments(engine: live.LiveIndex, period: Period):
    """(block, rows, facts) of every segment of rows that can count in the period (replaced rows, in the
    void unit, included: callers leave them out)."""
    p = columnar.PeriodTicks(period)
    block_rows, carried = columnar.period_rows(engine.main, p.start, p.t, p.end)
    for block, rows in ((engine.main, block_rows), (engine.main, carried), (engine.loose, slice(0, len(engine.loose)))):
        yield block, rows, columnar.row_facts(block, rows, p, engine.catalog)


def population(indicator_id: str, date_from: date, date_to: date, unit_code: str | None = None,
               rules: str = DEFAULT_RULESET, now: datetime | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(ids, counted) of the dossiers in a dossier indicator's population for the unit's subtree (the
    province when None) and the period, sorted by id.

    Raises KeyError for an unknown indicator, ValueError for an unknown unit or an indicator whose items
    are not dossiers.
    """
    ruleset = live.cached_ruleset(rules)
    rule = ruleset.indicator(indicator_id)
    if rule.kind != "dossier":
        raise ValueError(f"indicator {indicator_id} counts {rule.kind} items, not dossiers")
    column = [r.id for r in ruleset.indicators].index(indicator_id)
    tally = Tally(ruleset, [])
    period = Period.of(date_from, date_to, now)
    engine = live.engine()
    ids, counted = [], []
    with engine.lock:
        engine.refresh()
        c = engine.catalog
        asked = c.tree.root if unit_code is None else c.tree.get(unit_code)
        inside = np.zeros(c.n_units + 1, dtype=bool)  # the void unit (last) is never inside
        inside[:-1] = c.ancestors[c.position_of_code[asked.code]]
        for block, rows, facts in _segments(engine, period):
            mine = np.flatnonzero(inside[facts.unit])
            if len(mine) == 0:
                continue
            keys = engine.ranks.values[facts.rank[mine]] | columnar.DYNAMIC_TO_KEY[facts.dynamic[mine]]
            distinct, inverse = np.unique(keys, return_inverse=True)
            # Per distinct facts tuple: 0 outside the population, 1 in it, 2 in it and counted.
            verdict = np.zeros(len(distinct), dtype=np.int8)
            for k, key in enumerate(distinct.tolist()):
                for i, is_counted in tally.contributions("dossier", _facts_of(key)):
                    if i == column:
                        verdict[k] = 2 if is_counted else 1
            row_verdict = verdict[inverse.reshape(-1)]
            ids.append(block.id[rows][mine[row_verdict > 0]])
            counted.append(row_verdict[row_verdict > 0] == 2)
    ids = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
    counted = np.concatenate(counted) if counted else np.zeros(0, dtype=bool)
    order = np.argsort(ids, kind="stable")
    return ids[order], counted[order]


def late_at(now: datetime) -> tuple[np.ndarray, np.ndarray]:
    """(ids, unit ids) of the dossiers late or overdue at `now` by the one definition (the `late` fact:
    received by now, not ended before now's local day, not refused), sorted by id."""
    day = local_date(now)
    engine = live.engine()
    ids, units = [], []
    with engine.lock:
        engine.refresh()
        c = engine.catalog
        unit_ids = np.array([*c.unit_ids, 0], dtype=np.int64)  # the void unit last
        for block, rows, facts in _segments(engine, Period.of(day, day, now)):
            late = np.flatnonzero(facts.has("late") & (facts.unit != c.void))
            ids.append(block.id[rows][late])
            units.append(unit_ids[facts.unit[late]])
    ids, units = np.concatenate(ids), np.concatenate(units)
    order = np.argsort(ids, kind="stable")
    return ids[order], units[order]
