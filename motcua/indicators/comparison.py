"""Two index results side by side, as the province's Appendix I lays them out, and the ranking of units.

Pure functions over the contract JSON of `service.index_json` (one entry of its `units`) and a rule set:
no numbers are computed here except differences of the shown numbers, so the page, the XLSX and the PDF
show exactly what the JSON says, and "the change" is always the difference of the two printed values
(rates in percentage points of the 4-decimal rates, points of the 2-decimal points).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from motcua.indicators.rules import RuleSet
from motcua.lib.vnformat import to_decimal


def _dec(value) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _change(previous, current) -> Decimal | None:
    if previous is None or current is None:
        return None
    return to_decimal(current) - to_decimal(previous)


@dataclass(frozen=True)
class Side:
    """One indicator (or group, or the total) at one date."""

    numerator: int | None
    denominator: int | None
    rate: Decimal | None  # a fraction, 4 decimals; None = not applicable (or a group row)
    points: Decimal


@dataclass(frozen=True)
class Row:
    kind: str  # "group" | "indicator" | "total"
    id: str
    label: str
    max: Decimal
    previous: Side
    current: Side
    sub_rate: bool = False  # 3.1-3.3: shown without points
    times_rate_of: str | None = None  # the rate is the counts' ratio × that indicator's rate

    @property
    def rate_change(self) -> Decimal | None:
        return _change(self.previous.rate, self.current.rate)

    @property
    def points_change(self) -> Decimal:
        return self.current.points - self.previous.points


def _indicator_side(entry: dict) -> Side:
    return Side(entry["numerator"], entry["denominator"], _dec(entry["rate"]), to_decimal(entry["points"]))


def comparison_rows(ruleset: RuleSet, previous: dict, current: dict) -> list[Row]:
    """Group rows each followed by its indicators, then the total: `previous` and `current` are entries
    of `units` of two `index_json` results for the same unit and rule set."""
    for result in (previous, current):
        ids = [i["id"] for i in result["indicators"]]
        if ids != [r.id for r in ruleset.indicators]:
            raise ValueError(f"the result's indicators {ids} are not those of rule set {ruleset.name}")
    before = {i["id"]: i for i in previous["indicators"]}
    after = {i["id"]: i for i in current["indicators"]}
    groups_before = {g["id"]: g for g in previous["groups"]}
    groups_after = {g["id"]: g for g in current["groups"]}
    rows = []
    for group in ruleset.groups:
        rows.append(Row("group", group.id, group.label, to_decimal(groups_after[group.id]["max"]),
                        Side(None, None, None, to_decimal(groups_before[group.id]["points"])),
                        Side(None, None, None, to_decimal(groups_after[group.id]["points"]))))
        for rule in ruleset.in_group(group.id):
            rows.append(Row("indicator", rule.id, rule.label, to_decimal(after[rule.id]["max"]),
                            _indicator_side(before[rule.id]), _indicator_side(after[rule.id]),
                            sub_rate=rule.max_points == 0, times_rate_of=rule.times_rate_of))
    rows.append(Row("total", "", "", Decimal(100), Side(None, None, None, to_decimal(previous["total"])),
                    Side(None, None, None, to_decimal(current["total"]))))
    return rows


@dataclass(frozen=True)
class RankedUnit:
    code: str
    name: str
    total: Decimal
    groups: dict[str, Decimal]  # group id -> points
    rank: int
    previous_total: Decimal | None = None
    previous_rank: int | None = None

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous ranking (positive = moved up)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank

    @property
    def total_change(self) -> Decimal | None:
        return None if self.previous_total is None else self.total - self.previous_total


def ranks(totals: dict[str, Decimal]) -> dict[str, int]:
    """Competition ranking by total, highest first: equal totals share a rank (1, 2, 2, 4)."""
    ordered = sorted(totals.values(), reverse=True)
    first = {}
    for place, total in enumerate(ordered, start=1):
        first.setdefault(total, place)
    return {code: first[total] for code, total in totals.items()}


def ranking(current: dict, previous: dict | None = None) -> list[RankedUnit]:
    """Every department and commune of a province result (`units` after the province), ranked by total,
    highest first (equal totals in file order), with the rank in `previous` when given."""
    units = current["units"][1:]
    totals = {u["code"]: to_decimal(u["total"]) for u in units}
    now = ranks(totals)
    before_totals = {u["code"]: to_decimal(u["total"]) for u in previous["units"][1:]} if previous else {}
    before = ranks(before_totals) if previous else {}
    ranked = [RankedUnit(code=u["code"], name=u["name"], total=totals[u["code"]],
                         groups={g["id"]: to_decimal(g["points"]) for g in u["groups"]}, rank=now[u["code"]],
                         previous_total=before_totals.get(u["code"]), previous_rank=before.get(u["code"]))
              for u in units]
    return sorted(ranked, key=lambda r: r.rank)  # stable: ties keep file order
