"""Vietnamese working time (thời gian làm việc): pure functions, no Django imports.

INTERFACE CONTRACT (filled in by the working-time implementation; other modules rely on these names):

    Session = tuple[datetime.time, datetime.time]          # half-open [start, end)
    DEFAULT_SESSIONS = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))
    LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

    class WorkingCalendar:
        def __init__(self, sessions=DEFAULT_SESSIONS, closures=(), extra_working_days=(),
                     first_year=2024, last_year=2030): ...
        hours_per_day: timedelta                       # sum of the sessions (8 h by default)
        def is_working_day(self, day: date) -> bool
        def next_working_instant(self, at: datetime) -> datetime          # aware in, aware (local) out
        def add_working_time(self, start: datetime, amount: timedelta) -> datetime   # earliest instant
        def working_time_between(self, start: datetime, end: datetime) -> timedelta   # 0 if end <= start
        def add_working_days(self, day: date, n: int) -> date   # n-th working day after (n<0: before); day itself never counted
        def next_working_day_start(self, at: datetime) -> datetime

    TIME_UNITS = ("working_days", "working_hours", "calendar_days")

    def time_limit_amount(calendar, time_limit, time_unit, reduction_percent=0) -> timedelta | None
    def compute_due(calendar, received_at, time_limit, time_unit, reduction_percent=0, cutoff=None) -> datetime

Choices that decide edge cases (see rules.md "Counting time" and interchange.md "Conventions"):

- A working day (ngày làm việc) is `holidays.VN().is_working_day(d)` (weekends, Tết, swapped working
  Saturdays), minus `closures` (ngày nghỉ), plus `extra_working_days` (ngày làm bù). A date in both is a
  configuration error and raises ValueError rather than silently picking one.
- Sessions (phiên làm việc) are half-open, so 11:30 belongs to the afternoon gap and 17:00 to the night.
- `add_working_time` returns the *earliest* instant: 07:00 + 8 h = 17:00 the same day, never 07:00 the next.
  An amount of 0 returns `start` unchanged (converted to local time): moving it is the caller's decision.
- `compute_due` with a time limit of 0 (same-day service, trả ngay trong ngày) is due at the end of the
  last session of the receipt's working day.
- Limits are rounded to whole working hours (half up, at least 1 h) only when an online reduction applies,
  because the rules round "the reduced one"; unreduced limits are used exactly (0.5 day = 4 h).
  Calendar-day limits are always whole days (half up, at least 1 day when the limit is positive).
- Vietnam has had no DST and a fixed UTC+07:00 since 1975, so instants are handled internally as integer
  microseconds of local wall time since 2000-01-01 00:00 local. This avoids per-call zone lookups and
  keeps the arithmetic exact (no floats), which the round-trip tests rely on.
- Working days are precomputed once as a sorted list of date ordinals. Working day number i starts at
  "working position" i × (working time per day), so position ↔ instant is one bisect plus a session scan.
  The list grows forward lazily (appending never shifts existing indexes, so concurrent readers stay
  consistent); dates before `first_year` are rejected with ValueError.
"""

import threading
from bisect import bisect_left, bisect_right
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

Session = tuple[time, time]
DEFAULT_SESSIONS = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TIME_UNITS = ("working_days", "working_hours", "calendar_days")

_US = timedelta(microseconds=1)
_DAY = 86_400_000_000  # microseconds per calendar day
_HOUR = 3_600_000_000
_EPOCH = datetime(2000, 1, 1, tzinfo=LOCAL_TZ)
_EPOCH_ORD = _EPOCH.toordinal()
_LAST_SUPPORTED_YEAR = 2200  # bounds lazy growth so a runaway amount cannot loop for ever
_LOOKAHEAD_DAYS = 400  # keep at least this much calendar ahead of any date asked, for "next working" lookups


def _time_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _ticks(at: datetime) -> int:
    """Local wall-clock microseconds since the epoch; any UTC offset is accepted, naive is not."""
    if not isinstance(at, datetime):
        raise TypeError(f"expected an aware datetime, got {type(at).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        # A naive datetime has no defined instant; guessing local time would shift deadlines by hours.
        raise ValueError(f"naive datetime {at.isoformat()} has no time zone; pass an aware datetime")
    return (at - _EPOCH) // _US


def _to_dt(ticks: int) -> datetime:
    # Aware + timedelta is wall-clock arithmetic, which is exact here because the offset is fixed.
    return _EPOCH + timedelta(microseconds=ticks)


class WorkingCalendar:
    """The working days and sessions of one unit, with exact working-time arithmetic over them."""

    def __init__(
        self, sessions=DEFAULT_SESSIONS, closures=(), extra_working_days=(), first_year=2024, last_year=2030
    ):
        if first_year > last_year:
            raise ValueError(f"first_year {first_year} is after last_year {last_year}")
        self.sessions = tuple((a, b) for a, b in sessions)
        # (start, end, working time before this session in the day), all in microseconds of the day.
        spans, before, prev_end = [], 0, -1
        for a, b in self.sessions:
            a_us, b_us = _time_us(a), _time_us(b)
            if a_us >= b_us or a_us < prev_end:
                raise ValueError(
                    f"sessions must be non-empty, ordered and non-overlapping: {self.sessions!r}"
                )
            spans.append((a_us, b_us, before))
            before += b_us - a_us
            prev_end = b_us
        if not spans:
            raise ValueError("a working calendar needs at least one session")
        self._spans = tuple(spans)
        self._day_us = before  # working microseconds in one working day
        self._first_start = spans[0][0]
        self._last_end = spans[-1][1]
        self.hours_per_day = timedelta(microseconds=before)

        self.closures = frozenset(closures)
        self.extra_working_days = frozenset(extra_working_days)
        both = self.closures & self.extra_working_days
        if both:
            raise ValueError(f"dates both closed and worked: {sorted(both)}")
        self._closed = {d.toordinal() for d in self.closures}
        self._extra = {d.toordinal() for d in self.extra_working_days}

        self.first_year = first_year
        self._first_ord = date(first_year, 1, 1).toordinal()
        self._days: list[int] = []  # ordinals of working days, ascending
        self._last_year = first_year - 1
        self._lock = threading.Lock()
        self._grow_to(last_year)

    # -- the precomputed table ------------------------------------------------------------------------

    def _grow_to(self, year: int) -> None:
        """Append the working days of the years up to `year` (no-op if already covered)."""
        if year > _LAST_SUPPORTED_YEAR:
            raise ValueError(f"working calendar limited to years up to {_LAST_SUPPORTED_YEAR}, asked {year}")
        with self._lock:
            if year <= self._last_year:
                return
            years = range(self._last_year + 1, year + 1)
            vn = holidays.VN(years=years)
            new_days = []
            for o in range(date(years[0], 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1):
                if o in self._extra or (o not in self._closed and vn.is_working_day(date.fromordinal(o))):
                    new_days.append(o)
            # Replace rather than extend in place: a reader holding the old list still sees a valid prefix.
            self._days = self._days + new_days
            self._covered_until = date(year, 12, 31).toordinal() - _LOOKAHEAD_DAYS
            self._last_year = year

    def _cover(self, ordinal: int) -> None:
        if ordinal < self._first_ord:
            raise ValueError(
                f"{date.fromordinal(ordinal)} is before the calendar's first year {self.first_year}"
            )
        if ordinal > self._covered_until:
            self._grow_to(date.fromordinal(ordinal + _LOOKAHEAD_DAYS).year)

    def _cover_index(self, index: int) -> None:
        """Grow until working day number `index` (and one after it) exists."""
        while index + 1 >= len(self._days):
            self._grow_to(self._last_year + 1 + (index + 1 - len(self._days)) // 250)

    # -- positions: working time elapsed since the start of the table --------------------------------

    def _pos(self, ticks: int) -> int:
        o = ticks // _DAY + _EPOCH_ORD
        self._cover(o)
        days = self._days
        i = bisect_left(days, o)
        if i < len(days) and days[i] == o:
            s = ticks % _DAY
            for a, b, before in self._spans:
                if s <= a:
                    return i * self._day_us + before
                if s < b:
                    return i * self._day_us + before + s - a
            i += 1  # after the last session: the whole day has elapsed
        return i * self._day_us

    def _at_pos(self, pos: int) -> int:
        """The earliest instant whose position is `pos` (ticks)."""
        i, r = divmod(pos, self._day_us)
        if r == 0 and i > 0:
            # Exactly a whole number of days: the earliest such instant is the previous day's last end
            # (17:00), not the next day's first start (07:00).
            i, r = i - 1, self._day_us
        self._cover_index(i)
        day_ticks = (self._days[i] - _EPOCH_ORD) * _DAY
        for a, b, before in self._spans:
            if r <= before + b - a:  # "<=": ending a session exactly returns its end (11:30), not 13:30
                return day_ticks + a + r - before
        raise AssertionError("unreachable: r is within one working day")

    def _next_working_ticks(self, ticks: int) -> int:
        o = ticks // _DAY + _EPOCH_ORD
        self._cover(o)
        days = self._days
        i = bisect_left(days, o)
        if i < len(days) and days[i] == o:
            s = ticks % _DAY
            for a, b, _ in self._spans:
                if s < b:
                    return ticks if s >= a else ticks - s + a
            i += 1
        return (days[i] - _EPOCH_ORD) * _DAY + self._first_start

    def _next_day_start_ticks(self, ticks: int) -> int:
        o = ticks // _DAY + _EPOCH_ORD
        self._cover(o)
        return (self._days[bisect_right(self._days, o)] - _EPOCH_ORD) * _DAY + self._first_start

    # -- public interface -----------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        o = day.toordinal()
        self._cover(o)
        i = bisect_left(self._days, o)
        return i < len(self._days) and self._days[i] == o

    def next_working_instant(self, at: datetime) -> datetime:
        """`at` itself if inside a session of a working day, else the start of the next session."""
        return _to_dt(self._next_working_ticks(_ticks(at)))

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The earliest instant at which `amount` of working time has elapsed since `start`."""
        ticks = _ticks(start)
        amount_us = amount // _US
        if amount_us < 0:
            raise ValueError(f"negative working time {amount}")
        if amount_us == 0:
            return _to_dt(ticks)
        return _to_dt(self._at_pos(self._pos(ticks) + amount_us))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time inside [start, end); zero when end <= start."""
        s, e = _ticks(start), _ticks(end)
        if e <= s:
            return timedelta(0)
        return timedelta(microseconds=self._pos(e) - self._pos(s))

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n < 0: before it); `day` itself is never counted; n = 0 → day."""
        if isinstance(day, datetime):
            day = _to_dt(_ticks(day)).date()  # a timestamp's local date, whatever its offset
        if n == 0:
            return day
        o = day.toordinal()
        self._cover(o)
        if n > 0:
            i = bisect_right(self._days, o) + n - 1
            self._cover_index(i)
        else:
            i = bisect_left(self._days, o) + n
            if i < 0:
                raise ValueError(f"{-n} working days before {day} is before the calendar's first year")
        return date.fromordinal(self._days[i])

    def next_working_day_start(self, at: datetime) -> datetime:
        """Start of the first session of the first working day after `at`'s local date (same-day cut-off)."""
        return _to_dt(self._next_day_start_ticks(_ticks(at)))


# -- time limits and due times ------------------------------------------------------------------------


def _decimal(value) -> Decimal:
    # str() first so that 0.1 (a float) means 0.1, not 0.1000000000000000055...
    return value if isinstance(value, Decimal) else Decimal(str(value))


@lru_cache(maxsize=4096)
def _limit(day_us: int, time_limit, time_unit: str, reduction_percent) -> int:
    """Microseconds of working time, or whole days for calendar_days. Cached: a province has few limits."""
    if time_unit not in TIME_UNITS:
        raise ValueError(f"unknown time unit {time_unit!r}; expected one of {TIME_UNITS}")
    limit, reduction = _decimal(time_limit), _decimal(reduction_percent)
    if limit < 0:
        raise ValueError(f"negative time limit {time_limit}")
    if not 0 <= reduction < 100:
        raise ValueError(f"reduction_percent must be in [0, 100), got {reduction_percent}")
    factor = (100 - reduction) / 100
    if time_unit == "calendar_days":
        days = int((limit * factor).quantize(Decimal(1), ROUND_HALF_UP))
        return max(days, 1) if limit > 0 else 0
    unit_us = day_us if time_unit == "working_days" else _HOUR
    if reduction == 0:
        return int((limit * unit_us).quantize(Decimal(1), ROUND_HALF_UP))
    hours = int((limit * unit_us * factor / _HOUR).quantize(Decimal(1), ROUND_HALF_UP))
    return (max(hours, 1) if limit > 0 else 0) * _HOUR


def time_limit_amount(calendar, time_limit, time_unit, reduction_percent=0) -> timedelta | None:
    """Working time allowed for a limit (working days use the calendar's hours per day); None for calendar days."""
    amount = _limit(calendar._day_us, time_limit, time_unit, reduction_percent)
    return None if time_unit == "calendar_days" else timedelta(microseconds=amount)


def compute_due(calendar, received_at, time_limit, time_unit, reduction_percent=0, cutoff=None) -> datetime:
    """Due time (ngày hẹn trả) of a dossier received at `received_at`.

    The clock starts at the next working instant; with a same-day `cutoff` (e.g. 15:00) a receipt at or
    after it starts at the next working day's first session. A limit of 0 is due at the end of the
    receipt's working day; calendar days are added as days and moved to the next working instant.
    """
    ticks = _ticks(received_at)
    if cutoff is not None and ticks % _DAY >= _time_us(cutoff):
        start = calendar._next_day_start_ticks(ticks)
    else:
        start = calendar._next_working_ticks(ticks)
    amount = _limit(calendar._day_us, time_limit, time_unit, reduction_percent)
    if amount == 0:
        return _to_dt(start - start % _DAY + calendar._last_end)
    if time_unit == "calendar_days":
        return _to_dt(calendar._next_working_ticks(start + amount * _DAY))
    return _to_dt(calendar._at_pos(calendar._pos(start) + amount))
