"""The live 766 index: every dossier in memory as columns, current within one request of any change.

`engine()` is this process's `LiveIndex`. Each call first compares the database's change counters
(`motcua.changes.tracking.watermark`, one query) with what it last read, and then:

- rebuilds everything after an import, a deletion, a change of units or calendars, or on first use
  (`rebuild`): it maps the snapshot that another process already published for the current record
  (`snapshot`: .npy files mapped copy-on-write, their pages shared by every process), and reads every row
  from the database only when there is none, publishing one for the others;
- re-reads the small tables (procedures, authority, feedback) when they changed;
- re-reads only the dossiers stamped since (`DossierStamp`): every writer stamps what it writes.

A query then computes the facts of the rows that can count in the period (`columnar`), counts rows per
(unit, distinct facts tuple), and lets the reference's own selectors (`compute.Tally.contributions`)
decide once per distinct tuple what it adds to each indicator. Procedure, feedback and commune
indicators use the same selectors over their own facts. The JSON is the reference's, scored in integer
arithmetic (`intscore`). `tests/indicators/test_live.py` checks every number against
`compute(record_from_db(), ...)` on random records.

Changed rows go to a small "loose" block of this process that every query reads whole; their old
versions in the sorted main block are moved to a void unit (private copies of the few mapped pages
written). When the loose block grows past `COMPACT_AT` rows it is merged back into the main block, and
the result published as the next snapshot. A computed answer is kept (`ANSWERS_KEPT`) under the
columns' `version` and the period's t, so a request repeated with no change in between is not computed
again.
"""

from __future__ import annotations

import ctypes
import logging
import pickle
import threading
import time
from collections import defaultdict
from datetime import date, datetime
from functools import lru_cache

import numpy as np
from django.db import connection

from motcua.changes import tracking as changes
from motcua.indicators import columnar, periodtally, snapshot
from motcua.indicators.bulkread import CHANNEL_MASK, read_dossiers
from motcua.indicators.compute import Tally, extras_object
from motcua.indicators.intscore import UnitScorer
from motcua.indicators.populations import CommuneFacts, DossierFacts, FeedbackFacts, ProcedureFacts
from motcua.indicators.rules import DEFAULT_RULESET, RuleSet, load_ruleset
from motcua.lib.periods import Period

logger = logging.getLogger(__name__)

COMPACT_AT = 50_000
ANSWERS_KEPT = 64  # index answers kept per process (a few KB each), for repeated requests with no change
TALLIES_KEPT = 6  # periods whose counts are kept current (about 21 bytes per row: 22 MB for a year at 2 M)
CHANNEL_NAMES = {1: "in_person", 2: "online", 3: "postal"}


@lru_cache(maxsize=16)
def cached_ruleset(name: str) -> RuleSet:
    """A shipped rule set, parsed and validated once per process (RuleSetError if there is none)."""
    return load_ruleset(name)


class _Selectors:
    """What each distinct facts tuple of one kind contributes under one rule set.

    The decision is `Tally.contributions`, the reference's own memoised evaluation of the rule set's
    population and counted selectors; this keeps its answers as numbers. Many tuples contribute alike
    (a dossier outside every population contributes nothing, whatever else is true of it), so each
    packed key maps to a *pattern*, a row of the `numerators`/`denominators` matrices: rows are counted per
    (unit, pattern), and one small matrix product gives each unit's numerators and denominators.
    """

    def __init__(self, ruleset: RuleSet, kind: str, decode):
        self.tally = Tally(ruleset, [])
        self.kind = kind
        self.decode = decode
        self.size = len(ruleset.indicators)
        self.pattern_of: dict[int, int] = {}
        self._patterns: dict[tuple, int] = {}
        self.numerators = np.zeros((0, self.size), dtype=np.float64)
        self.denominators = np.zeros((0, self.size), dtype=np.float64)

    def patterns(self, keys: np.ndarray) -> np.ndarray:
        """The pattern of each key (new keys are decided by the selectors once)."""
        pattern_of = self.pattern_of
        new = []
        for key in keys.tolist():
            if key not in pattern_of:
                contributions = self.tally.contributions(self.kind, self.decode(key))
                pattern = self._patterns.get(contributions)
                if pattern is None:
                    pattern = self._patterns[contributions] = len(self._patterns)
                    row_n, row_d = np.zeros(self.size), np.zeros(self.size)
                    for i, counted in contributions:
                        row_d[i] = 1
                        row_n[i] = 1 if counted else 0
                    new.append((row_n, row_d))
                pattern_of[key] = pattern
        if new:
            self.numerators = np.vstack([self.numerators, *[n for n, _ in new]])
            self.denominators = np.vstack([self.denominators, *[d for _, d in new]])
        return np.fromiter((pattern_of[k] for k in keys.tolist()), dtype=np.int64, count=len(keys))

    def count(self, groups: np.ndarray, keys: np.ndarray, weights: np.ndarray,
              n_groups: int) -> tuple[np.ndarray, np.ndarray]:
        """Numerators and denominators per group (groups × indicators) of `weights` items per (group, key)."""
        patterns = self.patterns(keys)
        width = len(self.numerators)
        counts = np.bincount(groups * width + patterns, weights=weights, minlength=n_groups * width)
        counts = counts.reshape(n_groups, width)
        return counts @ self.numerators, counts @ self.denominators


def _decoder(cls):
    width = len(cls._fields)

    def decode(key: int):
        return cls(*(bool((key >> i) & 1) for i in range(width)))
    return decode


class LiveIndex:
    """The index of this process: columns in memory, refreshed from the database on every call."""

    def __init__(self, workers: int = 2):
        self.workers = workers
        self.lock = threading.RLock()
        self.catalog: columnar.Catalog | None = None
        self.main: columnar.Block | None = None
        self.loose: columnar.Block | None = None
        self.mark: changes.Watermark | None = None
        self.ranks = columnar.StaticRanks()
        self.vendor_alias = None
        self._selectors: dict[tuple, _Selectors] = {}
        self._scorers: dict[tuple, UnitScorer] = {}
        self.last_refresh: dict = {}
        self.version = 0  # bumped by every change of the columns or the catalog: the answers' key
        self._answers: dict[tuple, bytes] = {}  # pickled index objects, oldest first
        self._tallies: dict[tuple, periodtally.PeriodTally] = {}  # (start, end) -> kept counts, oldest first
        self._voided: list[np.ndarray] = []  # main-block rows moved to the void unit, in order

    # -- keeping current ------------------------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            self.catalog = self.main = self.loose = self.mark = None
            self._selectors.clear()
            self._tallies.clear()

    def rebuild(self) -> None:
        """The from-scratch path: map the shared snapshot of the current record (`snapshot`), or read
        every row of the database again and publish it for the other processes."""
        with self.lock:
            started = time.perf_counter()
            self.vendor_alias = self._alias()
            mark = changes.watermark()
            catalog = columnar.Catalog()
            folder = snapshot.shared_folder(mark)
            if folder is None:
                self._read_all(mark, catalog)
                self._index_main()
                self.last_refresh = {"kind": "rebuild", "rows": len(self.main) + len(self.loose),
                                     "total_s": time.perf_counter() - started}
                return
            with snapshot.locked(folder):
                path = snapshot.latest(folder, mark)
                found = snapshot.open_snapshot(path) if path else None
                kind = "snapshot"
                if found is None or found.calendars != snapshot.calendar_hash(catalog):
                    kind = "rebuild"
                    self._read_all(mark, catalog)
                    main_ids = self.main.id[self.main.id_order]
                    try:
                        found = snapshot.open_snapshot(snapshot.publish(
                            folder, mark, catalog, self.main, self.loose, main_ids, self.ranks.values))
                    except OSError:  # a full disk, a read-only VAR_DIR: this process keeps its own columns
                        logger.exception("could not publish the index snapshot in %s", folder)
                        self._index_main()
                        self.last_refresh = {"kind": "rebuild", "rows": len(self.main) + len(self.loose),
                                             "total_s": time.perf_counter() - started}
                        return
            self._map(found, catalog, renumber=found.mark["catalog"] != mark.catalog)
            self._apply(sorted(set(changes.stamped_since(changes.Watermark(**found.mark)))))
            self.mark = mark
            self.last_refresh = {"kind": kind, "rows": len(self.main) + len(self.loose),
                                 "snapshot": found.path.name, "total_s": time.perf_counter() - started}

    def _read_all(self, mark, catalog: columnar.Catalog) -> None:
        """Every row of the database, laid out as the main and loose blocks, in this process's memory."""
        raw, pauses = read_dossiers(workers=self.workers)
        self.ranks = columnar.StaticRanks()
        block = columnar.build_block(raw, pauses, catalog, self.ranks)
        self._blocks(*columnar.layout(block))
        self.catalog, self.mark = catalog, mark
        self._selectors.clear()
        self.version += 1

    def _map(self, found: snapshot.Snapshot, catalog: columnar.Catalog, renumber: bool) -> None:
        """Use a mapped snapshot's columns; renumber them if the catalog changed since it was written."""
        self._blocks(found.main, found.loose)
        self._main_order, self._main_ids = found.main.id_order, found.main_ids
        self.ranks = columnar.StaticRanks(found.rank_values)
        self._selectors.clear()
        self.catalog = catalog
        self.version += 1
        if renumber or found.procedure_ids != list(catalog.procedure_ids):
            self._renumber(np.array(found.procedure_ids, dtype=np.int64), catalog)

    def _blocks(self, main: columnar.Block, loose: columnar.Block) -> None:
        """New main and loose blocks: the kept counts were of the old ones."""
        self.main, self.loose = main, loose
        self._voided = []
        self._tallies.clear()

    def _index_main(self) -> None:
        """Where each id of the main block is: ids sorted, with their rows."""
        self._main_order = self.main.id_order
        self._main_ids = self.main.id[self._main_order]

    def refresh(self) -> None:
        """Bring the columns up to the database's last committed change."""
        with self.lock:
            self._alias_guard()
            mark = changes.watermark()
            old = self.mark
            if (old is None or self.catalog is None or mark.token != old.token or mark.generation != old.generation):
                self.rebuild()
                return
            if mark.catalog != old.catalog:
                catalog = columnar.Catalog()
                if catalog.calendar_signature != self.catalog.calendar_signature:
                    self.rebuild()
                    return
                self._swap_catalog(catalog)
            self._apply(sorted(set(changes.stamped_since(old, now=mark))))
            self.mark = mark

    @staticmethod
    def _alias() -> tuple:
        return connection.settings_dict.get("NAME"), connection.vendor

    def _alias_guard(self) -> None:
        """A different database (tests switch between them) is a different record."""
        if self._alias() != self.vendor_alias:
            self.catalog = None

    def _swap_catalog(self, catalog: columnar.Catalog) -> None:
        """New procedures, authority or feedback: renumber procedures, recompute procedure-derived bits."""
        self._renumber(np.array(self.catalog.procedure_ids, dtype=np.int64), catalog)
        self.last_refresh = {"kind": "catalog"}

    def _renumber(self, old_ids: np.ndarray, catalog: columnar.Catalog) -> None:
        """The rows' procedure positions and procedure-derived bits for `catalog` (rows numbered by
        `old_ids`). Columns are written only where they change: a mapped snapshot's pages stay shared
        when an edit (a feedback item, a procedure's name) changes nothing in them."""
        main_changed = False
        for block in (self.main, self.loose):
            changed = False
            if len(block) and len(old_ids):
                changed |= _write_changed(block.procedure, catalog.procedure_position[old_ids[block.procedure]])
                changed |= _write_changed(block.static_key, catalog.static_key(block.flags, block.procedure))
            changed |= _write_changed(block.static_rank, self.ranks.assign(block.static_key))
            main_changed |= changed and block is self.main
        # A feedback item or a procedure's name changes nothing the kept counts hold: they carry on with the
        # new catalog (feedback and the procedures' own facts are read from it at each query).
        same_shape = (catalog.n_units, catalog.n_procedures) == (self.catalog.n_units, self.catalog.n_procedures)
        if main_changed or not same_shape:
            self._tallies.clear()
        else:
            for tally in self._tallies.values():
                tally.adopt(self.catalog, catalog)
        self.catalog = catalog
        self.version += 1

    def _apply(self, ids: list[int]) -> None:
        if not ids:
            return
        self.version += 1
        raw, pauses = read_dossiers(ids)
        fresh = columnar.build_block(raw, pauses, self.catalog, self.ranks)
        wanted = np.array(ids, dtype=np.int64)
        where = np.searchsorted(self._main_ids, wanted)
        found = where < len(self._main_ids)
        found[found] = self._main_ids[where[found]] == wanted[found]
        voided = self._main_order[where[found]]
        self.main.unit[voided] = self.catalog.void
        self._voided.append(np.sort(voided))
        keep = np.flatnonzero(~np.isin(self.loose.id, wanted))
        self.loose = columnar.Block.concat([self.loose.take(keep), fresh])
        self.last_refresh = {"kind": "incremental", "rows": len(ids)}

    def _compact(self) -> None:
        """Merge a loose block grown past COMPACT_AT back into the main block (after `refresh`, when the
        mark names everything applied): a new snapshot for every process when the index is shared."""
        if len(self.loose) <= COMPACT_AT:
            return
        alive = np.flatnonzero(self.main.unit != self.catalog.void)
        main, loose = columnar.layout(columnar.Block.concat([self.main.take(alive), self.loose]))
        folder = snapshot.shared_folder(self.mark)
        if folder is None:
            self._blocks(main, loose)
            self._index_main()
            self.version += 1
            return
        try:
            with snapshot.locked(folder):
                found = snapshot.open_snapshot(snapshot.publish(
                    folder, self.mark, self.catalog, main, loose, main.id[main.id_order], self.ranks.values))
        except OSError:
            logger.exception("could not publish the index snapshot in %s", folder)
            self._blocks(main, loose)
            self._index_main()
            self.version += 1
            return
        del main, loose
        self._map(found, self.catalog, renumber=False)

    def _current(self) -> None:
        """`refresh`, then compaction if the changes since the snapshot have piled up."""
        self.refresh()
        self._compact()

    # -- queries --------------------------------------------------------------------------------------

    def _segments(self, p: columnar.PeriodTicks) -> list[columnar.RowFacts]:
        return [facts for _, _, facts, _ in self._judged_plain(p)]

    def _judged_plain(self, p: columnar.PeriodTicks) -> list[tuple[columnar.Block, object, columnar.RowFacts, None]]:
        """`judged` with every row judged now."""
        block_rows, carried = columnar.period_rows(self.main, p.start, p.t, p.end)
        return [*((self.main, rows, columnar.row_facts(self.main, rows, p, self.catalog), None)
                  for rows in (block_rows, carried)),
                (self.loose, slice(0, len(self.loose)), self._loose_facts(p), None)]

    def _loose_facts(self, p: columnar.PeriodTicks) -> columnar.RowFacts:
        return columnar.row_facts(self.loose, slice(0, len(self.loose)), p, self.catalog)

    def _counted(self, selectors: _Selectors, p: columnar.PeriodTicks) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Of the period's dossiers: each unit's numerators and denominators of the summed indicators
        ((units + 1) × indicators, the void unit last) and the procedure codes present per (unit,
        procedure) (`procedure_codes`). The main block's come from the period's kept tally (`periodtally`),
        the loose block's are counted now."""
        tally = self._tally(p)
        if tally is None:
            return self._counted_plain(selectors, p)
        numerators, denominators = tally.sums(selectors)
        if not len(self.loose):
            return numerators, denominators, tally.own
        loose = self._loose_facts(p)
        n, d = periodtally.unit_sums(selectors, self.ranks, loose.unit, _cells(loose), self.catalog.n_units + 1)
        return numerators + n, denominators + d, self._with_loose_codes(tally.own, loose)

    def _counted_plain(self, selectors: _Selectors, p: columnar.PeriodTicks) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`_counted` by judging every row of the period now (the reference of the kept tallies)."""
        parts = self._segments(p)
        numerators, denominators = periodtally.unit_sums(
            selectors, self.ranks, np.concatenate([part.unit for part in parts]),
            np.concatenate([_cells(part) for part in parts]), self.catalog.n_units + 1)
        return numerators, denominators, _codes_of(self.catalog, parts)

    def procedure_codes(self, p: columnar.PeriodTicks) -> np.ndarray:
        """Per (unit, procedure), flat ((units + 1) × procedures, the void unit last): the OR of the
        procedure codes (`RowFacts.procedure_code`) of its rows that can count in the period. Under the lock."""
        tally = self._tally(p)
        if tally is None:
            return _codes_of(self.catalog, self._segments(p))
        return self._with_loose_codes(tally.own, self._loose_facts(p)) if len(self.loose) else tally.own

    def _with_loose_codes(self, own: np.ndarray, loose: columnar.RowFacts) -> np.ndarray:
        n_procedures = self.catalog.n_procedures
        if not n_procedures:
            return own
        own = own.copy()
        np.bitwise_or.at(own, loose.unit.astype(np.int64) * n_procedures + loose.procedure, loose.procedure_code)
        return own

    def judged(self, p: columnar.PeriodTicks) -> list[tuple[columnar.Block, object, columnar.RowFacts, object]]:
        """(block, rows, facts, by_id) of every segment of rows that can count in the period (replaced rows,
        in the void unit, included: callers leave them out): the main block's from the period's kept tally
        when there is one, so a drill-down after the index does not judge a year's rows again; `by_id`, when
        known, the positions in `rows` in id order. Under the lock."""
        tally = self._tally(p)
        if tally is None:
            return self._judged_plain(p)
        return [(self.main, tally.rows, tally.facts(), tally.by_id),
                (self.loose, slice(0, len(self.loose)), self._loose_facts(p), None)]

    def selectors(self, rules: str, kind: str) -> _Selectors:
        """What each facts tuple of `kind` ("dossier" or "feedback") contributes under the rule set (the
        patterns the index counts)."""
        return self._selector(cached_ruleset(rules), kind, {"dossier": DossierFacts, "feedback": FeedbackFacts}[kind])

    def _tally(self, p: columnar.PeriodTicks) -> periodtally.PeriodTally | None:
        """The kept counts of the period, brought to p.t; None for a period that has not started (its rows
        grow with t)."""
        if p.t < p.start:
            return None
        key = (p.start, p.end)
        tally = self._tallies.pop(key, None)
        if tally is not None and tally.serves(self.main, self.catalog, p):
            tally.update(p, self._voided)
        else:
            tally = periodtally.PeriodTally(self.main, self.catalog, self.ranks, p, len(self._voided))
        self._tallies[key] = tally  # the newest last
        while len(self._tallies) > TALLIES_KEPT:
            self._tallies.pop(next(iter(self._tallies)))
        return tally

    def _selector(self, ruleset: RuleSet, kind: str, cls) -> _Selectors:
        key = (ruleset.name, ruleset.version, str(ruleset.path), kind)
        found = self._selectors.get(key)
        if found is None:
            found = self._selectors[key] = _Selectors(ruleset, kind, _decoder(cls))
        return found

    def index_json(self, date_from: date, date_to: date, unit_code: str | None = None,
                   rules: str = DEFAULT_RULESET, now: datetime | None = None) -> dict:
        ruleset = cached_ruleset(rules)
        period = Period.of(date_from, date_to, now)
        with self.lock:
            self._current()
            # The answer depends on the columns (`version`), the rule set, the unit and the period with its
            # t (the earlier of now and the period's end: a closed period's answer stays valid until a change).
            key = (ruleset.name, ruleset.version, str(ruleset.path), date_from, date_to, unit_code, period.t,
                   self.version)
            kept = self._answers.get(key)
            if kept is None:
                kept = self._answers[key] = pickle.dumps(self._index_object(ruleset, period, unit_code),
                                                         protocol=pickle.HIGHEST_PROTOCOL)
                while len(self._answers) > ANSWERS_KEPT:
                    self._answers.pop(next(iter(self._answers)))
                _give_back_memory()
        return pickle.loads(kept)  # a copy: callers may change what they get

    def _index_object(self, ruleset: RuleSet, period: Period, unit_code: str | None) -> dict:
        catalog = self.catalog
        tree = catalog.tree
        asked = tree.root if unit_code is None else tree.get(unit_code)
        shown = tree.shown(asked)
        shown_at = np.array([catalog.position_of_code[u.code] for u in shown], dtype=np.int64)
        p = columnar.PeriodTicks(period)
        dossier_n, dossier_d, own = self._counted(self._selector(ruleset, "dossier", DossierFacts), p)
        own_n, own_d = self._summed_counts(ruleset, dossier_n, dossier_d, p)
        numerators = catalog.ancestors[shown_at].astype(np.float64) @ own_n
        denominators = catalog.ancestors[shown_at].astype(np.float64) @ own_d
        procedure_n, procedure_d = self._procedure_counts(ruleset, own, p, shown_at)
        numerators = (numerators + procedure_n).astype(np.int64)
        denominators = (denominators + procedure_d).astype(np.int64)
        scorer = self._scorer(ruleset)
        return {
            "rules": {"name": ruleset.name, "version": ruleset.version},
            "from": period.date_from.isoformat(),
            "to": period.date_to.isoformat(),
            "evaluated_at": period.t.isoformat(),
            "units": [scorer.scores(unit, numerators[i].tolist(), denominators[i].tolist())
                      for i, unit in enumerate(shown)],
        }

    def _scorer(self, ruleset: RuleSet) -> UnitScorer:
        key = (ruleset.name, ruleset.version, str(ruleset.path))
        if key not in self._scorers:
            self._scorers[key] = UnitScorer(ruleset)
        return self._scorers[key]

    def _summed_counts(self, ruleset: RuleSet, dossier_n: np.ndarray, dossier_d: np.ndarray,
                       p: columnar.PeriodTicks) -> tuple[np.ndarray, np.ndarray]:
        """Each unit's own numerators and denominators of the summed indicators (dossiers, from `_counted`,
        then feedback and communes), before the roll-up; units × indicators."""
        catalog = self.catalog
        own_n, own_d = dossier_n[:-1].copy(), dossier_d[:-1].copy()  # the void unit counts nowhere

        feedback = self.feedback_keys(p)
        if len(feedback):
            n, d = self._selector(ruleset, "feedback", FeedbackFacts).count(
                catalog.feedback_unit, feedback, np.ones(len(feedback)), catalog.n_units)
            own_n += n
            own_d += d
        if len(catalog.communes):
            n, d = self._selector(ruleset, "commune", CommuneFacts).count(
                catalog.communes, catalog.commune_e_copy.astype(np.int64), np.ones(len(catalog.communes)),
                catalog.n_units)
            own_n += n
            own_d += d
        return own_n, own_d

    def feedback_keys(self, p: columnar.PeriodTicks) -> np.ndarray:
        """`compute.feedback_facts` of every item, packed (bit i = field i of FeedbackFacts)."""
        c = self.catalog
        t = p.t
        answered = c.feedback_answered <= t
        refused = c.feedback_refused <= t
        handled = np.minimum(np.where(answered, c.feedback_answered, columnar.NEVER),
                             np.where(refused, c.feedback_refused, columnar.NEVER))
        in_population = (c.feedback_received <= t) & ((handled == columnar.NEVER) | (handled >= p.start))
        t_day = p.period.t_date.toordinal()
        on_time = ((answered & (columnar.local_ordinal(c.feedback_answered) <= c.feedback_answer_by))
                   | (refused & (columnar.local_ordinal(c.feedback_refused) <= c.feedback_refuse_by))
                   | (~answered & ~refused & (t_day <= c.feedback_answer_by)))
        return (in_population.astype(np.int64) | (in_population & on_time).astype(np.int64) << 1
                | c.feedback_unsatisfied.astype(np.int64) << 2 | c.feedback_raised_again.astype(np.int64) << 3)

    def _procedure_counts(self, ruleset: RuleSet, own: np.ndarray, p: columnar.PeriodTicks, shown_at: np.ndarray):
        """Procedure indicators of each shown unit, over the distinct procedures under it (not summed).
        `own`: the OR of the procedure codes of each (unit, procedure)'s rows (`_counted`)."""
        c = self.catalog
        size = len(ruleset.indicators)
        numerators = np.zeros((len(shown_at), size))
        denominators = np.zeros((len(shown_at), size))
        if c.n_procedures == 0:
            return numerators, denominators
        own = own.reshape(c.n_units + 1, c.n_procedures)[:-1]
        period = p.period
        t_day = period.t_date.toordinal()
        decided = ((c.decision_ordinal >= period.date_from.toordinal())
                   & (c.decision_ordinal <= period.date_to.toordinal()) & (c.decision_ordinal <= t_day))
        published = c.published_ordinal <= t_day
        flags = c.procedure_flags
        static = (decided.astype(np.int64) | c.decision_on_time.astype(np.int64) << 1
                  | published.astype(np.int64) << 2 | (published & c.published_in_time).astype(np.int64) << 3
                  | flags["parts_complete"].astype(np.int64) << 4 | flags["offered_online"].astype(np.int64) << 5
                  | flags["fee_bearing"].astype(np.int64) << 6 | flags["fee_integrated"].astype(np.int64) << 7
                  | flags["for_citizens"].astype(np.int64) << 8)
        rows, procedures, subtree = [], [], []
        for row, unit in enumerate(shown_at.tolist()):
            under = c.under[unit]
            rows.append(np.full(len(under), row, dtype=np.int64))
            procedures.append(under)
            subtree.append(np.bitwise_or.reduce(own[c.subtree[unit]], axis=0)[under])
        rows, procedures = np.concatenate(rows), np.concatenate(procedures)
        keys = static[procedures] | np.concatenate(subtree).astype(np.int64) << 9
        width = 1 << len(ProcedureFacts._fields)
        cells, counts = np.unique(rows * width + keys, return_counts=True)
        return self._selector(ruleset, "procedure", ProcedureFacts).count(
            cells // width, cells % width, counts.astype(np.float64), len(shown_at))

    # -- figures without points -----------------------------------------------------------------------

    def extras_json(self, date_from: date, date_to: date, unit_code: str | None = None,
                    now: datetime | None = None) -> dict:
        """`compute.compute_extras` from the columns."""
        period = Period.of(date_from, date_to, now)
        with self.lock:
            self._current()
            c = self.catalog
            asked = c.tree.root if unit_code is None else c.tree.get(unit_code)
            inside = np.zeros(c.n_units + 1, dtype=bool)
            inside[:-1] = c.ancestors[c.position_of_code[asked.code]]
            p = columnar.PeriodTicks(period)
            block_rows, carried = columnar.period_rows(self.main, p.start, p.t, p.end)
            totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
            late = under_processing = not_synced = 0
            for block, rows in ((self.main, block_rows), (self.main, carried),
                                (self.loose, slice(0, len(self.loose)))):
                facts = columnar.row_facts(block, rows, p, c)
                mine = inside[facts.unit]
                refused = facts.has("refused")
                not_synced += int(np.count_nonzero(mine & facts.has("received") & ~facts.has("synced")))
                counted = mine & ~refused & facts.has("under_processing")
                under_processing += int(np.count_nonzero(counted))
                late += int(np.count_nonzero(counted & facts.has("late")))
                resolved = mine & ~refused & facts.has("resolved_in_period")
                index = np.flatnonzero(resolved)
                if len(index) == 0:
                    continue
                rows_index = rows.start + index if isinstance(rows, slice) else rows[index]
                spans = columnar.processing_times(block, rows_index, p, c)
                channel = block.flags[rows_index] & CHANNEL_MASK
                group = block.procedure[rows_index].astype(np.int64) * 4 + channel
                present, inverse = np.unique(group, return_inverse=True)
                sums = np.zeros(len(present), dtype=np.int64)
                np.add.at(sums, inverse, spans)
                numbers = np.bincount(inverse, minlength=len(present))
                for g, total, n in zip(present.tolist(), sums.tolist(), numbers.tolist(), strict=True):
                    entry = totals[(g // 4, g % 4)]
                    entry[0] += total
                    entry[1] += n
        named = {(c.procedure_codes[procedure], CHANNEL_NAMES[channel]): (total, n)
                 for (procedure, channel), (total, n) in totals.items()}
        return extras_object(asked.code, date_from, date_to, period, named, late, under_processing, not_synced)


def _codes_of(catalog: columnar.Catalog, parts: list[columnar.RowFacts]) -> np.ndarray:
    """`LiveIndex.procedure_codes` of judged rows."""
    presence = periodtally.procedure_presence(
        catalog.n_units, catalog.n_procedures, np.concatenate([part.unit for part in parts]),
        np.concatenate([part.procedure for part in parts]), np.concatenate([part.procedure_code for part in parts]))
    return periodtally.codes_present(presence)


def _cells(part: columnar.RowFacts) -> np.ndarray:
    """Each row's (static rank, dynamic code) cell."""
    return part.rank.astype(np.int64) * columnar.DYNAMIC_BITS + part.dynamic


@lru_cache(maxsize=1)
def _malloc_trim():
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def _give_back_memory() -> None:
    """Return the freed temporaries of a query (tens of MB over a year) to the system: glibc keeps them
    in the process otherwise, and they would count in every worker's private memory."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _write_changed(column: np.ndarray, values: np.ndarray) -> bool:
    """Write `values` where they differ from `column`; whether any did."""
    changed = np.flatnonzero(column != values)
    if len(changed):
        column[changed] = values[changed]
    return bool(len(changed))


_engine: LiveIndex | None = None
_engine_lock = threading.Lock()


def engine() -> LiveIndex:
    """This process's live index (built on first use)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = LiveIndex()
        return _engine


def prepare_process() -> None:
    """Build what the index needs that no database row decides: the national holidays and the default
    working calendar (about half a second). The web server calls this once in gunicorn's master
    (`--preload`, `motcua.wsgi`): every worker it forks, a replacement too, inherits them instead of
    building them during its first index request."""
    from motcua.units.calendars import CalendarBook

    CalendarBook(units=[], exceptions=[])


def reset() -> None:
    """Forget everything read (tests; the next call rebuilds)."""
    if _engine is not None:
        _engine.reset()

