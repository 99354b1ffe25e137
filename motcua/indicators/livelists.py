"""The rows behind the live index's numbers: which dossiers, not only how many.

The live engine (`live.engine()`) holds every dossier's columns and computes each row's facts for a
period (`columnar.row_facts`, lateness by the one definition included). From the same facts:

- `population`: the ids of one dossier indicator's population for a unit's subtree and a period, with
  the counted flag of each, decided by the reference's own selectors (`compute.Tally.contributions`,
  through the index's memo of them, `live._Selectors`):
  the items `members.members` lists, which the drill-down pages a page at a time;
- `feedback_population`: the same for a feedback indicator's items;
- `late_at`: the ids of the dossiers late or overdue at a moment (the home page's "overdue").

Only the engine's public attributes are read (its lock, `refresh`, `judged`, `selectors`, `feedback_keys`,
`catalog`, `main`, `ranks`), under its lock. After the index of a period, its rows' judgements are kept
(`periodtally`): a drill-down reads them instead of judging the period's rows again.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from motcua.indicators import columnar, live
from motcua.indicators.rules import DEFAULT_RULESET
from motcua.lib.periods import Period, local_date

OUT, IN, COUNTED = 0, 1, 2  # a row's verdict for one indicator: outside its population, in it, in it and counted


def _segments(engine: live.LiveIndex, period: Period):
    """(block, rows, facts, by_id) of every segment of rows that can count in the period (`LiveIndex.judged`)."""
    return engine.judged(columnar.PeriodTicks(period))


def _chosen_in_id_order(engine: live.LiveIndex, values) -> tuple[np.ndarray, np.ndarray]:
    """(ids, value) of the rows whose value is not 0, sorted by id, from (block, rows, value per row, by_id)
    of `_segments`: a kept segment through its own id order (`by_id`), the rest of the main block through
    the block's id order (no sort of the chosen rows), the few loose rows merged in."""
    main = engine.main
    on_main = None
    runs_ids, runs_values = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int8)]
    for block, rows, value, by_id in values:
        if by_id is not None:
            order = by_id()
            chosen = order[value[order] != 0]
            runs_ids.append(block.id[rows[chosen]])
            runs_values.append(value[chosen])
        elif block is main:
            if on_main is None:
                on_main = np.zeros(len(main), dtype=np.int8)
            on_main[rows] = value
        else:
            chosen = np.flatnonzero(value)
            runs_ids.append(block.id[rows][chosen])
            runs_values.append(value[chosen])
    if on_main is not None:
        order = main.id_order[on_main[main.id_order] != 0]
        runs_ids.append(main.id[order])
        runs_values.append(on_main[order])
    ids, value = np.concatenate(runs_ids), np.concatenate(runs_values)
    merged = np.argsort(ids, kind="stable")  # sorted runs: a merge, not a full sort
    return ids[merged], value[merged]


def _inside(c: columnar.Catalog, unit_code: str | None) -> np.ndarray:
    """Per unit position (the void unit last, never inside): is it in the subtree of `unit_code` (the
    province when None)? Raises ValueError for an unknown unit, as `UnitTree.get` does."""
    asked = c.tree.root if unit_code is None else c.tree.get(unit_code)
    inside = np.zeros(c.n_units + 1, dtype=bool)
    inside[:-1] = c.ancestors[c.position_of_code[asked.code]]
    return inside


def _check_kind(rules: str, indicator_id: str, kind: str) -> None:
    """KeyError for an unknown indicator, ValueError for one whose items are not of `kind`."""
    rule = live.cached_ruleset(rules).indicator(indicator_id)
    if rule.kind != kind:
        raise ValueError(f"indicator {indicator_id} counts {rule.kind} items, not {kind} items")


def _verdicts(selectors, rules: str, indicator_id: str, keys: np.ndarray) -> np.ndarray:
    """OUT, IN or COUNTED for one indicator of each packed facts key, from the pattern of contributions the
    index counts it by (the reference's selectors decide each key once): in the denominator, and in the
    numerator."""
    column = [r.id for r in live.cached_ruleset(rules).indicators].index(indicator_id)
    patterns = selectors.patterns(keys)
    return (selectors.denominators[patterns, column] + selectors.numerators[patterns, column]).astype(np.int8)


def population(indicator_id: str, date_from: date, date_to: date, unit_code: str | None = None,
               rules: str = DEFAULT_RULESET, now: datetime | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(ids, counted) of the dossiers in a dossier indicator's population for the unit's subtree (the
    province when None) and the period, sorted by id.

    Raises KeyError for an unknown indicator, ValueError for an unknown unit or an indicator whose items
    are not dossiers.
    """
    _check_kind(rules, indicator_id, "dossier")
    period = Period.of(date_from, date_to, now)
    engine = live.engine()
    with engine.lock:
        engine.refresh()
        inside = _inside(engine.catalog, unit_code)
        ranks = engine.ranks
        selectors = engine.selectors(rules, "dossier")

        def verdicts(facts):
            # Per distinct (static rank, dynamic code) cell, its verdict; then per row by lookup.
            cells = facts.rank.astype(np.int64) * columnar.DYNAMIC_BITS + facts.dynamic
            table = np.zeros(len(ranks.values) * columnar.DYNAMIC_BITS, dtype=np.int8)
            present = np.flatnonzero(np.bincount(cells, minlength=len(table)))
            table[present] = _verdicts(selectors, rules, indicator_id, ranks.keys(present))
            return table[cells] * inside[facts.unit]

        ids, value = _chosen_in_id_order(engine, ((block, rows, verdicts(facts).astype(np.int8), by_id)
                                                  for block, rows, facts, by_id in _segments(engine, period)))
    return ids, value == COUNTED


def feedback_population(indicator_id: str, date_from: date, date_to: date, unit_code: str | None = None,
                        rules: str = DEFAULT_RULESET, now: datetime | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(ids, counted) of the feedback items in a feedback indicator's population for the unit's subtree
    (the province when None) and the period, in the reference's order (position, id): the facts of every
    item from the index's columns (`LiveIndex.feedback_keys`), not the items read and judged one by one.

    Raises KeyError for an unknown indicator, ValueError for an unknown unit or an indicator whose items
    are not feedback items.
    """
    _check_kind(rules, indicator_id, "feedback")
    engine = live.engine()
    with engine.lock:
        engine.refresh()
        c = engine.catalog
        keys = engine.feedback_keys(columnar.PeriodTicks(Period.of(date_from, date_to, now)))
        verdict = _verdicts(engine.selectors(rules, "feedback"), rules, indicator_id, keys)
        verdict = verdict * _inside(c, unit_code)[c.feedback_unit]
        chosen = np.flatnonzero(verdict)
        return c.feedback_ids[chosen], verdict[chosen] == COUNTED


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
        for block, rows, facts, _ in _segments(engine, Period.of(day, day, now)):
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
    engine = live.engine()
    with engine.lock:
        engine.refresh()
        c = engine.catalog
        own = engine.procedure_codes(columnar.PeriodTicks(Period.of(date_from, date_to, now)))
        bits = np.bitwise_or.reduce(own.reshape(c.n_units + 1, c.n_procedures)[_inside(c, unit_code)], axis=0)
        codes = list(c.procedure_codes)
    return {code: tuple(bool((b >> i) & 1) for i in range(5)) for code, b in zip(codes, bits.tolist(), strict=True)}
