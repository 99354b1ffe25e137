"""The lists behind each number: `members` must give exactly the numerator and denominator of
`service.index_json`, for every indicator, unit and period (it applies the same facts and selectors)."""

import pytest

from motcua.indicators.members import members
from motcua.indicators.rules import INDICATOR_IDS
from motcua.indicators.service import index_json

from .province import LISTED, PREVIOUS_WEEK, WEEK

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rules, period", [
    ("qd766", WEEK), ("qd766", (PREVIOUS_WEEK[0], WEEK[1])), ("qd766-sync", PREVIOUS_WEEK)])
def test_every_indicator_lists_exactly_its_numerator_and_denominator(province, period, rules):
    for unit_code in (None, *LISTED):
        scores = index_json(*period, unit_code=unit_code, rules=rules)["units"][0]
        for entry in scores["indicators"]:
            result = members(entry["id"], unit_code, *period, rules=rules)
            assert (result.numerator, result.denominator) == (entry["numerator"], entry["denominator"]), (
                unit_code, entry["id"])


def test_the_fixture_exercises_every_kind_of_population(province):
    """A drill-down test on empty populations would prove nothing."""
    scores = {i["id"]: i for i in index_json(*WEEK)["units"][0]["indicators"]}
    for indicator_id in ("1.3", "1.4", "2.1", "3.1", "3.2", "3.4", "3.6", "3.7", "4.1", "4.3", "5.1", "5.7"):
        entry = scores[indicator_id]
        assert 0 < entry["denominator"], indicator_id
    assert 0 < scores["2.1"]["numerator"] < scores["2.1"]["denominator"]  # some late, some not
    assert 0 < scores["4.1"]["numerator"] < scores["4.1"]["denominator"]
    assert 0 < scores["3.7"]["numerator"] < scores["3.7"]["denominator"]


def test_a_unit_lists_only_items_of_its_subtree(province):
    result = members("2.1", "19.STC", *WEEK)
    assert result.items and {m.item.unit for m in result.items} == {"19.STC.DKKD"}
    communes = members("5.7", None, *WEEK)
    assert [m.key for m in communes.items] == ["05443", "05710", "05800"]
    assert [m.counted for m in communes.items] == [True, False, True]


def test_items_are_dossier_procedure_feedback_or_commune_records(province):
    assert members("3.1", "05443", *WEEK).kind == "procedure"
    assert {m.key for m in members("3.1", "05443", *WEEK).items} == {"1.001193", "2.000815", "1.000656"}
    assert {m.key for m in members("3.1", "05443", *WEEK).items if m.counted} == {"1.001193", "2.000815"}
    feedback = members("4.1", None, *WEEK)
    assert feedback.kind == "feedback" and all(m.pk is not None for m in feedback.items)
    assert "PAKN-05" not in {m.key for m in feedback.items}  # answered before the week


def test_unknown_indicator_and_unit_are_refused(province):
    with pytest.raises(KeyError):
        members("9.9", None, *WEEK)
    with pytest.raises(ValueError):
        members("2.1", "nowhere", *WEEK)
    assert len(INDICATOR_IDS) == 22
