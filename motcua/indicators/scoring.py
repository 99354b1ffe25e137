"""Scoring rules and rounding (index766.md "Scoring rules", interchange.md "Rounding").

Rates and points are exact `Fraction`s until they are shown: points = max × rate uses the unrounded rate,
group points and the total are sums of unrounded points, and each shown number is rounded once, half up
(rates to 4 decimals, points to 2). Rounding a float would turn 19.298 into 19.29 or 0.125 into 0.12 on
some inputs; exact fractions make the reference engine agree with any correct implementation.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

LINEAR = "linear"
THRESHOLD = "threshold"
SCORING_KINDS = (LINEAR, THRESHOLD)

RATE_PLACES = 4
POINTS_PLACES = 2


def exact(value) -> Fraction:
    """An exact fraction from an int, a Decimal, a decimal string or a float read from TOML (0.8 is 4/5)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def rate(numerator: int, denominator: int) -> Fraction | None:
    """numerator / denominator, or None (not applicable) when the denominator is 0."""
    if denominator == 0:
        return None
    return Fraction(numerator, denominator)


def linear(max_points: Fraction, rate_value: Fraction) -> Fraction:
    """points = max × rate."""
    return max_points * rate_value


def threshold(max_points: Fraction, rate_value: Fraction, at: Fraction) -> Fraction:
    """points = max × min(1, rate / T): full points at or above the threshold T."""
    return max_points * min(Fraction(1), rate_value / at)


def points(kind: str, max_points: Fraction, rate_value: Fraction | None, empty_points: Fraction,
           at: Fraction | None = None) -> Fraction:
    """The unrounded points of one indicator; a rate of None (denominator 0) scores `empty_points`."""
    if rate_value is None:
        return empty_points
    if kind == LINEAR:
        return linear(max_points, rate_value)
    if kind == THRESHOLD:
        if at is None:
            raise ValueError("threshold scoring needs a threshold")
        return threshold(max_points, rate_value, at)
    raise ValueError(f"unknown scoring kind {kind!r}")


def round_half_up(value: Fraction, places: int) -> Decimal:
    """`value` rounded to `places` decimals, halves away from zero, computed exactly."""
    scaled = Fraction(value) * 10**places
    sign = -1 if scaled < 0 else 1
    whole = (abs(scaled) + Fraction(1, 2)).__floor__()
    return Decimal(sign * whole).scaleb(-places)


def shown_rate(value: Fraction | None) -> float | None:
    """A rate as the JSON shows it: a fraction rounded to 4 decimals, or null."""
    return None if value is None else float(round_half_up(value, RATE_PLACES))


def shown_points(value: Fraction) -> float:
    """Points as the JSON shows them: rounded once to 2 decimals."""
    return float(round_half_up(value, POINTS_PLACES))


def shown_number(value: Fraction) -> int | float:
    """A maximum as the JSON shows it: an int when whole (6, 0), else a float."""
    return int(value) if value.denominator == 1 else float(value)
