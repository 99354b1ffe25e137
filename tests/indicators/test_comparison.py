"""Two index results side by side and the ranking of units, from the contract JSON alone."""

from decimal import Decimal

import pytest

from motcua.indicators.comparison import comparison_rows, ranking, ranks
from motcua.indicators.compute import compute
from motcua.indicators.rules import load_ruleset

from .scenario import FROM, NOW, RECORD, TO


def test_equal_totals_share_a_rank():
    assert ranks({"a": Decimal("80"), "b": Decimal("90"), "c": Decimal("80"), "d": Decimal("70")}) == {
        "b": 1, "a": 2, "c": 2, "d": 4}


def test_rows_follow_the_rule_set_and_changes_are_differences():
    rs = load_ruleset()
    record = RECORD
    after = compute(record, rs, FROM, TO, now=NOW)
    before = compute(record, rs, FROM.replace(day=1), FROM.replace(day=5), now=NOW)
    rows = comparison_rows(rs, before["units"][0], after["units"][0])
    assert [r.id for r in rows if r.kind == "group"] == ["I", "II", "III", "IV", "V"]
    assert [r.id for r in rows if r.kind == "indicator"] == [r.id for r in rs.indicators]
    assert rows[-1].kind == "total" and rows[-1].current.points == Decimal(repr(after["units"][0]["total"]))
    for row in rows:
        assert row.points_change == row.current.points - row.previous.points
    assert {r.id for r in rows if r.sub_rate} == {"3.1", "3.2", "3.3"}


def test_rows_refuse_a_result_of_another_rule_set():
    rs = load_ruleset()
    result = compute(RECORD, rs, FROM, TO, now=NOW)["units"][0]
    broken = {**result, "indicators": result["indicators"][:-1]}
    with pytest.raises(ValueError):
        comparison_rows(rs, broken, result)


def test_ranking_orders_units_and_counts_places_gained():
    def result(totals):
        units = [{"code": "T", "name": "T", "total": 0, "groups": []}]
        units += [{"code": c, "name": c, "total": t, "groups": [{"id": "I", "points": t, "max": 18}]}
                  for c, t in totals.items()]
        return {"units": units}
    ranked = ranking(result({"A": 50.0, "B": 70.0, "C": 60.0}), result({"A": 80.0, "B": 70.0, "C": 60.0}))
    assert [(r.code, r.rank, r.previous_rank, r.rank_change) for r in ranked] == [
        ("B", 1, 2, 1), ("C", 2, 3, 1), ("A", 3, 1, -2)]
    assert ranked[2].total_change == Decimal("-30")
    assert ranking(result({"A": 1.0}))[0].rank_change is None
