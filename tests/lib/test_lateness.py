"""The one definition of late (rules.md, interchange.md as changed on 25/11/2026)."""

from datetime import datetime, timedelta

from motcua.lib import lateness
from motcua.lib.workingtime import WorkingCalendar

CAL = WorkingCalendar()
DUE = datetime.fromisoformat("2025-11-05T17:00:00+07:00")


def at(text):
    return datetime.fromisoformat(f"2025-11-{text}:00+07:00")


def test_an_open_fee_wait_stops_the_clock_at_its_request():
    waiting = [(at("05T09:00"), None)]
    standing = lateness.standing(DUE, [], waiting, None, at("20T09:00"), CAL)
    assert standing.paused and not standing.late
    assert standing.judged_at == at("05T09:00")
    assert standing.remaining(CAL) == timedelta(hours=6)  # 09:00–11:30 and 13:30–17:00
    # Requested after the due: late, and the clock shows by how much at the request.
    late = lateness.standing(DUE, [], [(at("06T09:00"), None)], None, at("20T09:00"), CAL)
    assert late.late and late.remaining(CAL) == -timedelta(hours=2)


def test_with_several_open_requests_the_earliest_judges():
    standing = lateness.standing(DUE, [(at("06T09:00"), None)], [(at("05T08:00"), None)], None, at("20T09:00"), CAL)
    assert standing.judged_at == at("05T08:00") and not standing.late


def test_a_fee_wait_completed_after_t_is_still_open_at_t():
    waiting = [(at("05T09:00"), at("10T09:00"))]
    assert not lateness.is_late(DUE, [], waiting, None, at("07T09:00"), CAL)
    # Once completed, its working time moves the due: Wed 09:00 – Mon 09:00 is 24 working hours.
    assert lateness.standing(DUE, [], waiting, None, at("10T10:00"), CAL).effective_due == at("10T17:00")


def test_an_open_request_judges_even_a_dossier_that_has_ended_since():
    standing = lateness.standing(DUE, [], [(at("05T09:00"), None)], at("12T09:00"), at("20T09:00"), CAL)
    assert standing.ended and standing.paused and not standing.late


def test_two_supplement_requests_are_late_however_early():
    twice = [(at("03T09:00"), at("03T10:00")), (at("03T13:30"), at("03T14:00"))]
    standing = lateness.standing(at("20T17:00"), twice, [], at("04T09:00"), at("20T09:00"), CAL)
    assert standing.late and standing.repeated_supplements and standing.remaining(CAL) > timedelta(0)


def test_ending_exactly_at_the_effective_due_is_on_time():
    supplement = [(at("04T09:00"), at("04T11:00"))]
    assert not lateness.is_late(DUE, supplement, [], at("06T09:00"), at("20T09:00"), CAL)
    assert lateness.is_late(DUE, supplement, [], at("06T09:00") + timedelta(microseconds=1), at("20T09:00"), CAL)


def test_overlapping_pauses_count_once():
    assert lateness.pause([(at("04T07:00"), at("04T17:00"))], [(at("04T13:30"), at("05T11:30"))],
                          at("20T09:00"), CAL) == timedelta(hours=12, minutes=30)
