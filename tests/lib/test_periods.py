"""Reporting periods ending on a date, and the period they are compared with."""

from datetime import date

import pytest

from motcua.lib import periods


@pytest.mark.parametrize("length, expected", [
    (periods.WEEK, (date(2025, 9, 23), date(2025, 9, 29))),
    (periods.MONTH, (date(2025, 8, 30), date(2025, 9, 29))),
    (periods.QUARTER, (date(2025, 6, 30), date(2025, 9, 29))),
    (periods.YEAR, (date(2024, 9, 30), date(2025, 9, 29))),
    (periods.YEAR_TO_DATE, (date(2025, 1, 1), date(2025, 9, 29))),
])
def test_a_period_ends_on_the_chosen_date(length, expected):
    assert periods.period_ending(date(2025, 9, 29), length) == expected


def test_months_are_clamped_to_the_last_day():
    assert periods.add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert periods.add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert periods.add_months(date(2025, 1, 15), -3) == date(2024, 10, 15)
    assert periods.period_ending(date(2025, 3, 31), periods.MONTH) == (date(2025, 3, 1), date(2025, 3, 31))


def test_the_default_comparison_is_one_period_earlier():
    end = date(2025, 9, 29)
    assert periods.comparison(end, periods.WEEK) == ((date(2025, 9, 23), end),
                                                     (date(2025, 9, 16), date(2025, 9, 22)))
    assert periods.comparison(end, periods.MONTH)[1] == (date(2025, 7, 30), date(2025, 8, 29))
    # The portal's cumulative score a week earlier.
    assert periods.comparison(end, periods.YEAR_TO_DATE)[1] == (date(2025, 1, 1), date(2025, 9, 22))
    # A range is compared with the range of as many days just before it.
    assert periods.comparison(end, periods.RANGE, start=date(2025, 9, 20)) == (
        (date(2025, 9, 20), end), (date(2025, 9, 10), date(2025, 9, 19)))


def test_a_chosen_comparison_date_keeps_the_length():
    current, previous = periods.comparison(date(2025, 9, 29), periods.WEEK, previous_end=date(2025, 9, 1))
    assert previous == (date(2025, 8, 26), date(2025, 9, 1))
    _, previous = periods.comparison(date(2025, 9, 29), periods.RANGE, date(2025, 9, 27), date(2025, 9, 1))
    assert previous == (date(2025, 8, 30), date(2025, 9, 1))


def test_bad_periods_are_refused():
    with pytest.raises(ValueError):
        periods.period_ending(date(2025, 9, 29), periods.RANGE)
    with pytest.raises(ValueError):
        periods.period_ending(date(2025, 9, 29), periods.RANGE, start=date(2025, 9, 30))
    with pytest.raises(ValueError):
        periods.period_ending(date(2025, 9, 29), "fortnight")
