"""Reporting periods (kỳ báo cáo) that end on a chosen date, and the period to compare them with.

A period is a pair of local dates `(date_from, date_to)`, both included, as the index takes it. Lengths:

- `week`: the 7 days ending on the date (D−6 … D); compared with the week ending 7 days earlier;
- `month`, `quarter`, `year`: 1, 3 or 12 months ending on the date (from the day after the same date one
  length earlier); compared with the period ending one length earlier;
- `year_to_date`: from 1 January of the date's year to the date, the cumulative reading of the national
  portal; compared with the same reading 7 days earlier (the weekly report's comparison);
- `range`: any `date_from` … `date_to`; compared with the range of the same number of days just before it.

Pure functions over dates, no web imports.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

WEEK = "week"
MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
YEAR_TO_DATE = "year_to_date"
RANGE = "range"
LENGTHS = (WEEK, MONTH, QUARTER, YEAR, YEAR_TO_DATE, RANGE)

_MONTHS = {MONTH: 1, QUARTER: 3, YEAR: 12}

Period = tuple[date, date]


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def period_ending(end: date, length: str, start: date | None = None) -> Period:
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
               previous_end: date | None = None) -> tuple[Period, Period]:
    """(current, previous): the period ending on `end` and the one of the same length ending on
    `previous_end` (by default one length earlier). A range keeps its number of days."""
    current = period_ending(end, length, start)
    if previous_end is None:
        previous_end = default_previous_end(end, length, start)
    if length == RANGE:
        return current, (previous_end - (current[1] - current[0]), previous_end)
    return current, period_ending(previous_end, length)
