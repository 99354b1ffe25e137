"""`compute.unit_scores` in integer arithmetic, for pages that score every unit on each request.

`compute.unit_scores` is the definition: rates and points as exact `Fraction`s, rounded once, half up.
With 22 indicators and five groups that is about 1 ms per unit in `Fraction` arithmetic, so 150 units
cost more than the whole live computation. `UnitScorer` produces the identical dictionary with plain
integers: each rate or point value is kept as an unreduced numerator/denominator pair (reducing is never
needed to round exactly), and sums use a common denominator. Nothing here decides anything: maxima,
scoring kinds, thresholds, empty points and `times_rate_of` all come from the rule set. The tests check
the output against `compute.unit_scores` on random counts for every shipped rule set.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from motcua.indicators import scoring
from motcua.indicators.records import Unit
from motcua.indicators.rules import RuleSet

Ratio = tuple[int, int]  # (numerator, denominator > 0), not necessarily reduced


def _shown(value: Ratio, places: int) -> float:
    """`float(scoring.round_half_up(n / d, places))` without building a Fraction or a Decimal.

    Half up away from zero, exactly as `round_half_up`. Dividing the rounded integer by 10**places is the
    correctly rounded float of that decimal, which is also what float(Decimal) returns.
    """
    numerator, denominator = value
    scale = 10**places
    whole = (2 * abs(numerator) * scale + denominator) // (2 * denominator)
    return (-whole if numerator < 0 else whole) / scale


def _add(a: Ratio, b: Ratio) -> Ratio:
    if a[1] == b[1]:
        return a[0] + b[0], a[1]
    return a[0] * b[1] + b[0] * a[1], a[1] * b[1]


class UnitScorer:
    """Scores units under one rule set; `scores(unit, counts)` equals `compute.unit_scores(...)`."""

    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        rules = ruleset.indicators
        self.ids = [rule.id for rule in rules]
        position = {rule.id: i for i, rule in enumerate(rules)}
        self.other = [position[rule.times_rate_of] if rule.times_rate_of is not None else None for rule in rules]
        self.max = [(rule.max_points.numerator, rule.max_points.denominator) for rule in rules]
        self.empty = [(rule.empty_points.numerator, rule.empty_points.denominator) for rule in rules]
        self.kind = [rule.scoring.kind for rule in rules]
        self.threshold = [(rule.scoring.threshold.numerator, rule.scoring.threshold.denominator)
                          if rule.scoring.threshold is not None else None for rule in rules]
        for rule in rules:
            if rule.scoring.kind not in scoring.SCORING_KINDS:
                raise ValueError(f"unknown scoring kind {rule.scoring.kind!r}")
        self.shown_max = [scoring.shown_number(rule.max_points) for rule in rules]
        self.groups = [(group.id, [position[r.id] for r in ruleset.in_group(group.id)],
                        scoring.shown_number(group.max_points)) for group in ruleset.groups]
        grouped = {i for _, members, _ in self.groups for i in members}
        self.ungrouped = [i for i in range(len(rules)) if i not in grouped]
        self._memo: dict[tuple, tuple[dict, Ratio]] = {}

    def _points(self, i: int, rate: Ratio | None) -> Ratio:
        if rate is None:
            return self.empty[i]
        max_n, max_d = self.max[i]
        n, d = rate
        if self.kind[i] == scoring.LINEAR:
            return max_n * n, max_d * d
        t_n, t_d = self.threshold[i]
        # max × min(1, rate / T): rate / T = (n t_d) / (d t_n)
        if n * t_d >= d * t_n:
            return max_n, max_d
        return max_n * n * t_d, max_d * d * t_n

    def _indicator(self, i: int, numerator: int, denominator: int, other: tuple | None) -> tuple[dict, Ratio]:
        """The JSON entry of indicator i and its unrounded points; `other` is the counts of the indicator
        whose rate multiplies this one's. Memoised: many units and many requests share the same counts."""
        memo_key = (i, numerator, denominator, other)
        found = self._memo.get(memo_key)
        if found is not None:
            return found
        rate: Ratio | None = (numerator, denominator) if denominator else None
        if other is not None and rate is not None:
            rate = None if not other[1] else (rate[0] * other[0], rate[1] * other[1])
        points = self._points(i, rate)
        entry = {
            "id": self.ids[i],
            "numerator": numerator,
            "denominator": denominator,
            "rate": None if rate is None else _shown(rate, scoring.RATE_PLACES),
            "points": _shown(points, scoring.POINTS_PLACES),
            "max": self.shown_max[i],
        }
        if len(self._memo) > 200_000:
            self._memo.clear()
        found = self._memo[memo_key] = (entry, points)
        return found

    def scores(self, unit: Unit, numerators: Sequence[int], denominators: Sequence[int]) -> dict:
        """One entry of `units`, from the counts in rule-set order."""
        indicators, points = [], []
        for i, (numerator, denominator) in enumerate(zip(numerators, denominators, strict=True)):
            other = self.other[i]
            entry, value = self._indicator(i, numerator, denominator,
                                           None if other is None else (numerators[other], denominators[other]))
            indicators.append(dict(entry))  # a copy: callers may change what they get
            points.append(value)
        groups, total = [], (0, 1)
        for group_id, members, shown_max in self.groups:
            value = (0, 1)
            for i in members:
                value = _add(value, points[i])
            total = _add(total, value)
            groups.append({"id": group_id, "points": _shown(value, scoring.POINTS_PLACES), "max": shown_max})
        # The reference sums every indicator's points for the total, grouped or not.
        for i in self.ungrouped:
            total = _add(total, points[i])
        return {
            "code": unit.code,
            "name": unit.name,
            "total": _shown(total, scoring.POINTS_PLACES),
            "groups": groups,
            "indicators": indicators,
        }

    def scores_from(self, unit: Unit, counts: Callable[[str], tuple[int, int]]) -> dict:
        pairs = [counts(i) for i in self.ids]
        return self.scores(unit, [n for n, _ in pairs], [d for _, d in pairs])
