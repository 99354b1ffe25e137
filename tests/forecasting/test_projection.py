"""The projection at the current pace: exact on a straight line, a band that holds the true value of a
noisy one, clipped to the quantity's range."""

import random
from datetime import date, timedelta

import pytest

from motcua.forecasting.projection import project

TODAY = date(2025, 11, 26)
END = date(2025, 12, 31)


def weekly(f, weeks=4):
    return [(TODAY - timedelta(weeks=k), f(-7 * k)) for k in range(weeks, -1, -1)]


def test_a_straight_line_is_forecast_exactly_with_no_band():
    p = project(weekly(lambda x: 40 + 0.25 * x), END)
    expected = 40 + 0.25 * (END - TODAY).days
    assert p.value == pytest.approx(expected) and p.low == pytest.approx(expected) and p.high == pytest.approx(expected)
    assert p.slope_per_day == pytest.approx(0.25)
    assert p.slopes == pytest.approx((0.25,) * 4)


def test_the_band_holds_the_true_value_of_a_noisy_series():
    # 40 points today, half a point a week better, each reading off by up to a point
    noise = [0.8, -1.0, 0.6, -0.4, 0.9]
    series = [(day, 40 + value / 14 + noise[i]) for i, (day, value) in enumerate(weekly(lambda x: x))]
    truth = 40 + (END - TODAY).days / 14
    p = project(series, END, upper=100)
    assert p.low <= truth <= p.high and p.low < p.value < p.high


def test_the_band_holds_the_true_value_of_most_noisy_series():
    """Lines with Gaussian reading noise: the band holds the true end value about 97 times in 100."""
    rng = random.Random(766)
    held = 0
    for _ in range(1000):
        slope, start, sigma = rng.uniform(-0.1, 0.3), rng.uniform(20, 60), rng.uniform(0.2, 3)
        series = weekly(lambda x, a=start, b=slope, s=sigma: a + b * x + rng.gauss(0, s))
        p = project(series, END, upper=None)
        held += p.low <= start + slope * (END - TODAY).days <= p.high
        assert p.low <= p.value <= p.high
    assert held >= 950


def test_only_the_last_five_readings_are_used():
    series = weekly(lambda x: 10.0, weeks=8)
    series[0] = (series[0][0], 90.0)  # an old outlier outside the window
    p = project(series, END)
    assert (p.value, p.low, p.high) == (10.0, 10.0, 10.0)
    assert len(p.points) == 5


def test_the_forecast_stays_within_the_quantitys_range():
    p = project(weekly(lambda x: 95 + 0.5 * x), END, upper=100)
    assert p.value == 100 and p.high == 100
    p = project(weekly(lambda x: 10 - 0.5 * x), END)  # 10 today, falling half a point a day
    assert (p.value, p.low, p.high) == (0, 0, 0)


def test_one_reading_is_its_own_forecast_and_none_is_an_error():
    p = project([(TODAY, 42.5)], END)
    assert (p.value, p.low, p.high) == (42.5, 42.5, 42.5)
    with pytest.raises(ValueError):
        project([], END)
