"""The small tables of a Parquet folder as the live engine's `columnar.Catalog` holds them.

Units, procedures, authority, feedback and calendars are small (a country has a few thousand units and
procedures); they are read whole with pyarrow into the arrays that the live engine's procedure, feedback
and commune code reads (`live.LiveIndex._procedure_counts`, `feedback_keys`), so those indicators are
computed by that code. Whole-day rules come precomputed from the export (`layout`).
"""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from pathlib import Path

import numpy as np

from motcua.indicators import records as rec
from motcua.indicators.compute import UnitTree
from motcua.lib.workingtime import WorkingCalendar
from motcua.national import layout as L
from motcua.national.reading import read_table


def _time(text: str) -> time:
    return time.fromisoformat(text)


@lru_cache(maxsize=64)
def _calendar(sessions, closures: frozenset, extras: frozenset, first_year: int) -> WorkingCalendar:
    """One calendar per configuration for the process: building one precomputes years of working days,
    and the provinces of a national folder mostly share the national calendar."""
    return WorkingCalendar(sessions=sessions, closures=closures, extra_working_days=extras, first_year=first_year)


class ParquetCatalog:
    """What `live.LiveIndex` reads of `columnar.Catalog`, from the Parquet folder's small tables."""

    def __init__(self, folder):
        folder = Path(folder)
        units = read_table(folder, L.UNITS).sort_by("position").to_pylist()
        self.units = tuple(rec.Unit(u["code"], u["name"], u["kind"], u["parent_code"], u["e_certified_copy"])
                           for u in units)
        self.n_units = len(self.units)
        self.void = self.n_units
        self.position_of_code = {u.code: i for i, u in enumerate(self.units)}
        self.tree = UnitTree(self.units)
        self.ancestors = np.zeros((self.n_units, self.n_units), dtype=bool)  # [a, u]: a is u or above it
        for u, unit in enumerate(self.units):
            self.ancestors[[self.position_of_code[code] for code in self.tree.chain(unit.code)], u] = True
        self.subtree = [np.flatnonzero(self.ancestors[u]) for u in range(self.n_units)]
        self.calendar_index = np.array([u["calendar_index"] for u in units], dtype=np.int64)
        self.calendars = {
            row["calendar_index"]: _calendar(
                tuple(tuple(_time(x) for x in span.split("-")) for span in row["sessions"].split(",")),
                frozenset(row["closures"]), frozenset(row["extra_working_days"]), row["first_year"])
            for row in read_table(folder, L.CALENDARS).to_pylist()}

        procedures = read_table(folder, L.PROCEDURES).sort_by("position")
        self.n_procedures = procedures.num_rows
        column = {name: procedures.column(name).to_pylist() for name in procedures.column_names}
        procedure_position = {code: i for i, code in enumerate(column["code"])}
        self.decision_ordinal = np.array([d.toordinal() if d else -1 for d in column["decision_date"]], dtype=np.int64)
        self.published_ordinal = np.array([d.toordinal() if d else 1 << 40 for d in column["published_at"]],
                                          dtype=np.int64)
        self.decision_on_time = np.array(column["decision_on_time"], dtype=bool)
        self.published_in_time = np.array(column["published_in_time"], dtype=bool)
        self.procedure_flags = {name: np.array(column[name], dtype=bool)
                                for name in ("parts_complete", "fee_integrated", "for_citizens")}
        self.procedure_flags["offered_online"] = np.isin(np.array(column["online_level"], dtype=object),
                                                         ["partial", "full"])
        self.procedure_flags["fee_bearing"] = np.array(column["fee_vnd"], dtype=np.int64) > 0

        under: list[set[int]] = [set() for _ in self.units]
        for row in read_table(folder, L.AUTHORITY).to_pylist():
            p = procedure_position[row["procedure_code"]]
            for code in self.tree.chain(row["unit_code"]):
                under[self.position_of_code[code]].add(p)
        self.under = [np.array(sorted(s), dtype=np.int64) for s in under]

        feedback = read_table(folder, L.FEEDBACK)
        f = {name: feedback.column(name).to_numpy() for name in (
            "unit_index", "received_ticks", "refused_ticks", "answered_ticks", "answer_by_day", "refuse_by_day")}
        self.feedback_unit = f["unit_index"].astype(np.int64)
        self.feedback_received = f["received_ticks"].astype(np.int64)
        self.feedback_refused = f["refused_ticks"].astype(np.int64)
        self.feedback_answered = f["answered_ticks"].astype(np.int64)
        self.feedback_answer_by = f["answer_by_day"].astype(np.int64)
        self.feedback_refuse_by = f["refuse_by_day"].astype(np.int64)
        self.feedback_unsatisfied = np.array([r == "unsatisfied" for r in feedback.column("rating").to_pylist()],
                                             dtype=bool)
        self.feedback_raised_again = np.array(feedback.column("raised_again").to_pylist(), dtype=bool)

        self.communes = np.array([i for i, u in enumerate(self.units) if u.kind == "commune"], dtype=np.int64)
        self.commune_e_copy = np.array([self.units[i].e_certified_copy for i in self.communes], dtype=bool)

    def t_ranks(self, t: int) -> list[tuple[int, int]]:
        """(calendar index, rank of the tick t on that calendar's axis) for every calendar."""
        return [(index, int(L.ranks(calendar, np.array([t], dtype=np.int64))[1][0]))
                for index, calendar in self.calendars.items()]
