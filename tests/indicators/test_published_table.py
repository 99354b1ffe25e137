"""The province's published table (letter 578/VPUB-HCC, Appendix I) reproduced end to end.

`test_scoring.py` checks the scoring rules on the published rates; here whole records are built whose
counts give the published rates, and the reference engine's JSON must print the published points, and
the comparison used by the pages and the weekly report must print the published changes.
"""

from datetime import date, timedelta
from decimal import Decimal

from motcua.indicators.comparison import comparison_rows
from motcua.indicators.compute import compute
from motcua.indicators.rules import load_ruleset

from .builders import at, dossier, feedback, procedure, record, unit

# The week that ends on 22/9/2025, the first column of the published table.
FROM, TO = date(2025, 9, 16), date(2025, 9, 22)
NOW = at(30, 12)


def _published_week():
    """57 dossiers under processing, 55 not late (96,49%); 34 with fees, 29 paid online (85,29%);
    5000 feedback items, 4981 handled on time (99,62%), 4900 of them satisfied (98,00%)."""
    units = [unit("T", "province", None), unit("X1", "commune", "T", e_certified_copy=True)]
    procedures = [procedure("PF", fee_vnd=30000, fee_integrated=True, online_level="full", written_result=False,
                            decision_date=date(2025, 1, 2), legal_effective_date=date(2025, 3, 1),
                            published_at=date(2025, 1, 3))]
    dossiers = []
    for i in range(57):
        received = at(16 + i % 5, 8, month=9)  # Tuesday 16 to Saturday 20 September
        late = i < 2
        dossiers.append(dossier(
            f"D{i}", "PF", "X1", received=received, due=received + timedelta(days=1),
            resolved_at=received + timedelta(days=2 if late else 0, hours=2), synced_at=received,
            fee_vnd=30000 if i < 34 else 0, paid_online_at=received if i < 29 else None, rating="satisfied"))
    items = []
    for i in range(5000):
        if i < 4981:  # answered the next day
            received = at(15 + i % 5, 9, month=9)
            items.append(feedback(f"F{i}", "X1", received, answered_at=received + timedelta(days=1),
                                  rating="unsatisfied" if i >= 4900 else "satisfied"))
        else:  # received in early August, answered in the week: far past 15 working days
            items.append(feedback(f"F{i}", "X1", at(1, 9, month=8), answered_at=at(17, 9, month=9)))
    return record(units, procedures, [("X1", "PF")], dossiers, items)


def _indicators(result) -> dict:
    return {i["id"]: i for i in result["units"][0]["indicators"]}


def test_the_engine_prints_the_published_points_of_groups_ii_and_iv():
    result = compute(_published_week(), load_ruleset("qd766"), FROM, TO, now=NOW)
    rows = _indicators(result)
    assert (rows["2.1"]["rate"], rows["2.1"]["points"]) == (0.9649, 19.3)
    assert (rows["4.1"]["rate"], rows["4.2"]["rate"]) == (0.9962, 0.98)
    assert rows["4.3"]["points"] == 6  # 96,49% is above the 0.90 threshold
    groups = {g["id"]: g["points"] for g in result["units"][0]["groups"]}
    assert groups["II"] == 19.3  # published 19,3/20
    assert groups["IV"] == 17.86  # published 17,86/18


def test_online_payment_is_10_of_10_only_with_the_threshold_80_variant():
    paid = {i: _indicators(compute(_published_week(), load_ruleset(name), FROM, TO, now=NOW))
            for i, name in (("default", "qd766"), ("variant", "qd766-threshold80"))}
    assert paid["variant"]["3.7"]["rate"] == 0.8529
    assert [paid["variant"][i]["points"] for i in ("3.5", "3.6", "3.7")] == [2, 2, 6]  # 10/10 as published
    assert [paid["default"][i]["points"] for i in ("3.5", "3.6", "3.7")] == [2, 2, 5.12]


def _column(rates: dict[str, float]) -> dict:
    """A unit entry of the contract JSON holding only published rates (counts are not published)."""
    rs = load_ruleset("qd766")
    return {
        "total": 0,
        "groups": [{"id": g.id, "points": 0, "max": float(g.max_points)} for g in rs.groups],
        "indicators": [{"id": r.id, "numerator": 0, "denominator": 0, "rate": rates.get(r.id), "points": 0,
                        "max": float(r.max_points)} for r in rs.indicators],
    }


def test_the_change_column_prints_the_published_changes():
    # 22/9 and 29/9 columns of the table, where the published change is the difference of the two.
    before = {"4.1": 0.9962, "4.2": 0.98, "4.3": 0.9649, "5.1": 0.8398, "5.2": 0.802, "5.3": 0.8678}
    after = {"4.1": 0.9962, "4.2": 0.98, "4.3": 0.9627, "5.1": 0.8416, "5.2": 0.8044, "5.3": 0.8724}
    published = {"4.1": "0", "4.2": "0", "4.3": "-0.0022", "5.1": "0.0018", "5.2": "0.0024", "5.3": "0.0046"}
    rows = {r.id: r for r in comparison_rows(load_ruleset("qd766"), _column(before), _column(after))}
    for indicator_id, change in published.items():
        assert rows[indicator_id].rate_change == Decimal(change), indicator_id
