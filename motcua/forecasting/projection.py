"""A value at a future date at the current pace, with a band: pure arithmetic over a dated series.

The series is a quantity read on several dates (the index's total of a period so far, read at the end of
each sampled day). The method, in docs/forecasting.md "Forecast":

- the pace is the least-squares line through the last `window` points (by default five weekly readings:
  today and 7, 14, 21, 28 days before); the forecast is that line at the target date;
- the band applies the slowest and the fastest slope between two consecutive points of the window (the
  pace of each of the last weeks) from the line's value today, widened by the largest distance of a point
  from the line (how noisy a single reading is);
- everything is clipped to the quantity's range (0 to the maximum points, 0 to 1 for a rate).

A series on a straight line gives the exact value and a band of zero width; a single reading gives that
reading for every future date (no pace can be read from one point).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WINDOW = 5  # points: today and the four weeks before when the series is read weekly


@dataclass(frozen=True)
class Projection:
    """The value expected on `for_date` at the current pace and its band, read from `points`."""

    for_date: date
    value: float
    low: float
    high: float
    slope_per_day: float  # the fitted pace
    slopes: tuple[float, ...]  # the pace of each interval of the window, oldest first
    points: tuple[tuple[date, float], ...]  # the readings used (the window)

    def contains(self, actual: float) -> bool:
        return self.low - 1e-9 <= actual <= self.high + 1e-9


def _clip(value: float, lower: float | None, upper: float | None) -> float:
    if lower is not None:
        value = max(lower, value)
    if upper is not None:
        value = min(upper, value)
    return value


def project(series: Sequence[tuple[date, float]], for_date: date, *, window: int = WINDOW,
            lower: float | None = 0.0, upper: float | None = None) -> Projection:
    """The value at `for_date` from the last `window` readings of `series` (pairs of date and value, in
    any order, dates distinct). Raises ValueError on an empty series."""
    points = sorted((d, float(v)) for d, v in series if v is not None)
    if not points:
        raise ValueError("a projection needs at least one reading")
    points = points[-window:]
    today, last = points[-1]
    if len(points) == 1:
        value = _clip(last, lower, upper)
        return Projection(for_date, value, value, value, 0.0, (), tuple(points))
    xs = [(d - today).days for d, _ in points]  # days relative to the last reading (<= 0)
    ys = [v for _, v in points]
    n = len(points)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    at_today = mean_y - slope * mean_x  # the line's value at x = 0, today
    residual = max(abs(y - (at_today + slope * x)) for x, y in zip(xs, ys, strict=True))
    slopes = tuple((ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(n - 1))
    horizon = max((for_date - today).days, 0)
    value = at_today + slope * horizon
    low = min(at_today + min(slopes) * horizon, value) - residual
    high = max(at_today + max(slopes) * horizon, value) + residual
    # Rounding noise of an exact line must not open a band.
    if residual < 1e-9:
        low, high = min(low, value), max(high, value)
    return Projection(for_date, _clip(value, lower, upper), _clip(low, lower, upper), _clip(high, lower, upper),
                      slope, slopes, tuple(points))
