"""Reporting periods (kỳ báo cáo) that end on a chosen date, and the period to compare them with.

A period is a pair of local dates `(date_from, date_to)`, both included, as the index takes it. Lengths:

- `week`: the 7 days ending on the date (D−6 … D); compared with the week ending 7 days earlier;
- `month`, `quarter`, `year`: 1, 3 or 12 months ending on the date (from the day after the same date one
  length earlier); compared with the period ending one length earlier;
- `year_to_date`: from 1 January of the date's year to the date, the cumulative reading of the national
  portal; compared with the same reading 7 days earlier (the weekly report's comparison);
- `range`: any `date_from` … `date_to`; compared with the range of the same number of days just before it.

`Period` is the index's period: the local dates [date_from, date_to] with the evaluation moment t (the
earlier of now and `date_to` 23:59:59.999999 local) and the instants that bound it.

Pure functions over dates, no web imports.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from motcua.lib.workingtime import LOCAL_TZ

WEEK = "week"
MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
YEAR_TO_DATE = "year_to_date"
RANGE = "range"
LENGTHS = (WEEK, MONTH, QUARTER, YEAR, YEAR_TO_DATE, RANGE)

_MONTHS = {MONTH: 1, QUARTER: 3, YEAR: 12}

DateRange = tuple[date, date]  # (date_from, date_to), both included


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def period_ending(end: date, length: str, start: date | None = None) -> DateRange:
    """The period of `length` that ends on `end` (`start` is required for `range`, ignored otherwise)."""
    if length == WEEK:
        return end - timedelta(days=6), end
    if length in _MONTHS:
        return add_months(end, -_MONTHS[length]) + timedelta(days=1), end
    if length == YEAR_TO_DATE:
        return date(end.year, 1, 1), end
    if length == RANGE:
        if start is None:
            raise ValueError("a range needs its first date")
        if start > end:
            raise ValueError(f"the range starts {start} after it ends {end}")
        return start, end
    raise ValueError(f"unknown period length {length!r}; known: {', '.join(LENGTHS)}")


def default_previous_end(end: date, length: str, start: date | None = None) -> date:
    """Where the comparison period ends unless the user chooses: one period length earlier."""
    if length in (WEEK, YEAR_TO_DATE):
        return end - timedelta(days=7)
    if length in _MONTHS:
        return add_months(end, -_MONTHS[length])
    if length == RANGE:
        if start is None:
            raise ValueError("a range needs its first date")
        return start - timedelta(days=1)
    raise ValueError(f"unknown period length {length!r}; known: {', '.join(LENGTHS)}")


def comparison(end: date, length: str, start: date | None = None,
               previous_end: date | None = None) -> tuple[DateRange, DateRange]:
    """(current, previous): the period ending on `end` and the one of the same length ending on
    `previous_end` (by default one length earlier). A range keeps its number of days."""
    current = period_ending(end, length, start)
    if previous_end is None:
        previous_end = default_previous_end(end, length, start)
    if length == RANGE:
        return current, (previous_end - (current[1] - current[0]), previous_end)
    return current, period_ending(previous_end, length)


# -- the dates a user may ask for (every page, API, report and command that takes a period) ------------

# Years 2000–2100 hold every dossier this system will count (one-stop shops began in 2003); one period
# spans at most MAX_YEARS years, so a comparison period one length earlier stays a valid date and one
# request never reads a century. docs/decisions.md, 2026-11-25.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
MAX_YEARS = 10


class PeriodOutOfRange(ValueError):
    """A date or period outside what may be asked, with a Vietnamese message naming the parameter."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter, self.message = parameter, message


def _vn(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"  # strftime writes year 1 as "1"


def check_day(day: date | None, parameter: str) -> date | None:
    """`day` if it is between EARLIEST and LATEST (None passes: the caller's default applies)."""
    if day is not None and not EARLIEST <= day <= LATEST:
        raise PeriodOutOfRange(parameter, f"Tham số “{parameter}”: ngày {_vn(day)} nằm ngoài khoảng cho phép "
                                          f"{_vn(EARLIEST)} – {_vn(LATEST)}.")
    return day


def check_period(date_from: date, date_to: date, from_parameter: str = "from",
                 to_parameter: str = "to") -> DateRange:
    """(date_from, date_to) if both days may be asked, in order, at most MAX_YEARS years apart."""
    check_day(date_from, from_parameter)
    check_day(date_to, to_parameter)
    if date_from > date_to:
        raise PeriodOutOfRange(to_parameter, f"Tham số “{to_parameter}” ({_vn(date_to)}) không được trước "
                                             f"“{from_parameter}” ({_vn(date_from)}).")
    if date_from < add_months(date_to, -12 * MAX_YEARS):
        raise PeriodOutOfRange(from_parameter, f"Tham số “{from_parameter}”: một kỳ dài tối đa {MAX_YEARS} năm "
                                               f"({_vn(date_from)} – {_vn(date_to)} dài hơn).")
    return date_from, date_to


def check_form_days(form, data: dict, names) -> bool:
    """For a Django form's `clean`: add the error of each date field outside EARLIEST…LATEST (through
    `form.add_error`); True when every one may be asked."""
    valid = True
    for name in names:
        try:
            check_day(data.get(name), name)
        except PeriodOutOfRange as problem:
            form.add_error(name, problem.message)
            valid = False
    return valid


def check_form_period(form, start: date, end: date, from_name: str = "tu_ngay", to_name: str = "den_ngay") -> bool:
    """For a Django form's `clean`: add the error of a period that may not be asked; True when it may."""
    try:
        check_period(start, end, from_name, to_name)
    except PeriodOutOfRange as problem:
        form.add_error(problem.parameter, problem.message)
        return False
    return True


# -- the index's period: local dates and the evaluation moment (interchange.md "Conventions") ----------


def local_date(at: datetime) -> date:
    """The date of `at` in Asia/Ho_Chi_Minh, whatever offset it is written with."""
    _require_aware(at)
    return at.astimezone(LOCAL_TZ).date()


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        # A naive timestamp has no instant: guessing local time would move it across a period boundary.
        raise ValueError(f"naive datetime {at.isoformat()} has no time zone")


def evaluation_moment(date_to: date, now: datetime | None = None) -> datetime:
    """t = the earlier of now and `date_to` 23:59:59.999999 local, in local time."""
    end_of_to = datetime.combine(date_to, time(23, 59, 59, 999999), LOCAL_TZ)
    if now is None:
        now = datetime.now(LOCAL_TZ)
    _require_aware(now)
    return min(now, end_of_to).astimezone(LOCAL_TZ)


@dataclass(frozen=True)
class Period:
    """A period [date_from, date_to] of local dates and its evaluation moment `t`."""

    date_from: date
    date_to: date
    t: datetime
    start: datetime  # date_from 00:00 local
    end: datetime  # the day after date_to, 00:00 local (exclusive)

    @classmethod
    def of(cls, date_from: date, date_to: date, now: datetime | None = None) -> Period:
        if date_from > date_to:
            raise ValueError(f"period starts {date_from} after it ends {date_to}")
        return cls(
            date_from=date_from,
            date_to=date_to,
            t=evaluation_moment(date_to, now),
            start=datetime.combine(date_from, time(0), LOCAL_TZ),
            end=datetime.combine(date_to + timedelta(days=1), time(0), LOCAL_TZ),
        )

    @property
    def t_date(self) -> date:
        """The local date of t: a catalog date after it has not happened yet."""
        return self.t.date()

    def happened_in(self, at: datetime | None) -> bool:
        """`at` is set, its local date is in the period, and it is at or before t."""
        return at is not None and self.start <= at <= self.t and at < self.end

    def contains_date(self, day: date | None) -> bool:
        """A catalog date in the period and not after t's local date."""
        return day is not None and self.date_from <= day <= self.date_to and day <= self.t_date
