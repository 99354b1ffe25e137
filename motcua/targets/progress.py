"""Where a target stands: its value now, the gap, days left, the daily effort needed, and its trend.

Plain functions over the index service (`motcua.indicators.service`), testable without the web:

- `progress(target, today=None, reader=None) -> Progress`
- `trend(target, today=None, step="day"|"week", max_points=..., reader=None) -> list[TrendPoint]`
- `measure_value(measure_key, date_from, date_to, unit_code=None, officer=None, reader=None) -> Reading`
- `unit_readings(measure_key, date_from, date_to, reader=None) -> {unit code: Reading}` (one index call)

Definitions (docs/targets.md):

- The value now is the measure over the target's period so far: from `start` to the earlier of `today` and
  `end`, judged at the index's moment t (the earlier of now and that day's end), at the target's scope
  (the province, the unit with the units below it, the officer).
- `gap` = value − target value, in the measure's unit (percentage points for shares): negative means below.
  `met` is gap ≥ 0 for a "≥" target, gap ≤ 0 for a "≤" target.
- `days_left` are calendar days from today to the end, today included (0 once the period is over);
  `working_days_left` are the working days among them by the scope's calendar (`units.calendars`).
- Effort is per working day left. For a share: the dossiers of the denominator keep coming at the pace of
  the period so far (denominator / working days elapsed, today included); the effort is how many more
  counted items (e.g. online dossiers) are needed per working day so that, at the end, numerator /
  denominator × (the multiplying rate, e.g. 1.4 for 3.3, taken as it is now) reaches the target. For a
  "≤" share it is the most counted items allowed per day. For points it is the points to gain per working
  day; for counts the items per working day; durations and the time reduction have no effort figure.
- The trend is the value since the start at each day (or week end) and the value of that day (or week)
  alone: two index calls per point, memoised by the `Reader` across targets that share a period and scope.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import timezone

from motcua.indicators import service
from motcua.indicators.live import cached_ruleset
from motcua.indicators.rules import DEFAULT_RULESET
from motcua.lib.vnformat import number
from motcua.targets import measures
from motcua.targets.measures import AT_LEAST, Measure
from motcua.targets.models import Scope, Target
from motcua.units.calendars import CalendarBook
from motcua.units.models import Unit

TWO = Decimal("0.01")
MAX_DAILY_POINTS = 62
MAX_WEEKLY_POINTS = 60


@dataclass(frozen=True)
class Reading:
    """A measure's value over one period at one scope, with the counts behind it when it has them."""

    value: Decimal | None  # None: not applicable (empty denominator) or no data
    numerator: int | None = None
    denominator: int | None = None
    factor: Fraction | None = None  # the multiplying rate of the indicator (3.3 × 1.4), when it has one
    note: str = ""


class Reader:
    """Index readings for one computation, memoised: every target of one period and scope shares them.

    A province reading holds every department and commune too, so a unit's reading for a period already
    read for the province is taken from it.
    """

    def __init__(self, now: datetime | None = None, rules: str = DEFAULT_RULESET):
        self.now = now
        self.rules = rules
        self._index: dict[tuple, dict] = {}
        self._extras: dict[tuple, dict] = {}
        self.calls = 0  # index service calls made (tests, benchmarks)
        self._book: CalendarBook | None = None

    @property
    def book(self) -> CalendarBook:
        """The calendars, read once per reader (a book reads every unit's calendar)."""
        if self._book is None:
            self._book = CalendarBook()
        return self._book

    def unit_entry(self, date_from: date, date_to: date, unit_code: str | None) -> dict:
        key = (date_from, date_to, unit_code)
        if key not in self._index:
            province = self._index.get((date_from, date_to, None))
            if unit_code is not None and province is not None:
                for entry in province["units"]:
                    if entry["code"] == unit_code:
                        self._index[key] = {"units": [entry], "evaluated_at": province["evaluated_at"]}
                        break
        if key not in self._index:
            self.calls += 1
            self._index[key] = service.index_json(date_from, date_to, unit_code=unit_code, rules=self.rules,
                                                  now=self.now)
        return self._index[key]["units"][0]

    def province(self, date_from: date, date_to: date) -> dict:
        self.unit_entry(date_from, date_to, None)
        return self._index[(date_from, date_to, None)]

    def extras(self, date_from: date, date_to: date, unit_code: str | None) -> dict:
        key = (date_from, date_to, unit_code)
        if key not in self._extras:
            self.calls += 1
            self._extras[key] = service.extras_json(date_from, date_to, unit_code=unit_code, now=self.now)
        return self._extras[key]


# -- reading a measure ------------------------------------------------------------------------------


def _from_entry(measure: Measure, entry: dict, rules: str) -> Reading:
    if measure.source == measures.TOTAL:
        return Reading(Decimal(str(entry["total"])))
    if measure.source == measures.GROUP:
        for group in entry["groups"]:
            if group["id"] == measure.ref:
                return Reading(Decimal(str(group["points"])))
        return Reading(None, note="Bộ quy tắc không có nhóm này.")
    by_id = {i["id"]: i for i in entry["indicators"]}
    item = by_id.get(measure.ref)
    if item is None:
        return Reading(None, note="Bộ quy tắc không có chỉ số này.")
    factor = None
    other = cached_ruleset(rules).indicator(measure.ref).times_rate_of
    if other is not None and other in by_id:
        o = by_id[other]
        factor = Fraction(o["numerator"], o["denominator"]) if o["denominator"] else None
    return Reading(measures.as_percent(item["rate"]), item["numerator"], item["denominator"], factor)


def _time_reduction(extras: dict) -> Reading:
    by_procedure: dict[str, dict[str, tuple[int, float]]] = {}
    for row in extras["processing_time"]:
        by_procedure.setdefault(row["procedure"], {})[row["channel"]] = (row["dossiers"], row["average_working_hours"])
    weight = online_hours = in_person_hours = 0.0
    for channels in by_procedure.values():
        if "online" in channels and "in_person" in channels and channels["in_person"][1] > 0:
            n = channels["online"][0]
            weight += n
            online_hours += n * channels["online"][1]
            in_person_hours += n * channels["in_person"][1]
    if not weight or not in_person_hours:
        return Reading(None, note="Chưa có thủ tục nào có hồ sơ giải quyết xong ở cả hai kênh.")
    reduction = Decimal(str(100 * (1 - online_hours / in_person_hours))).quantize(TWO, ROUND_HALF_UP)
    return Reading(reduction, note=f"{int(weight)} hồ sơ trực tuyến so sánh được")


def _sign_in_minutes(date_from: date, date_to: date, unit_code: str | None, now: datetime | None) -> Reading:
    from motcua.applications.models import Submission
    from motcua.lib.periods import Period

    period = Period.of(date_from, date_to, now)
    rows = Submission.objects.filter(submitted_at__gte=period.start, submitted_at__lte=period.t,
                                     submitted_at__lt=period.end, assisted_by__isnull=True,
                                     seconds_from_sign_in__isnull=False)
    if unit_code is not None:
        unit = Unit.objects.get(code=unit_code)
        rows = rows.filter(dossier__unit_id__in=Unit.objects.subtree_ids(unit.pk))
    seconds = list(rows.values_list("seconds_from_sign_in", flat=True))
    if not seconds:
        return Reading(None, note="Chưa có hồ sơ nộp trực tuyến có thời điểm đăng nhập.")
    minutes = Decimal(str(statistics.median(seconds) / 60)).quantize(TWO, ROUND_HALF_UP)
    return Reading(minutes, denominator=len(seconds))


def measure_value(measure_key: str, date_from: date, date_to: date, unit_code: str | None = None,
                  officer=None, reader: Reader | None = None) -> Reading:
    """The measure over [date_from, date_to] for the province (`unit_code` None), a unit, or an officer."""
    measure = measures.measure(measure_key)
    reader = reader or Reader()
    if measure.source == measures.OFFICER:
        if officer is None:
            return Reading(None, note="Chỉ tiêu theo cán bộ.")
        from motcua.targets.officers import figure_value

        value, numerator, denominator = figure_value(officer, measure.ref, date_from, date_to, reader.now)
        return Reading(value, numerator, denominator)
    if measure.source == measures.EXTRAS:
        return _time_reduction(reader.extras(date_from, date_to, unit_code))
    if measure.source == measures.SUBMISSIONS:
        return _sign_in_minutes(date_from, date_to, unit_code, reader.now)
    return _from_entry(measure, reader.unit_entry(date_from, date_to, unit_code), reader.rules)


def unit_readings(measure_key: str, date_from: date, date_to: date, reader: Reader | None = None) -> dict[str, Reading]:
    """An index measure for the province and every department and commune, from one index call."""
    measure = measures.measure(measure_key)
    if measure.source not in (measures.INDEX, measures.GROUP, measures.TOTAL):
        raise ValueError(f"{measure_key} is not read from the index")
    reader = reader or Reader()
    response = reader.province(date_from, date_to)
    return {entry["code"]: _from_entry(measure, entry, reader.rules) for entry in response["units"]}


# -- progress ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effort:
    """What it takes, per working day left, to meet the target by its end."""

    kind: str  # "items" (counted items per day), "at_most" (items allowed per day), "points", "none"
    per_day: Decimal | None
    total: Decimal | None  # over the rest of the period
    label: str  # what an item is
    expected_per_day: Decimal | None = None  # the denominator's pace (new items per working day)
    feasible: bool | None = None
    text: str = ""


@dataclass
class Progress:
    target: Target
    measure: Measure
    status: str  # "not_started", "running", "ended"
    date_from: date
    date_to: date  # the last day read (the earlier of today and the end)
    reading: Reading | None
    gap: Decimal | None
    met: bool | None
    days_total: int
    days_elapsed: int
    days_left: int  # calendar days, today included
    working_days_left: int
    working_days_elapsed: int
    effort: Effort | None
    today: date = field(default_factory=timezone.localdate)

    @property
    def value(self) -> Decimal | None:
        return self.reading.value if self.reading else None

    @property
    def shortfall(self) -> Decimal | None:
        """How far from meeting it (0 when met), in the measure's unit: for sorting what lags most."""
        if self.gap is None:
            return None
        return max(Decimal(0), -self.gap if self.target.comparison == AT_LEAST else self.gap)

    @property
    def value_text(self) -> str:
        return format_value(self.measure, self.value)

    @property
    def gap_text(self) -> str:
        if self.gap is None:
            return "—"
        unit = {measures.SHARE: " điểm %", measures.PERCENT: " điểm %", measures.POINTS: " điểm",
                measures.MINUTES: " phút", measures.COUNT: ""}[self.measure.kind]
        return number(self.gap, 0 if self.measure.kind == measures.COUNT else 2, sign=True) + unit


def format_value(measure: Measure, value: Decimal | None) -> str:
    if value is None:
        return "—"
    if measure.kind in (measures.SHARE, measures.PERCENT):
        return number(value, 2) + "%"
    if measure.kind == measures.COUNT:
        return number(value, 0 if value == value.to_integral_value() else 2)
    return number(value, 2) + (" phút" if measure.kind == measures.MINUTES else " điểm")


def _calendar_for(target: Target, book: CalendarBook):
    if target.unit_id:
        return book.for_unit(target.unit.code)
    root = Unit.objects.filter(parent__isnull=True).order_by("position", "id").first()
    return book.for_unit(root.code) if root else book.default


def _working_days(calendar, first: date, last: date) -> int:
    if last < first:
        return 0
    return sum(1 for i in range((last - first).days + 1) if calendar.is_working_day(first + timedelta(days=i)))


def _scope_args(target: Target) -> dict:
    if target.scope == Scope.OFFICER:
        return {"officer": target.officer}
    if target.scope == Scope.UNIT:
        return {"unit_code": target.unit.code}
    return {}


def progress(target: Target, today: date | None = None, reader: Reader | None = None) -> Progress:
    """Where `target` stands on `today` (default: the local date now). See the module's docstring."""
    today = today or timezone.localdate()
    reader = reader or Reader()
    measure = measures.measure(target.measure)
    calendar = _calendar_for(target, reader.book)
    days_total = (target.end - target.start).days + 1
    if today < target.start:
        working_left = _working_days(calendar, target.start, target.end)
        return Progress(target, measure, "not_started", target.start, target.start, None, None, None,
                        days_total, 0, days_total, working_left, 0, None, today)
    last = min(today, target.end)
    status = "running" if today <= target.end else "ended"
    reading = measure_value(target.measure, target.start, last, reader=reader, **_scope_args(target))
    days_left = (target.end - today).days + 1 if status == "running" else 0
    working_left = _working_days(calendar, today, target.end) if status == "running" else 0
    working_elapsed = _working_days(calendar, target.start, last)
    gap = met = None
    if reading.value is not None:
        gap = (reading.value - target.value).quantize(TWO)
        met = gap >= 0 if target.comparison == AT_LEAST else gap <= 0
    effort = _effort(target, measure, reading, gap, working_left, working_elapsed) if status == "running" else None
    return Progress(target, measure, status, target.start, last, reading, gap, met, days_total,
                    (last - target.start).days + 1, days_left, working_left, working_elapsed, effort, today)


def _per_day(amount: Decimal, days: int) -> Decimal:
    return (amount / days).quantize(Decimal("0.1"), ROUND_CEILING)


def _effort(target: Target, measure: Measure, reading: Reading, gap: Decimal | None, days_left: int,
            days_elapsed: int) -> Effort | None:
    if days_left <= 0:
        return Effort("none", None, None, measure.effort_label, text="Không còn ngày làm việc nào trong kỳ.")
    at_least = target.comparison == AT_LEAST
    if measure.kind == measures.SHARE:
        n, d = reading.numerator, reading.denominator
        if n is None or d is None:
            return None
        if d == 0:
            return Effort("none", None, None, measure.effort_label, text="Chưa có hồ sơ nào trong kỳ để tính.")
        factor = reading.factor if reading.factor is not None else Fraction(1)
        if factor == 0:
            return Effort("none", None, None, measure.effort_label,
                          text="Tỷ lệ nhân (đồng bộ) đang bằng 0: chưa tính được.")
        pace = Fraction(d, max(days_elapsed, 1))
        final_d = d + pace * days_left
        wanted = Fraction(target.value) / 100 * final_d / factor  # numerator needed at the end
        pace_dec = Decimal(pace.numerator) / Decimal(pace.denominator)
        if at_least:
            more = max(0, math.ceil(wanted - n))
            available = pace * days_left + (d - n if measure.retroactive else 0)
            per_day = _per_day(Decimal(more), days_left)
            feasible = more <= available
            lead = "Để giữ chỉ tiêu đến cuối kỳ: thêm" if gap is not None and gap >= 0 else "Cần thêm"
            text = (f"{lead} {number(more)} {measure.effort_label} "
                    f"(khoảng {number(per_day, 1)} mỗi ngày làm việc, trong khoảng "
                    f"{number(pace_dec, 1)} hồ sơ mới mỗi ngày)") if more else "Đã đủ để đạt chỉ tiêu đến cuối kỳ."
            if more and not feasible:
                text += "; không thể đạt với nhịp hồ sơ hiện nay"
            return Effort("items", per_day, Decimal(more), measure.effort_label, pace_dec.quantize(Decimal("0.1")),
                          feasible, text)
        allowed = math.floor(wanted - n)
        per_day = (Decimal(max(allowed, 0)) / days_left).quantize(Decimal("0.1"), ROUND_HALF_UP)
        text = (f"Tối đa {number(max(allowed, 0))} {measure.effort_label} nữa "
                f"(khoảng {number(per_day, 1)} mỗi ngày làm việc)")
        return Effort("at_most", per_day, Decimal(max(allowed, 0)), measure.effort_label,
                      pace_dec.quantize(Decimal("0.1")), allowed >= 0, text)
    if measure.kind in (measures.POINTS, measures.COUNT) and gap is not None:
        to_go = max(Decimal(0), -gap) if at_least else max(Decimal(0), gap)
        per_day = _per_day(to_go, days_left)
        if measure.kind == measures.POINTS:
            text = (f"Cần tăng {number(to_go, 2)} điểm ({number(per_day, 2)} điểm mỗi ngày làm việc)"
                    if to_go else "Đang đạt chỉ tiêu.")
            return Effort("points", per_day, to_go, "điểm", text=text)
        if at_least:
            text = (f"Cần thêm {number(to_go)} {measure.effort_label} ({number(per_day, 1)} mỗi ngày làm việc)"
                    if to_go else "Đang đạt chỉ tiêu.")
            return Effort("items", per_day, to_go, measure.effort_label, text=text)
        room = max(Decimal(0), -gap)
        return Effort("at_most", (room / days_left).quantize(Decimal("0.1")), room, measure.effort_label,
                      feasible=gap <= 0, text=f"Còn được phép {number(room)} {measure.effort_label}"
                      if gap <= 0 else f"Đã vượt {number(gap)} {measure.effort_label}")
    return None


def progress_all(targets, today: date | None = None, reader: Reader | None = None) -> list[Progress]:
    """`progress` of each target, sharing one `Reader`."""
    reader = reader or Reader()
    return [progress(t, today, reader) for t in targets]


# -- trend ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    day: date  # the last day of the point (a day, or the end of a week)
    since_start: Decimal | None  # the value from the target's start to `day`
    alone: Decimal | None  # the value of that day (or week) alone
    numerator: int | None = None
    denominator: int | None = None


def trend(target: Target, today: date | None = None, step: str = "day", max_points: int | None = None,
          reader: Reader | None = None) -> list[TrendPoint]:
    """The target's value at each day (`step="day"`) or week end (`"week"`, 7-day blocks from the start, the
    last one possibly shorter) from its start to the earlier of `today` and its end.

    At most `max_points` points (62 days, 60 weeks by default): the latest ones.
    """
    if step not in ("day", "week"):
        raise ValueError("step is 'day' or 'week'")
    today = today or timezone.localdate()
    reader = reader or Reader()
    last = min(today, target.end)
    if last < target.start:
        return []
    span = 1 if step == "day" else 7
    limit = max_points or (MAX_DAILY_POINTS if step == "day" else MAX_WEEKLY_POINTS)
    blocks = []  # (first day, last day) of each point
    first = target.start
    while first <= last:
        blocks.append((first, min(first + timedelta(days=span - 1), last)))
        first += timedelta(days=span)
    blocks = blocks[-limit:]
    scope = _scope_args(target)
    points = []
    for first, end in blocks:
        cumulative = measure_value(target.measure, target.start, end, reader=reader, **scope)
        alone = (cumulative if first == target.start
                 else measure_value(target.measure, first, end, reader=reader, **scope))
        points.append(TrendPoint(end, cumulative.value, alone.value, cumulative.numerator, cumulative.denominator))
    return points
