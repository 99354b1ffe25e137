"""Scoring rules against the province's published table (index766.md "Checks against the province's
published table", letter 578/VPUB-HCC Appendix I), and the rounding conventions."""

from decimal import Decimal
from fractions import Fraction

import pytest

from motcua.indicators import scoring
from motcua.indicators.rules import load_ruleset


def published(percent: str) -> Fraction:
    """A rate as the table prints it, e.g. "96,49%"."""
    return Fraction(Decimal(percent.rstrip("%").replace(",", "."))) / 100


def group_points(ruleset, rates: dict[str, Fraction]) -> Decimal:
    total = sum((ruleset.indicator(i).points(r) for i, r in rates.items()), Fraction(0))
    return scoring.round_half_up(total, 2)


def test_group_iv_published_rates_give_17_86():
    # 6 × 0.9962 + 6 × 0.9800 + min(6, 6 × 0.9627 / 0.90) = 5.9772 + 5.88 + 6 = 17.8572
    rs = load_ruleset("qd766")
    rates = {"4.1": published("99,62%"), "4.2": published("98,00%"), "4.3": published("96,27%")}
    assert group_points(rs, rates) == Decimal("17.86")
    assert rs.indicator("4.3").points(published("96,27%")) == 6  # capped at full points above 0.90


def test_group_ii_week_of_22_september_gives_19_30():
    # 20 × 0.9649 = 19.298
    rs = load_ruleset("qd766")
    assert group_points(rs, {"2.1": published("96,49%")}) == Decimal("19.30")
    assert scoring.shown_points(rs.indicator("2.1").points(published("96,49%"))) == 19.3


def test_group_i_published_rates_imply_a_sync_rate_near_89_78_percent():
    # 6 × 0.7849 + 4 × 0.9184 + 2 × 1 = 4.7094 + 3.6736 + 2 = 10.383; 15.77 - 10.383 = 5.387 = 6 × 0.8978.
    # With s = 0.8978: 10.383 + 5.3868 = 15.7698, shown 15.77.
    rs = load_ruleset("qd766")
    s = Fraction(8978, 10000)
    rates = {"1.1": published("78,49%"), "1.2": published("91,84%"), "1.3": Fraction(1), "1.4": s}
    assert group_points(rs, rates) == Decimal("15.77")


def test_online_payment_10_of_10_needs_the_threshold_80_variant_of_3_7():
    # 3.5 and 3.6 at full points (2 + 2), 3.7 at 85.29% of dossiers paid online.
    paid = published("85,29%")
    variant = load_ruleset("qd766-threshold80")
    full = {"3.5": Fraction(1), "3.6": Fraction(1)}
    # 6 × min(1, 0.8529 / 0.80) = 6
    assert variant.indicator("3.7").points(paid) == 6
    assert group_points(variant, {**full, "3.7": paid}) == Decimal("10.00")
    # The default linear rule gives 2 + 2 + 6 × 0.8529 = 9.1174, which the province did not publish.
    default = load_ruleset("qd766")
    assert group_points(default, {**full, "3.7": paid}) == Decimal("9.12")


def test_threshold_scoring_is_proportional_below_the_threshold():
    assert scoring.threshold(Fraction(2), Fraction(1, 2), Fraction(4, 5)) == Fraction(5, 4)  # 2 × 0.5 / 0.8
    assert scoring.threshold(Fraction(2), Fraction(4, 5), Fraction(4, 5)) == 2
    assert scoring.threshold(Fraction(2), Fraction(1), Fraction(4, 5)) == 2


def test_an_empty_denominator_scores_the_empty_rule():
    rs = load_ruleset("qd766")
    assert scoring.rate(0, 0) is None
    assert rs.indicator("4.1").points(None) == 6
    assert rs.indicator("4.2").points(None) == 6
    assert rs.indicator("5.7").points(None) == 2
    assert rs.indicator("2.1").points(None) == 0
    assert rs.indicator("3.7").points(None) == 0


@pytest.mark.parametrize("value, places, expected", [
    (Fraction(1, 8), 2, "0.13"),  # float round() gives 0.12 (banker's rounding of 0.125)
    (Fraction(19298, 1000), 2, "19.30"),
    (Fraction(2, 3), 4, "0.6667"),
    (Fraction(1, 20000), 4, "0.0001"),  # 0.00005 rounds up
    (Fraction(49999, 1000000), 4, "0.0500"),
    (Fraction(0), 2, "0.00"),
])
def test_rounding_is_half_up_and_exact(value, places, expected):
    assert scoring.round_half_up(value, places) == Decimal(expected)
    assert str(scoring.round_half_up(value, places)) == expected


def test_threshold_read_from_toml_is_exactly_four_fifths():
    assert scoring.exact(0.80) == Fraction(4, 5)
    assert load_ruleset("qd766-threshold80").indicator("3.7").scoring.threshold == Fraction(4, 5)
