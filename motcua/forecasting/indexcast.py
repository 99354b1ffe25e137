"""Each unit's 766 total and group points at the period's end at the current pace, the forecasts kept
(`Forecast`) and how the forecast made a week ago compares with what happened.

A reading is the index of the period so far, [date_from, day], evaluated at the end of `day` (nothing
after it counts: the index's own moment t), read through `indicators.service.index_json`, the one entry
point. Readings are taken weekly (the same weekday as today) so that a reading holds a whole week's work;
the projection (`projection.project`) uses the last five.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction

from motcua.forecasting.models import Forecast
from motcua.forecasting.projection import Projection, project
from motcua.indicators.rules import DEFAULT_RULESET
from motcua.indicators.service import index_json
from motcua.lib.periods import evaluation_moment, local_date

TOTAL = "total"
GROUPS = ("I", "II", "III", "IV", "V")
GROUP_LABELS = {"I": "Công khai, minh bạch", "II": "Tiến độ giải quyết", "III": "Dịch vụ công trực tuyến",
                "IV": "Mức độ hài lòng", "V": "Số hóa hồ sơ"}
WEEK = timedelta(days=7)
CHART_WEEKS = 12
FIT_WEEKS = 4  # five readings: the window of `projection.WINDOW`
AHEAD = 7  # the short forecast recorded beside the period's end: a week ahead, checked a week later


def quantity_label(what: str) -> str:
    if what == TOTAL:
        return "Tổng điểm"
    if what.startswith("group:"):
        group = what.split(":", 1)[1]
        return f"Nhóm {group}. {GROUP_LABELS.get(group, '')}".strip()
    return what


def quantities() -> list[str]:
    return [TOTAL, *(f"group:{g}" for g in GROUPS)]


def value_of(entry: dict, what: str) -> tuple[float, float]:
    """(value, maximum) of a quantity in one unit's entry of `index_json`."""
    if what == TOTAL:
        return float(entry["total"]), float(sum(g["max"] for g in entry["groups"]) or 100)
    group = what.split(":", 1)[1]
    for g in entry["groups"]:
        if g["id"] == group:
            return float(g["points"]), float(g["max"])
    raise KeyError(what)


def sample_days(date_from: date, date_to: date, today: date, weeks: int = CHART_WEEKS) -> list[date]:
    """The reading days, oldest first: the last one is today (or the period's end once past), then every
    7 days back, not before the period's start."""
    last = min(today, date_to)
    days = [last - WEEK * k for k in range(weeks + 1)]
    return sorted(d for d in days if d >= date_from)


class Readings:
    """Index readings of a period, each day read once (`index_json` per day gives every unit when asked
    for the province)."""

    def __init__(self, date_from: date, rules: str, now: datetime, unit_code: str | None = None):
        self.date_from, self.rules, self.now, self.unit_code = date_from, rules, now, unit_code
        self._by_day: dict[date, dict[str, dict]] = {}

    def on(self, day: date) -> dict[str, dict]:
        if day not in self._by_day:
            data = index_json(self.date_from, day, unit_code=self.unit_code, rules=self.rules,
                              now=evaluation_moment(day, self.now))
            self._by_day[day] = {u["code"]: u for u in data["units"]}
        return self._by_day[day]

    def value(self, day: date, scope: str, what: str) -> float | None:
        entry = self.on(day).get(scope)
        return None if entry is None else value_of(entry, what)[0]


@dataclass
class QuantityForecast:
    """One quantity of one unit: its readings and its projection to the period's end."""

    what: str
    scope: str
    series: list[tuple[date, float]]
    projection: Projection
    maximum: float
    ahead: Projection | None = None  # a week ahead (the short forecast)

    @property
    def label(self) -> str:
        return quantity_label(self.what)

    @property
    def current(self) -> float:
        return self.series[-1][1]


@dataclass
class UnitForecast:
    code: str
    name: str
    quantities: dict[str, QuantityForecast] = field(default_factory=dict)

    @property
    def total(self) -> QuantityForecast:
        return self.quantities[TOTAL]


def forecast_units(date_from: date, date_to: date, *, unit_code: str | None = None, rules: str = DEFAULT_RULESET,
                   now: datetime, weeks: int = CHART_WEEKS, readings: Readings | None = None) -> list[UnitForecast]:
    """Every unit of the index's answer (the province and its departments and communes, or the one unit
    asked for) with the total and each group projected to `date_to`."""
    today = local_date(now)
    readings = readings or Readings(date_from, rules, now, unit_code)
    days = sample_days(date_from, date_to, today, weeks)
    if not days:  # the period has not started: nothing to read yet
        return []
    latest = readings.on(days[-1])
    ahead_date = min(today + timedelta(days=AHEAD), date_to)
    found = []
    for code, entry in latest.items():
        unit = UnitForecast(code, entry["name"])
        for what in quantities():
            series = []
            for day in days:
                value = readings.value(day, code, what)
                if value is not None:
                    series.append((day, value))
            maximum = value_of(entry, what)[1]
            projection = project(series, date_to, upper=maximum)
            ahead = project(series, ahead_date, upper=maximum)
            unit.quantities[what] = QuantityForecast(what, code, series, projection, maximum, ahead)
        found.append(unit)
    return found


def store(what: str, scope: str, series: list[tuple[date, float]], maximum: float | None, period_from: date,
          period_end: date, *, now: datetime, rules: str = DEFAULT_RULESET) -> list[Forecast]:
    """Today's forecasts of one quantity for the period's end and for a week ahead (not past the end);
    recording again on the same day replaces them."""
    today = local_date(now)
    rows = []
    for for_date in sorted({period_end, min(today + timedelta(days=AHEAD), period_end)}):
        p = project(series, for_date, upper=maximum)
        row, _ = Forecast.objects.update_or_create(
            what=what, scope=scope, rules=rules, period_from=period_from, for_date=for_date, made_on=today,
            defaults={"made_at": now, "value": p.value, "low": p.low, "high": p.high, "current": series[-1][1]})
        rows.append(row)
    return rows


def record(date_from: date, date_to: date, *, now: datetime, rules: str = DEFAULT_RULESET,
           unit_code: str | None = None) -> list[Forecast]:
    """Store today's forecasts of every unit's total and groups (the province and its departments and
    communes, or the one unit asked for) for the period's end and for a week ahead."""
    units = forecast_units(date_from, date_to, unit_code=unit_code, rules=rules, now=now, weeks=FIT_WEEKS)
    rows = []
    with transaction.atomic():
        for unit in units:
            for q in unit.quantities.values():
                if q.series:
                    rows.extend(store(q.what, q.scope, q.series, q.maximum, date_from, date_to, now=now,
                                      rules=rules))
    return rows


@dataclass(frozen=True)
class Comparison:
    """A forecast held against what happened: the value on its date if that has come, else the latest."""

    forecast: Forecast
    actual: float
    actual_on: date
    final: bool  # the forecast's date has come: the actual is the value on that date

    @property
    def error(self) -> float:
        return self.actual - self.forecast.value

    @property
    def within(self) -> bool:
        return self.forecast.low - 1e-9 <= self.actual <= self.forecast.high + 1e-9


def made_a_week_ago(scope: str, what: str, period_from: date, for_date: date | None, today: date,
                    rules: str = DEFAULT_RULESET) -> Forecast | None:
    """The latest forecast made at least 7 days before `today` (for `for_date`, or for the date 7 days
    after it was made when `for_date` is None: the short forecast that has just come due)."""
    rows = Forecast.objects.filter(scope=scope, what=what, period_from=period_from, rules=rules,
                                   made_on__lte=today - WEEK)
    if for_date is not None:
        rows = rows.filter(for_date=for_date)
    else:
        rows = rows.filter(for_date__lte=today)
    return rows.order_by("-made_on", "-for_date").first()


def compare(forecast: Forecast, value_on: Callable[[date], float | None], today: date) -> Comparison | None:
    """The forecast against the value on its date (when it has come) or today's."""
    final = forecast.for_date <= today
    day = forecast.for_date if final else today
    actual = value_on(day)
    if actual is None:
        return None
    return Comparison(forecast, actual, day, final)


def comparisons(scope: str, what: str, date_from: date, date_to: date, readings: Readings, now: datetime,
                rules: str = DEFAULT_RULESET) -> list[tuple[str, Comparison]]:
    """The week-old forecasts of one quantity, each against what happened: the short one (made 7 days
    ago for today) and the one for the period's end."""
    today = local_date(now)
    found = []
    for kind, for_date in (("ahead", None), ("end", date_to)):
        forecast = made_a_week_ago(scope, what, date_from, for_date, today, rules)
        if forecast is None:
            continue
        comparison = compare(forecast, lambda day: readings.value(min(day, date_to), scope, what), today)
        if comparison is not None:
            found.append((kind, comparison))
    return found
