"""The deadlines of a feedback item (rules.md, "Feedback and complaints") and where it stands.

Every deadline is a whole-day rule of interchange.md ("Whole-day rules"): "X <= Y + n working days" means
X's local date <= the n-th working day after Y's local date, Y's own date never counted, on the working
calendar of the unit that handles the item (`CalendarBook.for_unit`). The index's indicator 4.1
(`motcua.indicators.semantics.feedback_on_time`) reads the same rule; `handled_on_time` below is its
reading for one item and `tests/feedback/test_deadlines.py` checks the two agree item by item.

A transfer to another unit does not restart anything: every deadline counts from the first receipt
(`received_at`), so a citizen never waits longer because the first unit was not the competent one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from motcua.feedback.constants import Status
from motcua.lib.periods import local_date

REFUSE_DAYS = 2  # refuse to handle it
FIRST_INFO_REQUEST_DAYS = 5  # ask the submitter for more information (the first time)
ANSWER_DAYS = 15  # answered, ready for publication
PUBLISH_DAYS = 2  # published, counted from the answer

# What is due next, by status; the work queue orders and colours by it.
ANSWER, PUBLISH = "answer", "publish"


def _day(x: datetime | date) -> date:
    return local_date(x) if isinstance(x, datetime) else x


def within(x: datetime | date, y: datetime | date, n: int, calendar) -> bool:
    """"X <= Y + n working days" by the whole-day rule."""
    return _day(x) <= calendar.add_working_days(_day(y), n)


@dataclass(frozen=True)
class Deadlines:
    """The last day (local date, inclusive) for each step."""

    refuse_by: date
    first_info_request_by: date
    answer_by: date
    publish_by: date | None  # once answered


def deadlines(feedback, calendar) -> Deadlines:
    received = local_date(feedback.received_at)
    answered = feedback.answered_at
    return Deadlines(
        refuse_by=calendar.add_working_days(received, REFUSE_DAYS),
        first_info_request_by=calendar.add_working_days(received, FIRST_INFO_REQUEST_DAYS),
        answer_by=calendar.add_working_days(received, ANSWER_DAYS),
        publish_by=calendar.add_working_days(local_date(answered), PUBLISH_DAYS) if answered else None)


def handled_on_time(feedback, t: datetime, calendar) -> bool:
    """Indicator 4.1 for one item at t: answered <= received + 15, or refused <= received + 2 working days,
    or neither by t and t still within 15 working days of receipt. A late refusal stays late."""
    answered = feedback.answered_at if feedback.answered_at is not None and feedback.answered_at <= t else None
    refused = feedback.refused_at if feedback.refused_at is not None and feedback.refused_at <= t else None
    if answered is not None and within(answered, feedback.received_at, ANSWER_DAYS, calendar):
        return True
    if refused is not None and within(refused, feedback.received_at, REFUSE_DAYS, calendar):
        return True
    if answered is None and refused is None:
        return within(t, feedback.received_at, ANSWER_DAYS, calendar)
    return False


@dataclass(frozen=True)
class Standing:
    """Where an item stands at t: the step due next (None when nothing is), its last day, the working days
    left until it (0 = today, negative = that many working days past), and 4.1's verdict."""

    deadlines: Deadlines
    step: str | None
    due: date | None
    days_left: int | None
    late: bool  # not handled on time by indicator 4.1

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def working_days_left(today: date, due: date, calendar) -> int:
    """Working days after `today` up to `due` (0 when due today); negative when `due` is past."""
    if today <= due:
        n = 0
        while calendar.add_working_days(today, n + 1) <= due:
            n += 1
        return n
    n = 0
    while calendar.add_working_days(today, -(n + 1)) >= due:
        n += 1
    return -max(n, 1)


def standing(feedback, calendar, t: datetime) -> Standing:
    found = deadlines(feedback, calendar)
    status = feedback.current_status
    if status in (Status.RECEIVED, Status.INFO_REQUESTED):
        step, due = ANSWER, found.answer_by
    elif status == Status.ANSWERED:
        step, due = PUBLISH, found.publish_by
    else:
        step, due = None, None
    left = working_days_left(local_date(t), due, calendar) if due is not None else None
    return Standing(found, step, due, left, not handled_on_time(feedback, t, calendar))
