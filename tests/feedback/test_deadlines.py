"""Deadlines on the unit's working days (weekends, holidays, closures), and the page's "late" agreeing with
the index's indicator 4.1 item by item."""

import random
from datetime import date, datetime, timedelta

import pytest

from motcua.feedback import deadlines as dl
from motcua.feedback.constants import Status
from motcua.feedback.models import Feedback
from motcua.indicators import records, semantics
from motcua.lib.workingtime import LOCAL_TZ, WorkingCalendar
from motcua.office.clock import DONE, DUE_SOON, IN_TIME, OVERDUE
from motcua.office.feedback_clock import urgency_of
from motcua.units.calendars import CalendarBook
from motcua.units.models import CalendarException

CAL = WorkingCalendar()


def at(text):
    return datetime.fromisoformat(text)


def item(received, status="", answered=None, refused=None, published=None):
    return Feedback(code="PA-1", received_at=at(received), status=status,
                    answered_at=at(answered) if answered else None, refused_at=at(refused) if refused else None,
                    published_at=at(published) if published else None)


def test_the_rules_numbers_are_the_indexs():
    assert (dl.REFUSE_DAYS, dl.ANSWER_DAYS) == (semantics.FEEDBACK_REFUSE_DAYS, semantics.FEEDBACK_ANSWER_DAYS)
    assert (dl.FIRST_INFO_REQUEST_DAYS, dl.PUBLISH_DAYS) == (5, 2)


def test_deadlines_count_working_days_after_the_day_of_receipt():
    found = dl.deadlines(item("2025-11-05T16:59:00+07:00"), CAL)  # a Wednesday, late in the afternoon
    assert found.refuse_by == date(2025, 11, 7)  # Thursday, Friday
    assert found.first_info_request_by == date(2025, 11, 12)  # the weekend skipped
    assert found.answer_by == date(2025, 11, 26)
    assert found.publish_by is None


def test_a_receipt_on_a_saturday_counts_from_monday():
    assert dl.deadlines(item("2025-11-08T10:00:00+07:00"), CAL).refuse_by == date(2025, 11, 11)


def test_national_holidays_are_skipped():
    # 2/9/2025 (National Day) and 1/9/2025 (its bridge day) are holidays in holidays.VN.
    found = dl.deadlines(item("2025-08-29T09:00:00+07:00"), CAL)
    assert not CAL.is_working_day(date(2025, 9, 2))
    assert found.refuse_by == CAL.add_working_days(date(2025, 8, 29), 2)
    assert found.refuse_by >= date(2025, 9, 3)


def test_a_timestamp_written_in_utc_is_read_on_its_local_date():
    # 2025-11-04T18:30Z is 01:30 on Wednesday 5/11 in Vietnam.
    assert dl.deadlines(item("2025-11-04T18:30:00+00:00"), CAL).refuse_by == date(2025, 11, 7)


def test_a_units_closure_moves_its_deadlines(world):
    CalendarException.objects.create(unit=world.commune_a, date=date(2025, 11, 10),
                                     kind=CalendarException.Kind.CLOSURE)
    book = CalendarBook()
    received = item("2025-11-07T09:00:00+07:00")
    assert dl.deadlines(received, book.for_unit(world.commune_a.code)).refuse_by == date(2025, 11, 12)
    assert dl.deadlines(received, book.for_unit(world.commune_b.code)).refuse_by == date(2025, 11, 11)


def test_publication_is_due_two_working_days_after_the_answer():
    answered = item("2025-11-05T09:00:00+07:00", Status.ANSWERED, answered="2025-11-07T15:00:00+07:00")
    assert dl.deadlines(answered, CAL).publish_by == date(2025, 11, 11)
    now = at("2025-11-12T08:00:00+07:00")
    found = dl.standing(answered, CAL, now)
    assert (found.step, found.due, found.days_left, found.late) == (dl.PUBLISH, date(2025, 11, 11), -1, False)
    assert urgency_of(found) == OVERDUE


@pytest.mark.parametrize(("now", "left", "urgency"), [
    ("2025-11-24T09:00:00+07:00", 2, IN_TIME),  # Monday; due Wednesday 26/11
    ("2025-11-25T09:00:00+07:00", 1, DUE_SOON),
    ("2025-11-26T16:59:00+07:00", 0, DUE_SOON),
    ("2025-11-27T07:00:00+07:00", -1, OVERDUE),
    ("2025-12-01T07:00:00+07:00", -3, OVERDUE),  # Thu 27, Fri 28, Mon 1: three working days past
])
def test_an_open_item_is_coloured_by_the_days_left_to_answer(now, left, urgency):
    found = dl.standing(item("2025-11-05T09:00:00+07:00", Status.RECEIVED), CAL, at(now))
    assert (found.step, found.days_left, urgency_of(found)) == (dl.ANSWER, left, urgency)
    assert found.late == (left < 0)


def test_handled_items_are_done():
    refused = item("2025-11-05T09:00:00+07:00", Status.REFUSED, refused="2025-11-10T09:00:00+07:00")
    found = dl.standing(refused, CAL, at("2025-11-20T09:00:00+07:00"))
    assert urgency_of(found) == DONE
    assert found.late  # refused on the third working day: late for 4.1, and never rescued by the 15 days


def _random_item(rng):
    received = datetime(2025, 10, 1, 6, 0, tzinfo=LOCAL_TZ) + timedelta(minutes=rng.randrange(0, 60 * 24 * 40))
    answered = refused = published = None
    outcome = rng.choice(["open", "answered", "refused", "published"])
    if outcome in ("answered", "published"):
        answered = received + timedelta(hours=rng.randrange(1, 24 * 30))
        if outcome == "published":
            published = answered + timedelta(hours=rng.randrange(1, 24 * 6))
    elif outcome == "refused":
        refused = received + timedelta(hours=rng.randrange(1, 24 * 8))
    return Feedback(code="PA", received_at=received, answered_at=answered, refused_at=refused,
                    published_at=published)


def test_the_pages_late_is_the_indexs_4_1_item_by_item():
    """The same item judged by the back office and by the index's 4.1 at the same moment, 3,000 times,
    times chosen around the deadlines (UTC offsets included)."""
    rng = random.Random(766)
    for _ in range(3000):
        fb = _random_item(rng)
        t = (fb.received_at + timedelta(hours=rng.randrange(0, 24 * 35))).astimezone(
            rng.choice([LOCAL_TZ, datetime.now().astimezone().tzinfo]))
        record = records.Feedback(code="PA", unit="x", received_at=fb.received_at, refused_at=fb.refused_at,
                                  answered_at=fb.answered_at, published_at=fb.published_at, rating=None,
                                  raised_again=False)
        on_time = semantics.feedback_on_time(record, t, CAL)
        found = dl.standing(fb, CAL, t)
        assert found.late == (not on_time), (fb.received_at, fb.answered_at, fb.refused_at, t)
        if fb.answered_at is None and fb.refused_at is None:
            # open at t: the queue's "overdue" is 4.1's "late"
            assert found.overdue == (not on_time)
