"""What the two dashboards show, read from the services that own each number; no web imports.

The index is read year to date (the national portal's cumulative reading, as the weekly report does) and
compared with the same reading seven days earlier: the week-over-week change. `province(...)` and
`unit(...)` build the whole page; `province_live(...)` and `unit_live(...)` build only the cheap figures
the page refreshes every few seconds (the same code adds them to the same registry, so the page and the
JSON cannot differ).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from motcua.controlroom.figures import Figures
from motcua.indicators import ranking as fair
from motcua.indicators.rules import DEFAULT_RULESET, load_ruleset
from motcua.indicators.service import index_json
from motcua.lib import periods, vnformat
from motcua.units.models import Unit, UnitKind

# How many of the best and of the last ranked units the page shows before the full list.
HEAD = 5


@dataclass
class IndexReading:
    """The index of the province or of one unit, year to date, and the reading a week before."""

    current: dict  # index_json of the period
    previous: dict
    period: periods.DateRange
    previous_period: periods.DateRange

    def unit(self, code: str | None = None, *, before: bool = False) -> dict | None:
        units = (self.previous if before else self.current)["units"]
        if code is None:
            return units[0]
        return next((u for u in units if u["code"] == code), None)


def read_index(today: date, unit_code: str | None = None, rules: str = DEFAULT_RULESET) -> IndexReading:
    current_period, previous_period = periods.comparison(today, periods.YEAR_TO_DATE)
    return IndexReading(index_json(*current_period, unit_code=unit_code, rules=rules),
                        index_json(*previous_period, unit_code=unit_code, rules=rules),
                        current_period, previous_period)


def change_tone(delta) -> str:
    if delta is None or delta == 0:
        return ""
    return "good" if delta > 0 else "bad"


def add_index_figures(figures: Figures, prefix: str, now: dict, before: dict | None) -> dict:
    """A unit's total and group points, and their change since the week before."""
    total = vnformat.to_decimal(now["total"])
    previous = vnformat.to_decimal(before["total"]) if before else None
    delta = total - previous if previous is not None else None
    block = {
        "total": figures.number(f"{prefix}-total", total, 2),
        "change": figures.number(f"{prefix}-change", delta, 2, sign=True, tone=change_tone(delta)),
        "groups": [],
    }
    before_groups = {g["id"]: g for g in before["groups"]} if before else {}
    for group in now["groups"]:
        points = vnformat.to_decimal(group["points"])
        was = before_groups.get(group["id"])
        gdelta = points - vnformat.to_decimal(was["points"]) if was else None
        block["groups"].append({
            "id": group["id"], "max": vnformat.number(group["max"], 2),
            "points": figures.number(f"{prefix}-group-{group['id']}", points, 2),
            "change": figures.number(f"{prefix}-group-{group['id']}-change", gdelta, 2, sign=True,
                                     tone=change_tone(gdelta)),
        })
    return block


@dataclass
class RankRow:
    unit: fair.FairUnit
    rank: object
    change: object
    total: object
    received: object
    markers: tuple[str, ...]
    flags: tuple = ()  # patterns that look like gaming (indicators.gaming), on the page only


@dataclass
class RankTable:
    kind: str
    label: str
    rows: list[RankRow]
    head: list[RankRow] = field(default_factory=list)
    tail: list[RankRow] = field(default_factory=list)


def _rank_change_text(change: int | None) -> tuple[str, str]:
    if change is None:
        return vnformat.DASH, ""
    if change > 0:
        return f"▲ lên {change} bậc", "good"
    if change < 0:
        return f"▼ xuống {-change} bậc", "bad"
    return "giữ nguyên", ""


def rankings(figures: Figures, reading: IndexReading, rules: str = DEFAULT_RULESET) -> list[RankTable]:
    """Departments and communes ranked apart (the fair ranking), each row's figures registered."""
    kinds = dict(Unit.objects.exclude(kind__in=(UnitKind.OFFICE, UnitKind.PROVINCE)).values_list("code", "kind"))
    ruleset = load_ruleset(rules)
    tables = []
    for ranking in fair.fair_ranking(reading.current, ruleset, kinds, reading.previous):
        rows = []
        for unit in ranking.units:
            code = unit.code
            change_text, tone = _rank_change_text(unit.rank_change)
            rank_text = str(unit.rank) if unit.rank is not None else "không xếp hạng"
            rows.append(RankRow(
                unit=unit,
                rank=figures.add(f"rank-{code}", unit.rank, rank_text),
                change=figures.add(f"rank-{code}-change", unit.rank_change, change_text, tone),
                total=figures.number(f"rank-{code}-total", unit.total, 2),
                received=figures.number(f"rank-{code}-received", unit.received),
                markers=unit.badges,
            ))
        placed = [r for r in rows if r.unit.rank is not None]
        table = RankTable(ranking.kind, ranking.label, rows, placed[:HEAD],
                          placed[HEAD:][-HEAD:] if len(placed) > HEAD else [])
        tables.append(table)
    return tables


def unit_rank(tables: list[RankTable], code: str) -> tuple[RankTable, RankRow] | None:
    for table in tables:
        for row in table.rows:
            if row.unit.code == code:
                return table, row
    return None
