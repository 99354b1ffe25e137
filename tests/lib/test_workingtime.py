"""Working time (thời gian làm việc): holidays, sessions, due times. Plain pytest, no Django."""

import random
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from motcua.lib.workingtime import (
    DEFAULT_SESSIONS,
    LOCAL_TZ,
    WorkingCalendar,
    compute_due,
    time_limit_amount,
)

H = timedelta(hours=1)
CAL = WorkingCalendar()


def local(y, mo, d, h=0, mi=0, s=0, us=0):
    return datetime(y, mo, d, h, mi, s, us, tzinfo=LOCAL_TZ)


# -- working days from holidays.VN --------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2025, 1, 24), True),  # Friday before Tết 2025
        (date(2025, 1, 27), False),  # Tết 2025 (29 tháng Chạp)
        (date(2025, 1, 31), False),
        (date(2025, 2, 3), True),  # first working day after Tết 2025
        (date(2026, 2, 16), False),  # Tết 2026 runs 16–20/2
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), True),
        (date(2025, 4, 26), True),  # Saturday worked (làm bù) in exchange for 2/5
        (date(2025, 5, 2), False),
        (date(2026, 8, 22), True),  # Saturday worked in exchange for 31/8
        (date(2026, 8, 31), False),
        (date(2026, 11, 24), False),  # Vietnam Cultural Day
        (date(2025, 9, 1), False),  # National Day 2025
        (date(2025, 9, 2), False),
        (date(2025, 3, 8), False),  # an ordinary Saturday
        (date(2025, 3, 10), True),  # an ordinary Monday
    ],
)
def test_working_days_follow_holidays_vn(day, working):
    assert CAL.is_working_day(day) is working


def test_tet_2025_friday_afternoon_receipt_resumes_after_tet():
    received = local(2025, 1, 24, 14, 0)
    # Friday 14:00–17:00 = 3 h, then nothing until Monday 3/2: 4.5 h morning + 0.5 h afternoon.
    assert compute_due(CAL, received, 1, "working_days") == local(2025, 2, 3, 14, 0)
    assert compute_due(CAL, received, 3, "working_days") == local(2025, 2, 5, 14, 0)
    assert CAL.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    assert CAL.working_time_between(received, local(2025, 2, 3, 7, 0)) == 3 * H


def test_tet_2026_skips_the_whole_week():
    assert compute_due(CAL, local(2026, 2, 13, 10, 0), 1, "working_days") == local(2026, 2, 23, 10, 0)
    assert CAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert CAL.next_working_instant(local(2026, 2, 18, 9, 0)) == local(2026, 2, 23, 7, 0)


def test_swapped_saturday_2025_counts_and_its_friday_does_not():
    assert CAL.add_working_time(local(2025, 4, 25, 16, 0), 2 * H) == local(2025, 4, 26, 8, 0)
    # 30/4 and 1/5 are holidays, 2/5 is the day off swapped for 26/4, then the weekend.
    assert CAL.add_working_time(local(2025, 4, 29, 16, 0), 2 * H) == local(2025, 5, 5, 8, 0)
    assert CAL.add_working_days(date(2025, 4, 29), 1) == date(2025, 5, 5)


def test_swapped_saturday_2026_counts_and_national_day_week_does_not():
    assert CAL.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)
    # 29–30/8 weekend, 31/8 swapped day off, 1–2/9 National Day.
    assert CAL.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_vietnam_cultural_day_2026_is_skipped():
    assert CAL.add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 25)
    assert compute_due(CAL, local(2026, 11, 23, 13, 30), 1, "working_days") == local(2026, 11, 25, 11, 30)


def test_national_day_2025_is_skipped():
    assert CAL.add_working_days(date(2025, 8, 29), 1) == date(2025, 9, 3)
    assert CAL.next_working_instant(local(2025, 9, 2, 10, 0)) == local(2025, 9, 3, 7, 0)


# -- receipt time and sessions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "at, expected",
    [
        (local(2025, 3, 10, 6, 59), local(2025, 3, 10, 7, 0)),
        (local(2025, 3, 10, 7, 0), local(2025, 3, 10, 7, 0)),
        (local(2025, 3, 10, 11, 29), local(2025, 3, 10, 11, 29)),
        (local(2025, 3, 10, 11, 30), local(2025, 3, 10, 13, 30)),  # half-open: 11:30 is lunch
        (local(2025, 3, 10, 13, 29), local(2025, 3, 10, 13, 30)),
        (local(2025, 3, 10, 13, 30), local(2025, 3, 10, 13, 30)),
        (local(2025, 3, 10, 16, 59), local(2025, 3, 10, 16, 59)),
        (local(2025, 3, 10, 17, 0), local(2025, 3, 11, 7, 0)),  # 17:00 is already night
        (local(2025, 3, 10, 22, 0), local(2025, 3, 11, 7, 0)),  # online receipt at night
        (local(2025, 3, 14, 18, 0), local(2025, 3, 17, 7, 0)),  # Friday evening → Monday
        (local(2025, 3, 15, 10, 0), local(2025, 3, 17, 7, 0)),  # Saturday
        (local(2025, 9, 2, 10, 0), local(2025, 9, 3, 7, 0)),  # holiday
    ],
)
def test_next_working_instant(at, expected):
    got = CAL.next_working_instant(at)
    assert got == expected
    assert got.tzinfo is LOCAL_TZ


def test_next_working_day_start_is_the_next_day_even_inside_a_session():
    assert CAL.next_working_day_start(local(2025, 3, 10, 8, 0)) == local(2025, 3, 11, 7, 0)
    assert CAL.next_working_day_start(local(2025, 3, 14, 8, 0)) == local(2025, 3, 17, 7, 0)
    assert CAL.next_working_day_start(local(2025, 1, 24, 16, 0)) == local(2025, 2, 3, 7, 0)


# -- adding and measuring working time ----------------------------------------------------------------


@pytest.mark.parametrize(
    "start, amount, expected",
    [
        (local(2025, 3, 10, 7, 0), 8 * H, local(2025, 3, 10, 17, 0)),  # earliest: same day 17:00
        (local(2025, 3, 10, 7, 0), 4.5 * H, local(2025, 3, 10, 11, 30)),  # not 13:30
        (local(2025, 3, 10, 10, 0), 3 * H, local(2025, 3, 10, 15, 0)),  # across lunch
        (local(2025, 3, 10, 12, 0), 1 * H, local(2025, 3, 10, 14, 30)),  # start in lunch
        (local(2025, 3, 10, 16, 0), 2 * H, local(2025, 3, 11, 8, 0)),  # across the night
        (local(2025, 3, 10, 17, 0), 8 * H, local(2025, 3, 11, 17, 0)),
        (local(2025, 3, 14, 16, 0), 2 * H, local(2025, 3, 17, 8, 0)),  # across the weekend
        (local(2025, 3, 10, 7, 0), 16 * H, local(2025, 3, 11, 17, 0)),
        (local(2025, 3, 10, 7, 0), timedelta(microseconds=1), local(2025, 3, 10, 7, 0, 0, 1)),
    ],
)
def test_add_working_time_gives_earliest_instant(start, amount, expected):
    assert CAL.add_working_time(start, amount) == expected


def test_add_zero_working_time_returns_start_unchanged():
    night = local(2025, 3, 10, 22, 0)
    assert CAL.add_working_time(night, timedelta(0)) == night


def test_add_negative_working_time_is_refused():
    with pytest.raises(ValueError):
        CAL.add_working_time(local(2025, 3, 10, 8, 0), -H)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (local(2025, 3, 10, 11, 0), local(2025, 3, 10, 14, 0), 1 * H),  # lunch does not count
        (local(2025, 3, 10, 12, 0), local(2025, 3, 10, 13, 0), timedelta(0)),
        (local(2025, 3, 14, 16, 0), local(2025, 3, 17, 8, 0), 2 * H),  # weekend does not count
        (local(2025, 3, 10, 7, 0), local(2025, 3, 10, 17, 0), 8 * H),
        (local(2025, 3, 10, 6, 0), local(2025, 3, 10, 23, 0), 8 * H),
        (local(2025, 3, 10, 9, 0), local(2025, 3, 10, 9, 0), timedelta(0)),
        (local(2025, 3, 10, 10, 0), local(2025, 3, 10, 9, 0), timedelta(0)),  # end before start
        (local(2025, 4, 29, 7, 0), local(2025, 5, 6, 7, 0), 16 * H),  # 29/4 + 5/5 only
    ],
)
def test_working_time_between(start, end, expected):
    assert CAL.working_time_between(start, end) == expected


def test_negative_add_working_days_counts_backwards():
    assert CAL.add_working_days(date(2025, 2, 3), -1) == date(2025, 1, 24)
    assert CAL.add_working_days(date(2025, 5, 5), -1) == date(2025, 4, 29)
    assert CAL.add_working_days(date(2025, 5, 5), -3) == date(2025, 4, 26)  # the worked Saturday
    assert CAL.add_working_days(date(2025, 3, 15), -1) == date(2025, 3, 14)  # from a Saturday


def test_add_working_days_never_counts_the_day_itself():
    assert CAL.add_working_days(date(2025, 3, 10), 1) == date(2025, 3, 11)
    assert CAL.add_working_days(date(2025, 3, 15), 1) == date(2025, 3, 17)  # from a Saturday
    assert CAL.add_working_days(date(2025, 3, 10), 0) == date(2025, 3, 10)
    assert CAL.add_working_days(date(2025, 3, 10), 5) == date(2025, 3, 17)


def test_add_working_days_uses_the_local_date_of_a_timestamp():
    # 2025-03-16 18:00Z (a Sunday in UTC) is Monday 01:00 local: one working day later is Tuesday.
    assert CAL.add_working_days(datetime(2025, 3, 16, 18, 0, tzinfo=UTC), 1) == date(2025, 3, 18)


# -- configuration ------------------------------------------------------------------------------------


def test_closures_and_extra_working_days():
    cal = WorkingCalendar(closures=[date(2025, 3, 12)], extra_working_days=[date(2025, 3, 16)])
    assert not cal.is_working_day(date(2025, 3, 12))
    assert cal.is_working_day(date(2025, 3, 16))  # a Sunday worked locally
    assert cal.add_working_days(date(2025, 3, 11), 1) == date(2025, 3, 13)
    assert cal.add_working_time(local(2025, 3, 14, 16, 0), 2 * H) == local(2025, 3, 16, 8, 0)
    assert cal.next_working_instant(local(2025, 3, 12, 9, 0)) == local(2025, 3, 13, 7, 0)
    assert CAL.is_working_day(date(2025, 3, 12))  # other calendars are unaffected


def test_a_date_both_closed_and_worked_is_refused():
    with pytest.raises(ValueError):
        WorkingCalendar(closures=[date(2025, 3, 12)], extra_working_days=[date(2025, 3, 12)])


def test_custom_sessions():
    cal = WorkingCalendar(sessions=((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))))
    assert cal.hours_per_day == 8 * H
    assert cal.next_working_instant(local(2025, 3, 10, 7, 15)) == local(2025, 3, 10, 7, 30)
    assert cal.next_working_instant(local(2025, 3, 10, 11, 30)) == local(2025, 3, 10, 13, 0)
    assert cal.add_working_time(local(2025, 3, 10, 7, 30), 4 * H) == local(2025, 3, 10, 11, 30)
    assert compute_due(cal, local(2025, 3, 10, 7, 0), 1, "working_days") == local(2025, 3, 10, 17, 0)
    short = WorkingCalendar(sessions=((time(7, 30), time(11, 30)), (time(13, 0), time(16, 30))))
    assert short.hours_per_day == 7.5 * H
    assert time_limit_amount(short, 2, "working_days") == 15 * H
    assert time_limit_amount(short, Decimal("0.5"), "working_days") == 3.75 * H  # unreduced: exact


@pytest.mark.parametrize(
    "sessions", [(), ((time(11, 30), time(7, 0)),), ((time(7, 0), time(12, 0)), (time(11, 0), time(17, 0)))]
)
def test_bad_sessions_are_refused(sessions):
    with pytest.raises(ValueError):
        WorkingCalendar(sessions=sessions)


def test_default_sessions_give_eight_hours():
    assert DEFAULT_SESSIONS == ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))
    assert CAL.hours_per_day == 8 * H


def test_range_grows_forward_and_refuses_the_past():
    cal = WorkingCalendar(first_year=2025, last_year=2025)
    assert cal.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 2)  # 1/1 is New Year
    assert not cal.is_working_day(date(2026, 11, 24))
    assert cal.add_working_time(local(2025, 12, 31, 7, 0), 8 * 300 * H).year >= 2027
    with pytest.raises(ValueError):
        cal.is_working_day(date(2024, 12, 31))
    with pytest.raises(ValueError):
        cal.add_working_days(date(2025, 1, 3), -5)


# -- time zones ---------------------------------------------------------------------------------------


def test_naive_datetimes_are_refused():
    naive = datetime(2025, 3, 10, 8, 0)
    aware = local(2025, 3, 10, 8, 0)
    calls = [
        lambda: CAL.next_working_instant(naive),
        lambda: CAL.add_working_time(naive, H),
        lambda: CAL.working_time_between(naive, aware),
        lambda: CAL.working_time_between(aware, naive),
        lambda: CAL.next_working_day_start(naive),
        lambda: compute_due(CAL, naive, 1, "working_days"),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="naive"):
            call()


def test_other_offsets_are_read_as_the_same_instant():
    utc_8_local = datetime(2025, 3, 10, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội
    got = CAL.next_working_instant(utc_8_local)
    assert got == local(2025, 3, 10, 8, 0)
    assert (got.hour, got.utcoffset()) == (8, 7 * H)
    # Sunday 23:30Z is Monday 06:30 local: wait for 07:00 Monday, not Sunday's night.
    sunday_night_utc = datetime(2025, 3, 9, 23, 30, tzinfo=UTC)
    assert CAL.next_working_instant(sunday_night_utc) == local(2025, 3, 10, 7, 0)
    new_york_8_local = datetime(2025, 3, 9, 20, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert CAL.add_working_time(new_york_8_local, H) == local(2025, 3, 10, 9, 0)
    assert compute_due(CAL, utc_8_local, 2, "working_hours") == local(2025, 3, 10, 10, 0)


# -- time limits and due times ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "limit, unit, reduction, expected",
    [
        (3, "working_days", 0, 24 * H),
        (Decimal("0.5"), "working_days", 0, 4 * H),
        (0.5, "working_days", 0, 4 * H),
        (4, "working_hours", 0, 4 * H),
        (3, "working_days", 20, 19 * H),  # 19.2 → 19
        (3, "working_days", 30, 17 * H),  # 16.8 → 17
        (15, "working_hours", 30, 11 * H),  # 10.5 → 11: half up, not to even
        (Decimal("0.5"), "working_days", 20, 3 * H),  # 3.2 → 3
        (1, "working_hours", 60, 1 * H),  # 0.4 → at least 1 h
        (0, "working_days", 30, timedelta(0)),
        (5, "calendar_days", 0, None),
    ],
)
def test_time_limit_amount(limit, unit, reduction, expected):
    assert time_limit_amount(CAL, limit, unit, reduction) == expected


def test_fractional_working_days_are_exact_working_time():
    """Fractional working days (a hand-over step's share: tenths, 0 to 60) become exact working time."""
    for tenths in range(601):
        assert time_limit_amount(CAL, Decimal(tenths) / 10, "working_days") == tenths * timedelta(minutes=48)
    # 7 h 20 min a day: a tenth is 44 min exactly, whatever binary floats would make of 0.3 × 26 400 s.
    odd = WorkingCalendar(sessions=((time(7, 0), time(11, 0)), (time(13, 40), time(17, 0))))
    assert time_limit_amount(odd, Decimal("0.3"), "working_days") == timedelta(minutes=132)
    assert time_limit_amount(odd, Decimal("1.5"), "working_days") == timedelta(hours=11)
    start = odd.next_working_instant(local(2025, 3, 7, 18, 0))  # Friday evening → Monday 07:00
    assert odd.add_working_time(start, time_limit_amount(odd, Decimal("1.5"), "working_days")) == local(
        2025, 3, 11, 10, 40)


@pytest.mark.parametrize(
    "limit, unit, reduction",
    [(1, "weeks", 0), (-1, "working_days", 0), (1, "working_days", 100), (1, "working_days", -5)],
)
def test_bad_limits_are_refused(limit, unit, reduction):
    with pytest.raises(ValueError):
        time_limit_amount(CAL, limit, unit, reduction)


def test_online_reduction_shortens_the_due_time():
    received = local(2025, 3, 10, 7, 0)
    assert compute_due(CAL, received, 3, "working_days") == local(2025, 3, 12, 17, 0)
    assert compute_due(CAL, received, 3, "working_days", 20) == local(2025, 3, 12, 10, 0)  # 19 h
    assert compute_due(CAL, received, 3, "working_days", 30) == local(2025, 3, 12, 8, 0)  # 17 h


def test_receipt_at_night_counts_from_next_morning():
    assert compute_due(CAL, local(2025, 3, 10, 22, 0), 4, "working_hours") == local(2025, 3, 11, 11, 0)
    assert compute_due(CAL, local(2025, 3, 15, 10, 0), 1, "working_days") == local(2025, 3, 17, 17, 0)


def test_same_day_cutoff():
    def due(received, limit, unit="working_days", cutoff=time(15, 0)):
        return compute_due(CAL, received, limit, unit, cutoff=cutoff)

    # Same-day service (limit 0): due at the end of the receipt's working day.
    assert due(local(2025, 3, 10, 14, 59), 0) == local(2025, 3, 10, 17, 0)
    assert due(local(2025, 3, 10, 15, 0), 0) == local(2025, 3, 11, 17, 0)
    assert due(local(2025, 3, 14, 15, 30), 0, "working_hours") == local(2025, 3, 17, 17, 0)  # Friday → Monday
    # Without a cut-off the same receipt keeps its afternoon hours.
    assert due(local(2025, 3, 10, 15, 30), 1, cutoff=None) == local(2025, 3, 11, 15, 30)
    assert due(local(2025, 3, 10, 15, 30), 1) == local(2025, 3, 11, 17, 0)
    # Before the cut-off the receipt counts at once.
    assert due(local(2025, 3, 10, 8, 0), 2, "working_hours") == local(2025, 3, 10, 10, 0)


def test_same_day_service_without_cutoff():
    assert compute_due(CAL, local(2025, 3, 10, 16, 30), 0, "working_days") == local(2025, 3, 10, 17, 0)
    assert compute_due(CAL, local(2025, 3, 10, 18, 0), 0, "working_days") == local(2025, 3, 11, 17, 0)


def test_calendar_days():
    monday_10 = local(2025, 3, 10, 10, 0)
    assert compute_due(CAL, monday_10, 3, "calendar_days") == local(2025, 3, 13, 10, 0)
    assert compute_due(CAL, monday_10, 5, "calendar_days") == local(2025, 3, 17, 7, 0)  # Saturday → Monday
    assert compute_due(CAL, monday_10, 7, "calendar_days") == local(2025, 3, 17, 10, 0)
    # Receipt at night counts from 07:00 the next day.
    assert compute_due(CAL, local(2025, 3, 10, 22, 0), 1, "calendar_days") == local(2025, 3, 12, 7, 0)
    # Reduction applies to the days, half up (not to even): 10 × 0.7 = 7, 5 × 0.7 = 3.5 → 4.
    assert compute_due(CAL, monday_10, 10, "calendar_days", 30) == local(2025, 3, 17, 10, 0)
    assert compute_due(CAL, monday_10, 5, "calendar_days", 30) == local(2025, 3, 14, 10, 0)
    assert compute_due(CAL, monday_10, 15, "calendar_days", 30) == local(2025, 3, 21, 10, 0)  # 10.5 → 11
    # Landing in Tết moves to the first working instant after it.
    assert compute_due(CAL, local(2025, 1, 20, 9, 0), 10, "calendar_days") == local(2025, 2, 3, 7, 0)


# -- consistency --------------------------------------------------------------------------------------


def test_adding_then_measuring_gives_back_the_amount():
    rng = random.Random(20250101)
    cals = [CAL, WorkingCalendar(sessions=((time(7, 30), time(11, 30)), (time(13, 0), time(16, 45))))]
    span = int((local(2027, 1, 1) - local(2025, 1, 1)).total_seconds())
    for _ in range(3000):
        cal = rng.choice(cals)
        raw = local(2025, 1, 1) + timedelta(seconds=rng.randrange(span), microseconds=rng.randrange(10**6))
        start = cal.next_working_instant(raw)
        amount = timedelta(microseconds=rng.randrange(1, 40 * 8 * 3600 * 10**6))
        if rng.random() < 0.3:  # whole hours and whole days hit the session boundaries
            amount = timedelta(hours=rng.choice([1, 4, 4.5, 8, 16, 24, 40]))
        end = cal.add_working_time(start, amount)
        assert cal.working_time_between(start, end) == amount
        assert cal.working_time_between(raw, end) == amount  # starting outside a session changes nothing
        # Earliest: one microsecond sooner is not enough.
        assert cal.working_time_between(start, end - timedelta(microseconds=1)) < amount
        assert cal.next_working_instant(end - timedelta(microseconds=1)) == end - timedelta(microseconds=1)
