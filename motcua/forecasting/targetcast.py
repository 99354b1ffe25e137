"""Each target's value at its period's end at the current pace, with a band, read from the target's own
weekly trend (`targets.progress.trend`: the value since the target's start at each week's end, the last
point today) by the same projection as the index (`projection.project`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from motcua.forecasting.indexcast import store
from motcua.forecasting.projection import Projection, project
from motcua.lib.periods import local_date
from motcua.targets import measures
from motcua.targets.measures import AT_LEAST
from motcua.targets.models import Scope, Target
from motcua.targets.progress import Reader, format_value, trend

MET, MISSED, UNCERTAIN = "met", "missed", "uncertain"
OUTLOOK_LABELS = {MET: "Dự kiến đạt", MISSED: "Dự kiến không đạt", UNCERTAIN: "Chưa chắc chắn"}


def upper_of(measure) -> float | None:
    return 100.0 if measure.kind in (measures.SHARE, measures.PERCENT, measures.POINTS) else None


def what_of(target: Target) -> str:
    return f"target:{target.pk}"


def scope_of(target: Target, province_code: str) -> str:
    if target.scope == Scope.UNIT:
        return target.unit.code
    if target.scope == Scope.OFFICER:
        return f"officer:{target.officer.get_username()}"
    return province_code


@dataclass(frozen=True)
class TargetForecast:
    target: Target
    series: list[tuple[date, float]]
    projection: Projection

    @property
    def outlook(self) -> str:
        """Met if even the band's worst end meets the target, missed if even its best end does not."""
        goal = float(self.target.value)
        p = self.projection
        worst, best = (p.low, p.high) if self.target.comparison == AT_LEAST else (-p.high, -p.low)
        goal = goal if self.target.comparison == AT_LEAST else -goal
        if worst >= goal:
            return MET
        if best < goal:
            return MISSED
        return UNCERTAIN

    @property
    def outlook_label(self) -> str:
        return OUTLOOK_LABELS[self.outlook]

    def text(self, value: float) -> str:
        return format_value(measures.measure(self.target.measure), Decimal(str(round(value, 4))))


def target_series(target: Target, today: date, reader: Reader | None = None) -> list[tuple[date, float]]:
    return [(p.day, float(p.since_start)) for p in trend(target, today, step="week", reader=reader)
            if p.since_start is not None]


def forecast_target(target: Target, today: date, reader: Reader | None = None) -> TargetForecast | None:
    """The target's forecast at its end (None before its start or without any value yet)."""
    series = target_series(target, today, reader)
    if not series:
        return None
    measure = measures.measure(target.measure)
    return TargetForecast(target, series, project(series, target.end, upper=upper_of(measure)))


def record_targets(targets, *, now, province_code: str) -> list:
    """Store today's forecast of each target in force (for its end and a week ahead)."""
    today = local_date(now)
    reader = Reader(now=now)
    rows = []
    for target in targets:
        found = forecast_target(target, today, reader)
        if found is None:
            continue
        rows.extend(store(what_of(target), scope_of(target, province_code), found.series,
                          upper_of(measures.measure(target.measure)), target.start, target.end, now=now))
    return rows
