"""A period's counts kept current instead of recounted (a year's index in milliseconds).

A query of the live engine judges every main-block row that can count in the period (about a million for
a year at 2,000,000 dossiers) and counts them per unit. Between two queries of the same period almost none
of those judgements change: a row's facts change only when t passes one of its moments
(`facts.next_change`) or when the row itself changes, which moves its main-block version to the void unit
(`LiveIndex._apply`). `PeriodTally` keeps, for one period, each such row's unit, cell (static rank ×
dynamic code), procedure code and next change, with what they add up to:

- per rule set, each unit's numerators and denominators of the summed indicators (`unit_sums`);
- per (unit, procedure), the procedure codes present, with the counts behind them, so that a code can
  disappear when its last row goes.

`update(t)` re-judges only the rows replaced since and the rows whose next change is due. The loose block
(changed and new rows) is small and still counted whole by each query. The plain count over every row
stays in `live.py` as the reference: tests/indicators/test_period_tally.py checks that both agree through
lifecycle changes and an advancing t.
"""

from __future__ import annotations

import numpy as np

from motcua.indicators import columnar, facts

PROCEDURE_CODES = 32  # values of RowFacts.procedure_code (five bits)


def unit_sums(selectors, ranks: columnar.StaticRanks, unit: np.ndarray, cells: np.ndarray,
              n_rows_of_units: int) -> tuple[np.ndarray, np.ndarray]:
    """Numerators and denominators of the summed indicators per unit ((units + 1) × indicators, the void
    unit last) that rows at `unit` with `cells` (rank * DYNAMIC_BITS + dynamic code) add up to, through
    each cell's pattern of contributions (`live._Selectors`; the patterns of new cells decided once).
    Exact: float64 holds every count below 2**53."""
    if len(cells) > 10_000:  # many rows: count them per (unit, pattern), then one product per matrix
        lookup = np.zeros(len(ranks.values) * columnar.DYNAMIC_BITS, dtype=np.int64)
        present = np.flatnonzero(np.bincount(cells, minlength=len(lookup)))
        lookup[present] = selectors.patterns(ranks.keys(present))
        width = len(selectors.numerators)
        counts = np.bincount(unit.astype(np.int64) * width + lookup[cells], minlength=n_rows_of_units * width)
        counts = counts.reshape(n_rows_of_units, width).astype(np.float64)
        return counts @ selectors.numerators, counts @ selectors.denominators
    present, inverse = np.unique(cells, return_inverse=True)
    patterns = selectors.patterns(ranks.keys(present))[inverse]
    numerators = np.zeros((n_rows_of_units, selectors.size))
    denominators = np.zeros((n_rows_of_units, selectors.size))
    np.add.at(numerators, unit, selectors.numerators[patterns])
    np.add.at(denominators, unit, selectors.denominators[patterns])
    return numerators, denominators


def _presence_cell(n_procedures: int, unit: np.ndarray, procedure: np.ndarray, code: np.ndarray) -> np.ndarray:
    return (unit.astype(np.int64) * n_procedures + procedure) * PROCEDURE_CODES + code


def procedure_presence(n_units: int, n_procedures: int, unit: np.ndarray, procedure: np.ndarray,
                       code: np.ndarray) -> np.ndarray:
    """Rows per (unit, procedure, procedure code), flat ((units + 1) × procedures × PROCEDURE_CODES)."""
    if n_procedures == 0:
        return np.zeros(0, dtype=np.int64)
    return np.bincount(_presence_cell(n_procedures, unit, procedure, code),
                       minlength=(n_units + 1) * n_procedures * PROCEDURE_CODES)


def codes_present(presence: np.ndarray) -> np.ndarray:
    """The OR of the procedure codes present per (unit, procedure) (flat (units + 1) × procedures)."""
    present = presence.reshape(-1, PROCEDURE_CODES) > 0  # (code 0, rows outside the tests, adds no bit)
    return np.bitwise_or.reduce(np.where(present, np.arange(PROCEDURE_CODES, dtype=np.uint8), np.uint8(0)), axis=1)


class PeriodTally:
    """The counts of the main block's candidate rows of one period (started by t), kept current."""

    def __init__(self, main: columnar.Block, catalog: columnar.Catalog, ranks: columnar.StaticRanks,
                 p: columnar.PeriodTicks, voided_seen: int):
        self.main, self.catalog, self.ranks = main, catalog, ranks
        self.start, self.end, self.t = p.start, p.end, p.t
        block_rows, carried = columnar.period_rows(main, p.start, p.t, p.end)
        # Kept small (about 21 bytes a row): a year at 2,000,000 dossiers is a million rows in every worker.
        self.rows = np.concatenate([carried, np.arange(block_rows.start, block_rows.stop)]).astype(np.int32)
        judged = columnar.row_facts(main, self.rows, p, catalog)
        self.unit = judged.unit.astype(np.int32)
        self.cell = (judged.rank.astype(np.int64) * columnar.DYNAMIC_BITS + judged.dynamic).astype(np.int32)
        self.code = judged.procedure_code
        self.next = facts.next_change(main, self.rows, p.t)
        self.voided_seen = voided_seen
        self.presence = procedure_presence(catalog.n_units, catalog.n_procedures, self.unit,
                                           main.procedure[self.rows], self.code).astype(np.int32)
        self.own = codes_present(self.presence)
        self._sums: dict[int, tuple] = {}  # id(selectors) -> (selectors, numerators, denominators)
        self._by_id: np.ndarray | None = None

    def adopt(self, old: columnar.Catalog, new: columnar.Catalog) -> None:
        """Carry on with `new`, a catalog that changed nothing in the rows' columns (same units and
        procedures): what the rows were judged by is the same."""
        if self.catalog is old:
            self.catalog = new

    def serves(self, main, catalog, p: columnar.PeriodTicks) -> bool:
        """Whether this tally can answer `p` (same columns, same period, t not earlier)."""
        return (main is self.main and catalog is self.catalog and p.start == self.start and p.end == self.end
                and p.t >= self.t)

    def update(self, p: columnar.PeriodTicks, voided: list[np.ndarray]) -> None:
        """Re-judge the rows replaced since (`voided`, main-block rows moved to the void unit, in the order
        they were moved) and those whose next change is at or before p.t."""
        moved = voided[self.voided_seen:]
        self.voided_seen = len(voided)
        again = [np.flatnonzero(self.next <= p.t)]
        if moved and len(self.rows):
            rows = np.concatenate(moved)
            where = np.minimum(np.searchsorted(self.rows, rows), len(self.rows) - 1)
            again.append(where[self.rows[where] == rows])
        self.t = p.t
        index = np.unique(np.concatenate(again))
        if len(index):
            self._rejudge(index, p)

    def _rejudge(self, index: np.ndarray, p: columnar.PeriodTicks) -> None:
        rows = self.rows[index]
        judged = columnar.row_facts(self.main, rows, p, self.catalog)
        unit, cell = judged.unit.astype(np.int32), (judged.rank.astype(np.int64) * columnar.DYNAMIC_BITS
                                                     + judged.dynamic).astype(np.int32)
        changed = (unit != self.unit[index]) | (cell != self.cell[index]) | (judged.procedure_code != self.code[index])
        self.next[index] = np.where(unit == self.catalog.void, columnar.NEVER,
                                    facts.next_change(self.main, rows, p.t))  # a replaced row counts nowhere
        if not changed.any():
            return
        index, rows = index[changed], rows[changed]
        old_unit, old_cell, old_code = self.unit[index], self.cell[index], self.code[index]
        new_unit, new_cell, new_code = unit[changed], cell[changed], judged.procedure_code[changed]
        self.unit[index], self.cell[index], self.code[index] = new_unit, new_cell, new_code

        n_procedures = self.catalog.n_procedures
        if n_procedures:
            procedure = self.main.procedure[rows]
            gone = _presence_cell(n_procedures, old_unit, procedure, old_code)
            came = _presence_cell(n_procedures, new_unit, procedure, new_code)
            np.subtract.at(self.presence, gone, 1)
            np.add.at(self.presence, came, 1)
            pairs = np.unique(np.concatenate([gone, came]) // PROCEDURE_CODES)
            self.own[pairs] = codes_present(self.presence.reshape(-1, PROCEDURE_CODES)[pairs].reshape(-1))
        units = self.catalog.n_units + 1
        for selectors, numerators, denominators in self._sums.values():
            gone_n, gone_d = unit_sums(selectors, self.ranks, old_unit, old_cell.astype(np.int64), units)
            came_n, came_d = unit_sums(selectors, self.ranks, new_unit, new_cell.astype(np.int64), units)
            numerators += came_n - gone_n
            denominators += came_d - gone_d

    def by_id(self) -> np.ndarray:
        """Positions in `self.rows` in the order of the rows' dossier ids (made on first use: the drill-downs
        list a population in id order)."""
        if self._by_id is None:
            self._by_id = np.argsort(self.main.id[self.rows], kind="stable").astype(np.int32)
        return self._by_id

    def facts(self) -> columnar.RowFacts:
        """The kept judgements of the rows (`self.rows` of the main block) as `columnar.row_facts` gives them."""
        rows = self.rows
        return columnar.RowFacts(unit=self.unit, procedure=self.main.procedure[rows], static=self.main.static_key[rows],
                                 rank=(self.cell // columnar.DYNAMIC_BITS).astype(np.int32),
                                 dynamic=(self.cell % columnar.DYNAMIC_BITS).astype(np.uint16), procedure_code=self.code)

    def sums(self, selectors) -> tuple[np.ndarray, np.ndarray]:
        """Each unit's numerators and denominators under `selectors`' rule set ((units + 1) × indicators)."""
        kept = self._sums.get(id(selectors))
        if kept is None or kept[0] is not selectors:
            kept = self._sums[id(selectors)] = (selectors, *unit_sums(
                selectors, self.ranks, self.unit, self.cell.astype(np.int64), self.catalog.n_units + 1))
        return kept[1], kept[2]
