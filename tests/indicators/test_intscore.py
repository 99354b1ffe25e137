"""UnitScorer is compute.unit_scores in integer arithmetic: the same dictionary for any counts."""

import random

import pytest

from motcua.indicators.compute import unit_scores
from motcua.indicators.intscore import UnitScorer
from motcua.indicators.records import Unit
from motcua.indicators.rules import available_rulesets, load_ruleset


@pytest.mark.parametrize("name", available_rulesets())
def test_same_scores_as_the_reference_for_random_counts(name):
    ruleset = load_ruleset(name)
    scorer = UnitScorer(ruleset)
    rnd = random.Random(name)
    for k in range(1500):
        unit = Unit(f"U{k}", f"Đơn vị {k}", "commune", "T", False)
        counts = {}
        for rule in ruleset.indicators:
            denominator = rnd.choice([0, 1, 2, 3, 7, 8, 16, 400, 1000, 2001, rnd.randrange(2_000_000)])
            numerator = rnd.choice([0, denominator, rnd.randrange(denominator + 1)]) if denominator else 0
            counts[rule.id] = (numerator, denominator)
        expected = unit_scores(ruleset, unit, counts.__getitem__)
        got = scorer.scores_from(unit, counts.__getitem__)
        assert got == expected
        assert repr(got) == repr(expected)  # same float values, same int-vs-float maxima


def test_halves_round_up_exactly():
    """0.125 points, 0.00005 rates: a float would round these the wrong way."""
    ruleset = load_ruleset()
    scorer = UnitScorer(ruleset)
    unit = Unit("U", "U", "commune", "T", False)
    for numerator, denominator in ((1, 48), (1, 20000), (3, 8), (1, 3), (2, 3)):
        counts = {rule.id: (numerator, denominator) for rule in ruleset.indicators}
        assert scorer.scores_from(unit, counts.__getitem__) == unit_scores(ruleset, unit, counts.__getitem__)
