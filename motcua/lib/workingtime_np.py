"""Working-time positions of many instants at once: `WorkingCalendar`'s arithmetic over numpy arrays.

The live index (`motcua.indicators.columnar`) needs the effective due of every paused dossier and the
processing time of every resolved one; doing that one datetime at a time costs seconds for a province.
These functions do exactly what `WorkingCalendar._pos` and `_at_pos` do, on int64 arrays of ticks (local
wall-clock microseconds since 2000-01-01 00:00 local, the calendar's own unit), and are tested against the
scalar methods on random instants. They read the calendar's precomputed table of working days, growing it
first through the calendar's own methods, so a calendar never holds two versions of the truth.
"""

import numpy as np

from motcua.lib import workingtime as wt

DAY = wt._DAY
EPOCH_ORD = wt._EPOCH_ORD
EPOCH = wt._EPOCH


def _table(calendar, first_ordinal: int, last_ordinal: int) -> np.ndarray:
    """The calendar's working-day ordinals, covering [first_ordinal, last_ordinal] and one day beyond."""
    calendar._cover(first_ordinal)
    calendar._cover(last_ordinal)
    return _days_array(calendar)


def _days_array(calendar) -> np.ndarray:
    days = calendar._days
    cached = getattr(calendar, "_np_days", None)
    if cached is None or len(cached) != len(days):
        cached = np.asarray(days, dtype=np.int64)
        calendar._np_days = cached  # a plain attribute: the list only ever grows, so length says it all
    return cached


def positions(calendar, ticks: np.ndarray) -> np.ndarray:
    """`calendar._pos` of every element: working time elapsed from the start of the table."""
    ticks = np.asarray(ticks, dtype=np.int64)
    if ticks.size == 0:
        return np.zeros(0, dtype=np.int64)
    ordinals = ticks // DAY + EPOCH_ORD
    days = _table(calendar, int(ordinals.min()), int(ordinals.max()))
    index = np.searchsorted(days, ordinals, side="left")
    safe = np.minimum(index, len(days) - 1)
    working = (index < len(days)) & (days[safe] == ordinals)
    in_day = ticks % DAY
    within = np.full(ticks.shape, calendar._day_us, dtype=np.int64)  # after the last session: whole day
    decided = np.zeros(ticks.shape, dtype=bool)
    for start, end, before in calendar._spans:
        at_or_before = ~decided & (in_day <= start)
        within[at_or_before] = before
        inside = ~decided & (in_day > start) & (in_day < end)
        within[inside] = before + in_day[inside] - start
        decided |= in_day < end
    return index * calendar._day_us + np.where(working, within, 0)


def instants(calendar, pos: np.ndarray) -> np.ndarray:
    """`calendar._at_pos` of every element: the earliest tick at which that much working time elapsed."""
    pos = np.asarray(pos, dtype=np.int64)
    if pos.size == 0:
        return np.zeros(0, dtype=np.int64)
    day_us = calendar._day_us
    index, rest = np.divmod(pos, day_us)
    whole = (rest == 0) & (index > 0)
    index = np.where(whole, index - 1, index)
    rest = np.where(whole, day_us, rest)
    calendar._cover_index(int(index.max()))
    days = _days_array(calendar)
    day_ticks = (days[index] - EPOCH_ORD) * DAY
    offset = np.zeros(pos.shape, dtype=np.int64)
    decided = np.zeros(pos.shape, dtype=bool)
    for start, end, before in calendar._spans:
        here = ~decided & (rest <= before + end - start)
        offset[here] = start + rest[here] - before
        decided |= here
    return day_ticks + offset


def working_time_between(calendar, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Working microseconds inside [start, end) for each pair; zero where end <= start."""
    start = np.asarray(start, dtype=np.int64)
    end = np.asarray(end, dtype=np.int64)
    return np.where(end > start, positions(calendar, end) - positions(calendar, start), 0)


def add_working_time(calendar, start: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """The earliest tick with `amount` more working microseconds than `start`; `start` where amount is 0."""
    start = np.asarray(start, dtype=np.int64)
    amount = np.asarray(amount, dtype=np.int64)
    if np.any(amount < 0):
        raise ValueError("negative working time")
    moved = instants(calendar, positions(calendar, start) + amount)
    return np.where(amount == 0, start, moved)
