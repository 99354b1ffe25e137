"""A task's status, derived, never stored: the one definition of a late plan task.

- done: the lead unit reports 100%;
- late: not done and its deadline has passed — a one-off task after its date (the whole day of the deadline
  counts); a monthly task ("hằng tháng trước ngày N") when day N has come with no update since day N of the
  month before (a monthly task is never done, only kept up); an ongoing task ("thường xuyên") is never late;
- in progress: some progress reported (an update in the current cycle for a monthly task);
- not started: nothing reported.

A task with several lead units (the plan's "Các sở, ban, ngành; UBND các xã, phường") has one status per
unit (`unit_status`) and an overall one (`overall_status`): done when every lead unit is done, otherwise
late when any unit is late, otherwise in progress when any unit has reported, otherwise not started.

Pure functions over dates, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from motcua.lib.periods import add_months

NOT_STARTED, IN_PROGRESS, DONE, LATE = "not_started", "in_progress", "done", "late"
LABELS = {NOT_STARTED: _("Chưa thực hiện"), IN_PROGRESS: _("Đang thực hiện"), DONE: _("Hoàn thành"),
          LATE: _("Chậm tiến độ")}
# Background and text colours (contrast ≥ 4.5:1 on both), the queue's palette.
COLOURS = {NOT_STARTED: ("#e5e7eb", "#111827"), IN_PROGRESS: ("#cfe2ff", "#052c65"), DONE: ("#d1e7dd", "#0a3622"),
           LATE: ("#f8d7da", "#58151c")}
ORDER = {LATE: 0, IN_PROGRESS: 1, NOT_STARTED: 2, DONE: 3}


@dataclass(frozen=True)
class Deadline:
    on: date | None = None  # a one-off task's last day
    monthly_day: int | None = None  # "hằng tháng trước ngày N": late from day N of each month
    ongoing: bool = False  # "thường xuyên"


def last_monthly_due(day_of_month: int, today: date) -> date:
    """The latest day N of a month that is not after `today` (the moment a monthly cycle's report is late)."""
    this_month = date(today.year, today.month, day_of_month)
    return this_month if this_month <= today else add_months(this_month, -1)


def unit_status(deadline: Deadline, percent: int | None, last_update: date | None, today: date) -> str:
    """The status of one lead unit's part of a task. `percent` and `last_update` are those of its latest update
    (None when it has posted none)."""
    if deadline.monthly_day:
        # Each cycle ends on day N; the unit must have reported within the cycle that ended last.
        due = last_monthly_due(deadline.monthly_day, today)
        reported = last_update is not None and last_update >= add_months(due, -1)
        return IN_PROGRESS if reported else LATE
    if percent is not None and percent >= 100:
        return DONE
    if deadline.on is not None and not deadline.ongoing and today > deadline.on:
        return LATE
    if percent is not None:
        return IN_PROGRESS
    return NOT_STARTED


def overall_status(statuses: list[str]) -> str:
    if not statuses:
        return NOT_STARTED
    if all(s == DONE for s in statuses):
        return DONE
    if LATE in statuses:
        return LATE
    if any(s in (IN_PROGRESS, DONE) for s in statuses):
        return IN_PROGRESS
    return NOT_STARTED
