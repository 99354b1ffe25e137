"""The vector working-time functions give, element for element, what WorkingCalendar's methods give."""

import random
from datetime import date, time, timedelta

import numpy as np
import pytest

from motcua.lib import workingtime_np as wnp
from motcua.lib.workingtime import WorkingCalendar, _ticks, _to_dt

CALENDARS = {
    "default": WorkingCalendar(),
    "other sessions and local days": WorkingCalendar(sessions=((time(8), time(12)), (time(13), time(16, 30))),
                                                     closures=[date(2025, 10, 31)],
                                                     extra_working_days=[date(2025, 11, 1)]),
}


def instants(seed: int, count: int = 3000) -> np.ndarray:
    rnd = random.Random(seed)
    base = _ticks(wnp.EPOCH.replace(year=2025))
    values = []
    for _ in range(count):
        offset = rnd.randrange(0, 700 * wnp.DAY)
        if rnd.random() < 0.5:
            offset -= offset % 60_000_000  # whole minutes, as most real moments are
        values.append(base + offset)
    # session boundaries, midnight and the instants just before them
    first_day = base // wnp.DAY
    for day in range(first_day + 295, first_day + 320):  # around 31/10 and 1/11, Saturday 1/11
        for hour, minute in ((0, 0), (7, 0), (8, 0), (11, 30), (12, 0), (13, 0), (13, 30), (16, 30), (17, 0)):
            at = day * wnp.DAY + (hour * 60 + minute) * 60_000_000
            values += [at, at - 1]
    return np.array(values, dtype=np.int64)


@pytest.mark.parametrize("name", CALENDARS)
def test_positions_and_instants_match_the_scalar_methods(name):
    calendar = CALENDARS[name]
    ticks = instants(1)
    positions = wnp.positions(calendar, ticks)
    assert positions.tolist() == [calendar._pos(int(t)) for t in ticks]
    assert wnp.instants(calendar, positions).tolist() == [calendar._at_pos(int(p)) for p in positions]


@pytest.mark.parametrize("name", CALENDARS)
def test_working_time_between_and_add_working_time(name):
    calendar = CALENDARS[name]
    rnd = random.Random(2)
    starts = instants(2)
    ends = starts + np.array([rnd.randrange(-10**10, 10**11) for _ in starts], dtype=np.int64)
    amounts = np.array([rnd.choice([0, 3_600_000_000, 28_800_000_000, rnd.randrange(10**11)]) for _ in starts],
                       dtype=np.int64)
    us = timedelta(microseconds=1)
    assert wnp.working_time_between(calendar, starts, ends).tolist() == [
        calendar.working_time_between(_to_dt(int(a)), _to_dt(int(b))) // us for a, b in zip(starts, ends, strict=True)]
    assert wnp.add_working_time(calendar, starts, amounts).tolist() == [
        _ticks(calendar.add_working_time(_to_dt(int(a)), timedelta(microseconds=int(b))))
        for a, b in zip(starts, amounts, strict=True)]


def test_before_the_calendar_is_an_error_as_in_the_scalar_method():
    with pytest.raises(ValueError):
        wnp.positions(WorkingCalendar(), np.array([_ticks(wnp.EPOCH)], dtype=np.int64))
