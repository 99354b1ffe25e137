"""The whole index on the hand-built province of `scenario` (read its docstring first).

Every expected number below is counted by hand from the scenario; none was copied from the engine.
"""

from datetime import date
from fractions import Fraction

import pytest

from motcua.indicators.compute import compute, compute_extras
from motcua.indicators.rules import INDICATOR_IDS, load_ruleset

from .builders import at, dossier, feedback, record, unit
from .scenario import AUTHORITY, FROM, NOW, PROCEDURES, RECORD, TO, UNITS

# (numerator, denominator) per unit and indicator, in the order 1.1 ... 5.7, counted by hand from the
# scenario's docstring.
EXPECTED_COUNTS = {
    #       1.1    1.2    1.3    1.4    2.1    3.1    3.2    3.3    3.4    3.5    3.6    3.7
    #       4.1    4.2    4.3    5.1    5.2    5.3    5.4    5.5    5.6    5.7
    "T": [(1, 2), (1, 2), (1, 2), (4, 6), (4, 6), (3, 4), (2, 3), (2, 5), (1, 3), (1, 2), (1, 2), (1, 3),
          (2, 4), (1, 4), (2, 6), (1, 2), (3, 5), (2, 5), (2, 5), (2, 3), (2, 5), (1, 2)],
    "SXD": [(1, 2), (1, 2), (1, 1), (1, 2), (2, 3), (2, 2), (1, 2), (1, 2), (1, 2), (1, 1), (1, 1), (1, 2),
            (0, 1), (0, 1), (1, 3), (1, 1), (1, 2), (1, 2), (1, 2), (1, 1), (1, 2), (0, 0)],
    "X1": [(0, 0), (0, 0), (0, 1), (1, 1), (1, 1), (1, 2), (0, 1), (0, 1), (0, 0), (0, 1), (0, 1), (0, 1),
           (2, 2), (1, 2), (0, 1), (0, 0), (1, 1), (0, 1), (0, 1), (1, 2), (1, 1), (1, 1)],
    "STC": [(0, 1), (0, 1), (0, 0), (1, 1), (0, 0), (1, 1), (0, 1), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0),
            (0, 1), (0, 1), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0)],
    "X2": [(0, 0), (0, 0), (0, 1), (1, 2), (1, 2), (1, 2), (1, 1), (1, 2), (0, 1), (0, 1), (0, 1), (0, 0),
           (0, 0), (0, 0), (1, 2), (0, 1), (1, 2), (1, 2), (1, 2), (0, 2), (0, 2), (0, 1)],
}
DOSSIER_INDICATORS = ("1.4", "2.1", "3.3", "3.4", "3.7", "4.3", "5.1", "5.2", "5.3", "5.4", "5.6")
PROCEDURE_INDICATORS = ("1.1", "1.2", "1.3", "3.1", "3.2", "3.5", "3.6", "5.5")


@pytest.fixture(scope="module")
def result():
    return compute(RECORD, load_ruleset("qd766"), FROM, TO, now=NOW)


def by_code(result) -> dict:
    return {u["code"]: u for u in result["units"]}


def indicator(unit_result, indicator_id) -> dict:
    return next(i for i in unit_result["indicators"] if i["id"] == indicator_id)


def test_the_object_has_exactly_the_contract_shape(result):
    assert list(result) == ["rules", "from", "to", "evaluated_at", "units"]
    assert result["rules"] == {"name": "qd766", "version": "1.0"}
    assert result["from"] == "2025-10-06" and result["to"] == "2025-10-12"
    assert result["evaluated_at"] == "2025-10-12T23:59:59.999999+07:00"
    for u in result["units"]:
        assert list(u) == ["code", "name", "total", "groups", "indicators"]
        assert [(g["id"], g["max"]) for g in u["groups"]] == [("I", 18), ("II", 20), ("III", 22), ("IV", 18),
                                                              ("V", 22)]
        assert [i["id"] for i in u["indicators"]] == list(INDICATOR_IDS)
        for i in u["indicators"]:
            assert list(i) == ["id", "numerator", "denominator", "rate", "points", "max"]


def test_the_province_comes_first_then_departments_and_communes_in_file_order_without_offices(result):
    assert [u["code"] for u in result["units"]] == ["T", "SXD", "X1", "STC", "X2"]
    assert result["units"][0]["name"] == "Đơn vị T"


@pytest.mark.parametrize("code", list(EXPECTED_COUNTS))
def test_numerators_and_denominators(result, code):
    got = [(i["numerator"], i["denominator"]) for i in by_code(result)[code]["indicators"]]
    assert dict(zip(INDICATOR_IDS, got, strict=True)) == dict(zip(INDICATOR_IDS, EXPECTED_COUNTS[code], strict=True))


def test_province_is_sum_over_sum_for_dossiers_feedback_and_communes(result):
    units = by_code(result)
    for indicator_id in (*DOSSIER_INDICATORS, "4.1", "4.2", "5.7"):
        province = indicator(units["T"], indicator_id)
        parts = [indicator(units[c], indicator_id) for c in ("SXD", "STC", "X1", "X2")]
        assert province["numerator"] == sum(p["numerator"] for p in parts), indicator_id
        assert province["denominator"] == sum(p["denominator"] for p in parts), indicator_id
    # 2.1: 4 / 6 = 0.6667, not the average of the units' rates (2/3, —, 1, 1/2).
    assert indicator(units["T"], "2.1")["rate"] == 0.6667


def test_procedure_indicators_count_each_procedure_once_for_the_province(result):
    # PB is under SXD and STC; PC and PD under both communes: the province has 4 procedures, not 7.
    units = by_code(result)
    assert indicator(units["T"], "3.1")["denominator"] == 4
    assert sum(indicator(units[c], "3.1")["denominator"] for c in ("SXD", "STC", "X1", "X2")) == 7


def test_rate_is_null_when_the_denominator_is_zero(result):
    stc = by_code(result)["STC"]
    assert indicator(stc, "2.1") == {"id": "2.1", "numerator": 0, "denominator": 0, "rate": None, "points": 0.0,
                                     "max": 20}
    assert indicator(stc, "1.3")["rate"] is None


def test_refused_dossiers_are_only_in_1_4(result):
    stc = by_code(result)["STC"]  # STC's only dossier of the period is D5, refused
    assert indicator(stc, "1.4") == {"id": "1.4", "numerator": 1, "denominator": 1, "rate": 1.0, "points": 6.0,
                                     "max": 6}
    for indicator_id in DOSSIER_INDICATORS[1:]:
        assert indicator(stc, indicator_id)["denominator"] == 0, indicator_id
    # PB's only online dossier is D5: refused, so it does not make PB an online service in use (3.2).
    assert indicator(stc, "3.2")["numerator"] == 0


def test_sub_rates_3_1_to_3_3_have_no_points(result):
    for u in result["units"]:
        for indicator_id in ("3.1", "3.2", "3.3"):
            assert indicator(u, indicator_id)["max"] == 0
            assert indicator(u, indicator_id)["points"] == 0


def test_3_3_is_multiplied_by_the_sync_rate(result):
    units = by_code(result)
    # T: 2 online of 5 received × 1.4's 4 of 6 = 4/15 = 0.26666...
    assert indicator(units["T"], "3.3")["rate"] == 0.2667
    # X2: 1/2 × 1.4's 1/2 (D7 synced only after t) = 0.25; SXD: 1/2 × 1/2 = 0.25.
    assert indicator(units["X2"], "3.3")["rate"] == 0.25
    assert indicator(units["SXD"], "3.3")["rate"] == 0.25


def test_fee_exempt_dossier_puts_a_fee_bearing_procedure_in_the_3_6_denominator(result):
    # X2's only dossier of PC (fee 20,000) is D9 with fee_vnd 0: PC is in 3.6's denominator, not paid.
    assert indicator(by_code(result)["X2"], "3.6") == {"id": "3.6", "numerator": 0, "denominator": 1,
                                                       "rate": 0.0, "points": 0.0, "max": 2}
    # ... while 3.7 counts only dossiers with a fee: none for X2.
    assert indicator(by_code(result)["X2"], "3.7")["denominator"] == 0


def test_feedback_with_empty_population_scores_full_points(result):
    x2 = by_code(result)["X2"]  # F3 was answered before the period: X2 has no feedback in the population
    assert indicator(x2, "4.1") == {"id": "4.1", "numerator": 0, "denominator": 0, "rate": None, "points": 6.0,
                                    "max": 6}
    assert indicator(x2, "4.2")["points"] == 6.0


def test_5_7_is_not_applicable_for_a_department_and_scores_2(result):
    units = by_code(result)
    assert indicator(units["SXD"], "5.7") == {"id": "5.7", "numerator": 0, "denominator": 0, "rate": None,
                                              "points": 2.0, "max": 2}
    assert indicator(units["X1"], "5.7")["points"] == 2.0
    assert indicator(units["X2"], "5.7")["points"] == 0.0
    assert indicator(units["T"], "5.7") == {"id": "5.7", "numerator": 1, "denominator": 2, "rate": 0.5,
                                            "points": 1.0, "max": 2}


def test_points_of_the_province(result):
    t = by_code(result)["T"]
    points = {i["id"]: i["points"] for i in t["indicators"]}
    assert points == {
        "1.1": 3.0,  # 6 × 1/2
        "1.2": 2.0,  # 4 × 1/2
        "1.3": 1.0,  # 2 × 1/2
        "1.4": 4.0,  # 6 × 4/6
        "2.1": 13.33,  # 20 × 4/6 = 13.333
        "3.1": 0.0, "3.2": 0.0, "3.3": 0.0,
        "3.4": 4.0,  # 12 × 1/3
        "3.5": 1.25,  # 2 × min(1, 0.5 / 0.8)
        "3.6": 1.25,  # 2 × min(1, 0.5 / 0.8)
        "3.7": 2.0,  # 6 × 1/3
        "4.1": 3.0,  # 6 × 2/4
        "4.2": 1.5,  # 6 × 1/4
        "4.3": 2.22,  # 6 × min(1, (2/6) / 0.9) = 6 × 10/27 = 2.2222
        "5.1": 3.0,  # 6 × 1/2
        "5.2": 2.4,  # 4 × 3/5
        "5.3": 1.0,  # 2 × min(1, 0.4 / 0.8)
        "5.4": 1.6,  # 4 × 2/5
        "5.5": 1.33,  # 2 × 2/3
        "5.6": 0.8,  # 2 × 2/5
        "5.7": 1.0,  # 2 × 1/2
    }
    rates = {i["id"]: i["rate"] for i in t["indicators"]}
    assert rates["1.4"] == 0.6667 and rates["4.3"] == 0.3333 and rates["5.5"] == 0.6667


def test_groups_and_total_are_sums_of_unrounded_points_rounded_once(result):
    t = by_code(result)["T"]
    assert [g["points"] for g in t["groups"]] == [
        10.0,  # 3 + 2 + 1 + 4
        13.33,  # 40/3
        8.5,  # 4 + 1.25 + 1.25 + 2
        6.72,  # 3 + 1.5 + 20/9 = 6.7222
        11.13,  # 3 + 2.4 + 1 + 1.6 + 4/3 + 0.8 + 1 = 11.1333
    ]
    # 10 + 40/3 + 8.5 + (4.5 + 20/9) + (9.8 + 4/3) = 49.6889 → 49.69; the rounded groups would sum to 49.68.
    assert t["total"] == 49.69


@pytest.mark.parametrize("code, total, groups", [
    # SXD: I 3 + 2 + 2 + 3; II 40/3; III 6 + 2 + 2 + 3; IV 0 + 0 + 20/9; V 6 + 2 + 1.25 + 2 + 2 + 1 + 2
    ("SXD", 54.81, [10.0, 13.33, 13.0, 2.22, 16.25]),
    # X1: I 0 + 0 + 0 + 6; II 20; III 0; IV 6 + 3 + 0; V 0 + 4 + 0 + 0 + 1 + 2 + 2
    ("X1", 44.0, [6.0, 20.0, 0.0, 9.0, 9.0]),
    # STC: only 1.4 (6) and 5.7 not applicable (2)
    ("STC", 8.0, [6.0, 0.0, 0.0, 0.0, 2.0]),
    # X2: I 3; II 10; III 0; IV 6 + 6 + 6 × (0.5 / 0.9); V 0 + 2 + 1.25 + 2 + 0 + 0 + 0
    ("X2", 33.58, [3.0, 10.0, 0.0, 15.33, 5.25]),
])
def test_points_of_the_units(result, code, total, groups):
    u = by_code(result)[code]
    assert [g["points"] for g in u["groups"]] == groups
    assert u["total"] == total


def test_a_unit_asked_for_is_listed_alone_over_its_subtree():
    result = compute(RECORD, load_ruleset(), FROM, TO, now=NOW, unit_code="SXD")
    assert [u["code"] for u in result["units"]] == ["SXD"]
    assert [(i["numerator"], i["denominator"]) for i in result["units"][0]["indicators"]] == EXPECTED_COUNTS["SXD"]


def test_an_office_may_be_asked_for():
    result = compute(RECORD, load_ruleset(), FROM, TO, now=NOW, unit_code="SXD-P1")
    office = result["units"][0]
    assert [u["code"] for u in result["units"]] == ["SXD-P1"]
    # D1 only; F2 only (late); PA only.
    assert indicator(office, "1.4")["denominator"] == 1
    assert indicator(office, "2.1")["numerator"] == 1
    assert (indicator(office, "4.1")["numerator"], indicator(office, "4.1")["denominator"]) == (0, 1)
    assert indicator(office, "3.1")["denominator"] == 1


def test_asking_for_the_province_by_code_lists_every_unit_too():
    result = compute(RECORD, load_ruleset(), FROM, TO, now=NOW, unit_code="T")
    assert [u["code"] for u in result["units"]] == ["T", "SXD", "X1", "STC", "X2"]


def test_unknown_unit_is_an_error():
    with pytest.raises(ValueError, match="unknown unit 'NOPE'"):
        compute(RECORD, load_ruleset(), FROM, TO, now=NOW, unit_code="NOPE")


def test_threshold_80_variant():
    t = compute(RECORD, load_ruleset("qd766-threshold80"), FROM, TO, now=NOW)["units"][0]
    assert result_rules(t) == {"3.7": 2.5, "5.2": 3.0}  # 6 × (1/3) / 0.8; 4 × 0.6 / 0.8


def result_rules(unit_result) -> dict:
    return {i["id"]: i["points"] for i in unit_result["indicators"] if i["id"] in ("3.7", "5.2")}


def test_sync_variant_of_5_2():
    result = compute(RECORD, load_ruleset("qd766-sync"), FROM, TO, now=NOW)
    assert result["rules"] == {"name": "qd766-sync", "version": "1.0"}
    t = indicator(result["units"][0], "5.2")
    # Synced by t among the received: D1, D6, D9 (D2 never, D7 after t); digitised with the e-result
    # required: D1 and D6 (D9 resolved without one): 2/3 × 1.4's 4/6 = 4/9 = 0.4444; 4 × 4/9 = 1.78.
    assert t == {"id": "5.2", "numerator": 2, "denominator": 3, "rate": 0.4444, "points": 1.78, "max": 4}


# -- as of t -------------------------------------------------------------------------------------------


def test_mid_period_now_ignores_everything_after_it():
    # now = Wednesday 8 October 12:00: D5 (refused at 10:00) is in, D6, D9 and later events are not.
    result = compute(RECORD, load_ruleset(), FROM, TO, now=at(8, 12))
    assert result["evaluated_at"] == "2025-10-08T12:00:00+07:00"
    t = by_code(result)["T"]
    # Received by t: D1, D2, D5 (refused), D7; synced by t: D1 (6/10), D5 (8/10 11:00).
    assert (indicator(t, "1.4")["numerator"], indicator(t, "1.4")["denominator"]) == (2, 4)
    # Under processing: D1, D2, D3 (resolved 8/10 10:00, late), D7; D7 not resolved yet (16:00) and its due
    # (8/10 17:00) is after t: in time. D1 resolved 9/10 is after t: in progress, in time.
    assert (indicator(t, "2.1")["numerator"], indicator(t, "2.1")["denominator"]) == (3, 4)
    # 5.1: nothing resolved in the period by t except D3 (PB, no written result): empty.
    assert indicator(t, "5.1")["denominator"] == 0
    # 1.2: PA published 9/10, after t's date: not yet on time; PB decided 10/10: not yet decided.
    assert (indicator(t, "1.2")["numerator"], indicator(t, "1.2")["denominator"]) == (0, 1)
    # 1.3: only PC (published 5/9) is published by t.
    assert (indicator(t, "1.3")["numerator"], indicator(t, "1.3")["denominator"]) == (0, 1)
    # 4.1: F1 (answered 10/10, after t) and F5 (received 8/10 10:00) are still within; F2 late; F4 is
    # within its 2 days and not refused yet.
    assert (indicator(t, "4.1")["numerator"], indicator(t, "4.1")["denominator"]) == (3, 4)
    # 5.2: D1 digitised with its e-result not yet issued but not resolved by t either: counted; D7
    # digitised, no written result: counted; D2 not digitised.
    assert (indicator(t, "5.2")["numerator"], indicator(t, "5.2")["denominator"]) == (2, 3)


def test_carried_over_dossiers_are_in_2_1():
    # A week later (13-19 October): D2 (due 14/10, never resolved) and D6 (open supplement since 10/10)
    # are carried over; D1, D3, D7, D9 ended before the 13th. D8, received 12/10 17:30 UTC = 13/10 00:30
    # local, is newly received in this period.
    result = compute(RECORD, load_ruleset(), date(2025, 10, 13), date(2025, 10, 19), now=NOW)
    t = by_code(result)["T"]
    assert (indicator(t, "1.4")["numerator"], indicator(t, "1.4")["denominator"]) == (1, 1)
    # At t = 19/10 23:59: D2 is overdue (due 14/10 17:00), D8 too (due 15/10 17:00); D6 is judged at its
    # request time 10/10 15:00, before its due: in time.
    assert (indicator(t, "2.1")["numerator"], indicator(t, "2.1")["denominator"]) == (1, 3)
    # 4.3: D2 has a complaint and is late, D6 is rated unsatisfied, D8 is late.
    assert (indicator(t, "4.3")["numerator"], indicator(t, "4.3")["denominator"]) == (0, 3)


def test_default_calendar_gives_the_same_result_as_an_explicit_one():
    from motcua.lib.workingtime import WorkingCalendar

    calendars = {}

    def calendar_for(code):
        calendars[code] = WorkingCalendar()
        return calendars[code]

    explicit = compute(RECORD, load_ruleset(), FROM, TO, now=NOW, calendar_for=calendar_for)
    assert explicit == compute(RECORD, load_ruleset(), FROM, TO, now=NOW)
    assert "T" in calendars  # the province's calendar decides the catalog's whole-day rules


def test_a_unit_calendar_with_a_closure_changes_its_deadlines():
    # X1 closes on Friday 10 October: F1's answer on 10/10 is still on time, and F5 (received 8/10) has
    # one working day more; D6's open supplement does not care. Check the closure reaches 4.1 through the
    # unit's calendar: with 15 working days from 6/10 ending 28/10 instead of 27/10, an answer on 28/10 is
    # on time for X1 only.
    from motcua.lib.workingtime import WorkingCalendar

    closed = WorkingCalendar(closures=[date(2025, 10, 10)])
    plain = WorkingCalendar()
    rec = record(UNITS, PROCEDURES, AUTHORITY, (), [feedback("G1", "X1", at(6, 10), answered_at=at(28, 9)),
                                                    feedback("G2", "X2", at(6, 10), answered_at=at(28, 9))])
    result = compute(rec, load_ruleset(), date(2025, 10, 6), date(2025, 10, 31), now=NOW,
                     calendar_for=lambda code: closed if code == "X1" else plain)
    units = by_code(result)
    assert indicator(units["X1"], "4.1")["numerator"] == 1
    assert indicator(units["X2"], "4.1")["numerator"] == 0


# -- reported without points -----------------------------------------------------------------------------


def test_extras_report_processing_time_overdue_share_and_unsynced():
    extras = compute_extras(RECORD, FROM, TO, now=NOW)
    assert extras["unit"] == "T"
    # Resolved in the period (working hours; a day from 08:00 has 3.5 + 3.5 = 7 h left):
    # D1 PA online 6/10 08:00 → 9/10 10:00 = 7 + 8 + 8 + 3 = 26 h;
    # D3 PB in person 29/9 08:00 → 8/10 10:00 = 7 + 6 × 8 (30/9-7/10) + 3 = 58 h;
    # D7 PD online 6/10 01:30 (counts from 07:00) → 8/10 16:00 = 8 + 8 + (4.5 + 2.5) = 23 h;
    # D9 PC in person 9/10 08:00 → 10/10 10:00 = 7 + 3 = 10 h, minus its two 1-hour supplements = 8 h.
    assert extras["processing_time"] == [
        {"procedure": "PA", "channel": "online", "dossiers": 1, "average_working_hours": 26.0},
        {"procedure": "PB", "channel": "in_person", "dossiers": 1, "average_working_hours": 58.0},
        {"procedure": "PC", "channel": "in_person", "dossiers": 1, "average_working_hours": 8.0},
        {"procedure": "PD", "channel": "online", "dossiers": 1, "average_working_hours": 23.0},
    ]
    # Late among the 6 under processing: D3 and D9.
    assert extras["overdue"] == {"late": 2, "under_processing": 6, "share": 0.3333}
    # Received in the period (refused included) and not synced by t: D2 and D7.
    assert extras["not_synced"] == 2
    assert compute_extras(RECORD, FROM, TO, now=NOW, unit_code="X2")["not_synced"] == 1


def test_rates_are_exact_fractions_until_shown():
    # 3 of 7 = 0.428571...: shown 0.4286; 20 × 3/7 = 8.5714 → 8.57.
    units = [unit("T", "province", None), unit("X1", "commune", "T")]
    dossiers = [dossier(f"D{i}", "PA", "X1", received=at(6, 8), due=at(10, 17),
                        resolved_at=at(9, 8) if i < 3 else at(13, 8)) for i in range(7)]
    result = compute(record(units, PROCEDURES[:1], [("X1", "PA")], dossiers), load_ruleset(), FROM,
                     date(2025, 10, 31), now=NOW)
    row = indicator(result["units"][0], "2.1")
    assert (row["numerator"], row["denominator"], row["rate"], row["points"]) == (3, 7, 0.4286, 8.57)
    assert Fraction(20 * 3, 7) > Fraction(857, 100)  # and rounding went from the unrounded value


def test_a_completed_supplement_moves_the_due_time_in_2_1():
    # Due Friday 10 October 17:00; a supplement from Tuesday 7 October 09:00 to Wednesday 8 October 09:00
    # pauses 8 working hours, so the effective due is Monday 13 October 17:00. Ending exactly then is on
    # time; a minute later is late; without the supplement, ending at 13/10 17:00 is late.
    units = [unit("T", "province", None), unit("X1", "commune", "T")]
    paused = ((at(7, 9), at(8, 9)),)
    dossiers = [
        dossier("A", "PA", "X1", received=at(6, 8), due=at(10, 17), supplements=paused, resolved_at=at(13, 17)),
        dossier("B", "PA", "X1", received=at(6, 8), due=at(10, 17), supplements=paused,
                resolved_at=at(13, 17, 1)),
        dossier("C", "PA", "X1", received=at(6, 8), due=at(10, 17), resolved_at=at(13, 17)),
    ]
    result = compute(record(units, PROCEDURES[:1], [("X1", "PA")], dossiers), load_ruleset(), FROM,
                     date(2025, 10, 31), now=NOW)
    row = indicator(result["units"][0], "2.1")
    assert (row["numerator"], row["denominator"]) == (1, 3)
