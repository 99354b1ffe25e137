"""The per-dossier and per-feedback semantics of interchange.md, one convention per test.

Calendar facts used (October 2025, no holiday; sessions 07:00-11:30 and 13:30-17:00):
Friday 10 October 17:00 + 8 working hours = Monday 13 October 17:00.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from motcua.indicators import semantics
from motcua.lib.periods import Period
from motcua.lib.workingtime import WorkingCalendar

from .builders import TZ, at, dossier, feedback

CAL = WorkingCalendar()
LATE_OCTOBER = at(31, 23)  # an evaluation moment long after everything below


# -- periods and local dates --------------------------------------------------------------------------


def test_t_is_the_end_of_the_last_local_day_or_now_if_earlier():
    period = Period.of(date(2025, 10, 6), date(2025, 10, 12), now=at(20))
    assert period.t == datetime(2025, 10, 12, 23, 59, 59, 999999, tzinfo=TZ)
    assert period.t.isoformat() == "2025-10-12T23:59:59.999999+07:00"
    assert Period.of(date(2025, 10, 6), date(2025, 10, 12), now=at(8, 10)).t == at(8, 10)


def test_now_given_in_utc_is_shown_in_local_time():
    period = Period.of(date(2025, 10, 6), date(2025, 10, 12), now=datetime(2025, 10, 8, 3, 0, tzinfo=UTC))
    assert period.t.isoformat() == "2025-10-08T10:00:00+07:00"


def test_period_membership_uses_the_local_date_whatever_the_offset():
    period = Period.of(date(2025, 10, 6), date(2025, 10, 12), now=at(20))
    # 5 October 18:30 UTC is 6 October 01:30 in Hanoi: in the period.
    assert semantics.received_in(dossier("A", received=datetime(2025, 10, 5, 18, 30, tzinfo=UTC)), period)
    # 12 October 17:30 UTC is 13 October 00:30 in Hanoi: after the period.
    assert not semantics.received_in(dossier("B", received=datetime(2025, 10, 12, 17, 30, tzinfo=UTC)),
                                     period)
    # 6 October 06:59 at +07:00 is in; 5 October 23:59 at +07:00 is not.
    assert semantics.received_in(dossier("C", received=at(6, 6, 59)), period)
    assert not semantics.received_in(dossier("D", received=at(5, 23, 59)), period)


def test_received_after_t_is_not_received_yet():
    period = Period.of(date(2025, 10, 6), date(2025, 10, 12), now=at(8, 12))
    assert semantics.received_in(dossier("A", received=at(8, 11, 59)), period)
    assert not semantics.received_in(dossier("B", received=at(8, 12, 1)), period)


def test_under_processing_is_carried_over_plus_newly_received():
    period = Period.of(date(2025, 10, 13), date(2025, 10, 19), now=at(31))
    carried = dossier("A", received=at(8), resolved_at=at(14, 10))  # received before, ended in the period
    open_still = dossier("B", received=at(1))  # received before, not ended at all
    ended_before = dossier("C", received=at(8), resolved_at=at(10, 16))  # ended before the period's start
    ended_at_start = dossier("D", received=at(8), resolved_at=at(13, 0))  # ended exactly at the start
    new = dossier("E", received=at(15))
    after = dossier("F", received=at(20))
    assert semantics.under_processing_in(carried, period)
    assert semantics.under_processing_in(open_still, period)
    assert not semantics.under_processing_in(ended_before, period)
    assert semantics.under_processing_in(ended_at_start, period)
    assert semantics.under_processing_in(new, period)
    assert not semantics.under_processing_in(after, period)


def test_an_end_after_t_has_not_happened_for_the_carried_over_population():
    # t is before the period starts (now = 10 October): the end on 11 October has not happened yet.
    period = Period.of(date(2025, 10, 13), date(2025, 10, 19), now=at(10, 12))
    assert semantics.under_processing_in(dossier("A", received=at(8), resolved_at=at(11)), period)


# -- end and lateness ---------------------------------------------------------------------------------


def test_end_is_the_earliest_of_resolved_returned_and_ended():
    assert semantics.end(dossier("A")) is None
    assert semantics.end(dossier("B", resolved_at=at(9), returned_at=at(10))) == at(9)
    assert semantics.end(dossier("C", ended="withdrawn", ended_at=at(7))) == at(7)
    assert semantics.end_by(dossier("D", resolved_at=at(9)), at(8)) is None


def test_resolved_by_the_due_time_is_on_time_and_after_it_late():
    due = at(10, 17)
    assert not semantics.is_late(dossier("A", due=due, resolved_at=at(10, 16, 59)), LATE_OCTOBER, CAL)
    assert semantics.is_late(dossier("B", due=due, resolved_at=at(13, 7, 1)), LATE_OCTOBER, CAL)


def test_ending_exactly_at_the_effective_due_is_on_time():
    due = at(10, 17)
    assert not semantics.is_late(dossier("A", due=due, resolved_at=due), LATE_OCTOBER, CAL)
    assert semantics.is_late(dossier("B", due=due, resolved_at=due + timedelta(microseconds=1)), LATE_OCTOBER, CAL)


def test_in_progress_is_overdue_only_when_t_is_after_the_effective_due():
    d = dossier("A", due=at(10, 17))
    assert not semantics.is_late(d, at(10, 17), CAL)
    assert semantics.is_late(d, at(10, 17) + timedelta(microseconds=1), CAL)


def test_two_supplement_requests_make_a_dossier_late_even_if_resolved_early():
    d = dossier("A", due=at(10, 17), supplements=((at(7, 9), at(7, 10)), (at(8, 9), at(8, 10))),
                resolved_at=at(8, 15))
    assert semantics.is_late(d, LATE_OCTOBER, CAL)


def test_only_requests_made_by_t_count_towards_two():
    # The second request comes after t: at t the dossier has one completed supplement and is in time.
    d = dossier("A", due=at(10, 17), supplements=((at(7, 9), at(7, 10)), (at(9, 9), None)))
    assert not semantics.is_late(d, at(8, 12), CAL)
    assert semantics.is_late(d, at(9, 12), CAL)


def test_a_completed_supplement_moves_the_due_time_by_its_working_time():
    # Requested Tuesday 7 October 09:00, completed Wednesday 8 October 09:00:
    # 2.5 h + 3.5 h on the 7th and 2 h on the 8th = 8 working hours; the night does not count.
    d = dossier("A", due=at(10, 17), supplements=((at(7, 9), at(8, 9)),))
    assert semantics.pause(d, LATE_OCTOBER, CAL) == timedelta(hours=8)
    # Friday 10 October 17:00 + 8 working hours = Monday 13 October 17:00.
    assert semantics.standing(d, LATE_OCTOBER, CAL).effective_due == at(13, 17)
    # Resolved on Monday 13 October at 16:00 or exactly at 17:00: on time (late without the pause).
    assert not semantics.is_late(replace(d, resolved_at=at(13, 16)), LATE_OCTOBER, CAL)
    assert not semantics.is_late(replace(d, resolved_at=at(13, 17)), LATE_OCTOBER, CAL)
    assert semantics.is_late(replace(d, resolved_at=at(14, 7, 30)), LATE_OCTOBER, CAL)


def test_a_completed_fee_wait_pauses_the_clock_too():
    # Fee wait Friday 10 October 13:30 to 15:30: 2 working hours; due 17:00 becomes Monday 09:00.
    d = dossier("A", due=at(10, 17), fee_waits=((at(10, 13, 30), at(10, 15, 30)),), resolved_at=at(13, 8, 30))
    assert semantics.standing(d, LATE_OCTOBER, CAL).effective_due == at(13, 9)
    assert not semantics.is_late(d, LATE_OCTOBER, CAL)


def test_overlapping_waits_pause_their_union_once():
    # Supplement 09:00-11:00 and fee wait 10:00-11:30 on Tuesday 7 October: 2.5 working hours, not 3.5.
    d = dossier("A", supplements=((at(7, 9), at(7, 11)),), fee_waits=((at(7, 10), at(7, 11, 30)),))
    assert semantics.pause(d, LATE_OCTOBER, CAL) == timedelta(hours=2, minutes=30)


def test_a_supplement_completed_after_t_does_not_pause_at_t():
    d = dossier("A", due=at(10, 17), supplements=((at(7, 9), at(8, 9)),))
    assert semantics.pause(d, at(8, 8), CAL) == timedelta(0)
    assert semantics.standing(d, at(8, 8), CAL).effective_due == at(10, 17)


def test_an_open_supplement_judges_the_dossier_at_the_request_time():
    # Requested Wednesday 8 October (before the due time), never completed: on time at any later t,
    # although t is long after the due time.
    d = dossier("A", due=at(10, 17), supplements=((at(8, 9), None),))
    assert not semantics.is_late(d, LATE_OCTOBER, CAL)
    # Requested after the due time: late.
    assert semantics.is_late(dossier("B", due=at(10, 17), supplements=((at(13, 9), None),)), LATE_OCTOBER, CAL)


def test_an_open_supplement_judges_at_the_request_even_if_the_dossier_has_ended_since():
    # Stopped on 20 October (after the due time) while the supplement was still open: on time.
    d = dossier("A", due=at(10, 17), supplements=((at(8, 9), None),), ended="stopped", ended_at=at(20, 9))
    assert not semantics.is_late(d, LATE_OCTOBER, CAL)
    # A supplement completed after t is still open at t.
    d = dossier("B", due=at(10, 17), supplements=((at(8, 9), at(25, 9)),), resolved_at=at(27, 9))
    assert not semantics.is_late(d, at(24, 9), CAL)


def test_events_after_t_are_ignored():
    # Resolved Monday 13 October, after the due time. At t = Friday 10 October 16:00 it is still in time;
    # at t = Friday 23:00 it is overdue (the resolution has not happened yet); later it is late.
    d = dossier("A", due=at(10, 17), resolved_at=at(13, 9))
    assert not semantics.is_late(d, at(10, 16), CAL)
    assert semantics.is_late(d, at(10, 23), CAL)
    assert semantics.is_late(d, LATE_OCTOBER, CAL)


def test_refused_means_ended_refused_whatever_the_times():
    assert semantics.is_refused(dossier("A", ended="refused", ended_at=at(6, 8)))
    assert not semantics.is_refused(dossier("B", ended="withdrawn", ended_at=at(6, 8)))


def test_processing_time_deducts_the_pause():
    # Received Monday 6 October 08:00, resolved Wednesday 8 October 08:00 = 16 working hours,
    # minus a 2-hour supplement on Tuesday = 14 hours.
    d = dossier("A", received=at(6, 8), supplements=((at(7, 8), at(7, 10)),), resolved_at=at(8, 8))
    assert semantics.processing_time(d, LATE_OCTOBER, CAL) == timedelta(hours=14)


# -- whole-day rules and feedback -----------------------------------------------------------------------


def test_whole_day_rule_counts_working_days_after_the_date():
    # The 2nd working day after Monday 6 October is Wednesday 8 October; the 6th itself never counts.
    assert semantics.within_working_days(at(8, 16, 59), at(6, 23), 2, CAL)
    assert not semantics.within_working_days(at(9, 7), at(6, 8), 2, CAL)
    # 5 working days before Wednesday 15 October is Wednesday 8 October.
    assert semantics.within_working_days(date(2025, 10, 8), date(2025, 10, 15), -5, CAL)
    assert not semantics.within_working_days(date(2025, 10, 9), date(2025, 10, 15), -5, CAL)


def test_whole_day_rule_skips_the_national_day_holidays():
    # Friday 29 August 2025 + 2 working days: Monday 1 and Tuesday 2 September are holidays,
    # so the 2nd working day is Thursday 4 September.
    assert CAL.add_working_days(date(2025, 8, 29), 2) == date(2025, 9, 4)
    assert semantics.within_working_days(date(2025, 9, 4), date(2025, 8, 29), 2, CAL)


RECEIVED = at(6, 10)  # Monday 6 October; +2 working days = 8 October, +15 working days = 27 October


@pytest.mark.parametrize("overrides, t, on_time", [
    ({"refused_at": at(8, 16)}, LATE_OCTOBER, True),  # refused within 2 working days
    ({"refused_at": at(9, 8)}, LATE_OCTOBER, False),  # refused on the 3rd working day
    ({"answered_at": at(27, 16, 59)}, LATE_OCTOBER, True),  # answered on the 15th working day
    ({"answered_at": at(28, 7)}, LATE_OCTOBER, False),  # answered on the 16th
    ({}, at(27, 23), True),  # not handled, still within 15 working days at t
    ({}, at(28, 7), False),  # not handled and past them
    ({"answered_at": at(28, 7)}, at(27, 23), True),  # the late answer has not happened at t: still within
    ({"refused_at": at(9, 8)}, at(8, 12), True),  # the late refusal has not happened at t
])
def test_feedback_on_time(overrides, t, on_time):
    item = feedback("F", "X1", RECEIVED, **overrides)
    assert semantics.feedback_on_time(item, t, CAL) is on_time


def test_feedback_population_leaves_out_items_handled_before_the_period():
    period = Period.of(date(2025, 10, 13), date(2025, 10, 19), now=LATE_OCTOBER)
    assert semantics.feedback_in_population(feedback("A", "X1", at(6), answered_at=at(14)), period)
    assert not semantics.feedback_in_population(feedback("B", "X1", at(6), answered_at=at(10)), period)
    assert not semantics.feedback_in_population(feedback("C", "X1", at(6), refused_at=at(7)), period)
    assert semantics.feedback_in_population(feedback("D", "X1", at(1)), period)
    assert not semantics.feedback_in_population(feedback("E", "X1", at(20)), period)
