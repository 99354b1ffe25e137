"""Each dossier's facts (`populations.DossierFacts`) for one period, as one SQL query that DuckDB and Spark
SQL both run, over the Parquet form's derived columns (`layout`).

This is the facts' third definition beside `facts.py`'s `one` (reference) and `many` (live engine), for
engines that read files too large for one process's memory; it is checked against the live engine on
random records (`tests/national`). Nothing here knows an indicator: the query counts dossiers per (unit,
packed facts) and lists which procedures each unit has dossiers of; the rule set's own selectors then
decide what each distinct facts tuple counts for (`engines`, through the live engine's code).

Lateness follows `motcua.lib.lateness` as the live engine's `facts.late_many` does: a dossier whose waits
are all over by t is judged against its precomputed effective due, one whose single wait is open at t at
that wait's request; only a dossier with several waits, some still running at t, needs its waits, and
for those the pause as of t is the length of the union of the completed waits on the working-time axis,
and the comparison with the moved due is a comparison of ranks (`layout`).

Bit i of the packed key is field i of DossierFacts, as in the live engine.

The tables `dossiers` and `dossier_waits` carry a `province` column (the position of the province's folder
in the scan; a dossier's `line` and `unit_index` are its province's): one query answers for one province or
for the whole country in one scan (`engines.Scan`), grouped by province.
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.indicators.populations import DossierFacts
from motcua.national import layout as L


@dataclass(frozen=True)
class Dialect:
    """What differs between the engines: how a small literal table is written."""

    name: str

    def values(self, alias: str, columns: tuple[str, ...], rows: list[tuple[int, ...]]) -> str:
        body = ", ".join("(" + ", ".join(str(int(v)) for v in row) + ")" for row in rows)
        names = ", ".join(columns)
        if self.name == "spark":
            return f"(SELECT * FROM VALUES {body} AS v({names})) {alias}"
        return f"(VALUES {body}) AS {alias}({names})"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")


@dataclass(frozen=True)
class Moments:
    """A period in ticks: [start, end) and the evaluation moment t."""

    start: int
    end: int
    t: int


def _facts(m: Moments) -> dict[str, str]:
    """Each DossierFacts field as a SQL boolean over one `dossiers` row (with `judged.late` joined)."""
    t, start, end = m.t, m.start, m.end
    under_processing = (f"(received_ticks <= {t} AND received_ticks < {end} "
                        f"AND NOT (end_ticks <= {t} AND end_ticks < {start}))")
    moment = f"(CASE WHEN end_ticks <= {t} THEN end_ticks ELSE {t} END)"
    late = (f"(CASE WHEN NOT ({under_processing} AND NOT (ended = 'refused' AND ended IS NOT NULL)) THEN FALSE"
            f" WHEN supplement2_ticks <= {t} THEN TRUE"  # two supplement requests by t
            f" WHEN wait_first > {t} THEN {moment} > due_ticks"  # no wait requested by t
            f" WHEN wait_done <= {t} THEN {moment} > effective_due_ticks"  # every wait over: the whole pause
            f" WHEN NOT waits_several THEN wait_first > due_ticks"  # its one wait is open: judged at its request
            f" ELSE COALESCE(judged.late, FALSE) END)")
    return {
        "refused": "(ended = 'refused' AND ended IS NOT NULL)",
        "received": f"(received_ticks >= {start} AND received_ticks <= {t} AND received_ticks < {end})",
        "under_processing": under_processing,
        "late": late,
        "synced": f"(synced_ticks <= {t})",
        "online": "(channel = 'online')",
        "full_online": "full_online",
        "full_online_eligible": "full_online_eligible",
        "written_result": "written_result",
        "ended": f"(end_ticks <= {t})",
        "resolved": f"(resolved_ticks <= {t})",
        "resolved_in_period": f"(resolved_ticks <= {t} AND resolved_ticks >= {start} AND resolved_ticks < {end})",
        "e_result": f"(e_issued_ticks <= {t})",
        "fee": "(fee_vnd > 0)",
        "paid_online": f"(paid_ticks <= {t})",
        "digitized": "digitized",
        "reused_data": "reused_data",
        "data_store": "(from_data_store OR result_to_data_store)",
        "citizen_data": "citizen_data",
        "unsatisfied": "(rating = 'unsatisfied' AND rating IS NOT NULL)",
        "complaint": "complaint",
    }


def _bit(condition: str, value: int) -> str:
    return f"CASE WHEN {condition} THEN {value} ELSE 0 END"


def _judged(m: Moments, t_ranks: str) -> str:
    """Lateness of the dossiers with several waits, some running at t (fewer than two supplement requests
    by t): `lateness.standing` with the pause as of t over their waits."""
    t = m.t
    f = _facts(m)
    return f"""
running AS (
  SELECT province, line, due_ticks, due_position, end_ticks, end_rank, calendar_index FROM dossiers
  WHERE waits_several AND wait_first <= {t} AND wait_done > {t} AND supplement2_ticks > {t}
    AND {f['under_processing']} AND NOT {f['refused']}
),
waits_at_t AS (
  SELECT w.province, w.line, w.requested_ticks, w.completed_ticks, w.requested_position, w.completed_position,
         w.requested_rank
  FROM dossier_waits w JOIN running r ON w.province = r.province AND w.line = r.line
  WHERE w.requested_ticks <= {t}
),
over AS (
  SELECT province, line, requested_position AS a, completed_position AS b,
         MAX(completed_position) OVER (PARTITION BY province, line ORDER BY requested_position, completed_position
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
  FROM waits_at_t WHERE completed_ticks <= {t} AND completed_ticks > requested_ticks
),
paused AS (
  SELECT province, line, SUM(GREATEST(b - GREATEST(a, COALESCE(reach, a)), 0)) AS pause FROM over
  GROUP BY province, line
),
still_open AS (
  SELECT province, line, MIN(requested_ticks) AS open_ticks, MIN(requested_rank) AS open_rank
  FROM waits_at_t WHERE completed_ticks > {t} GROUP BY province, line
),
judged AS (
  SELECT r.province, r.line,
    CASE WHEN COALESCE(p.pause, 0) > 0 THEN
           (CASE WHEN o.line IS NOT NULL THEN o.open_rank
                 WHEN r.end_ticks <= {t} THEN r.end_rank ELSE tr.t_rank END) > 2 * (r.due_position + p.pause)
         ELSE
           (CASE WHEN o.line IS NOT NULL THEN o.open_ticks
                 WHEN r.end_ticks <= {t} THEN r.end_ticks ELSE {t} END) > r.due_ticks
    END AS late
  FROM running r
  LEFT JOIN paused p ON p.province = r.province AND p.line = r.line
  LEFT JOIN still_open o ON o.province = r.province AND o.line = r.line
  JOIN {t_ranks} ON tr.province = r.province AND tr.calendar_index = r.calendar_index
)"""


def t_ranks_table(t_ranks: list[tuple[int, int, int]], dialect: Dialect) -> str:
    """The literal table `tr` of (province, calendar_index, rank of t on that calendar's axis)."""
    return dialect.values("tr", ("province", "calendar_index", "t_rank"), t_ranks or [(-1, -1, 0)])


def counts_sql(m: Moments, t_ranks: list[tuple[int, int, int]], dialect: Dialect) -> str:
    """Rows per (province, unit_index, packed DossierFacts); `t_ranks` is (province, calendar_index, rank of
    t) per calendar of each province."""
    f = _facts(m)
    assert set(f) == set(DossierFacts._fields), "every fact is defined here once"
    key = " + ".join(_bit(f[name], 1 << i) for i, name in enumerate(DossierFacts._fields))
    return f"""WITH {_judged(m, t_ranks_table(t_ranks, dialect))}
SELECT province, unit_index, facts, COUNT(*) AS n FROM (
  SELECT d.province AS province, d.unit_index AS unit_index, {key} AS facts
  FROM dossiers d LEFT JOIN judged ON judged.province = d.province AND judged.line = d.line
) keyed GROUP BY province, unit_index, facts"""


# Which procedures a unit has non-refused dossiers received in the period of, by property: the bits of
# `columnar.RowFacts.procedure_code` (1 any, 2 online, 4 synced with a fee, 8 paid online, 16 citizen data).
PROCEDURE_BITS = (((), 1), (("online",), 2), (("synced", "fee"), 4), (("paid_online",), 8), (("citizen_data",), 16))


def procedures_sql(m: Moments, months: tuple[str, str]) -> str:
    """(province, unit_index, procedure_index, code) for the dossier-based procedure tests (3.2, 3.5, 3.6, 5.5)."""
    f = _facts(m)
    bits = " + ".join(f"MAX({_bit(' AND '.join(f[name] for name in names) or 'TRUE', value)})"
                      for names, value in PROCEDURE_BITS)
    return f"""SELECT province, unit_index, procedure_index, {bits} AS code FROM dossiers
WHERE {L.MONTH} >= '{months[0]}' AND {L.MONTH} <= '{months[1]}'
  AND {f['received']} AND NOT {f['refused']}
GROUP BY province, unit_index, procedure_index"""
