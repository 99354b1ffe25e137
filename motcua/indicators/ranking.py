"""The fair ranking of units (issue 11, point 6): departments and communes apart, volume beside every rate,
and the units whose score says little marked and ranked after the others (docs/ranking.md).

Pure functions over the contract JSON of `service.index_json` (the province result: `units` after the
province) and a rule set. The official total is never changed: it is read from the JSON and shown as is.
What this module adds is where a unit stands and how much its score can be trusted:

- each kind (departments, communes) is ranked on its own;
- a unit with no dossier of its own in the period ("chưa phát sinh hồ sơ") is not ranked at all;
- a unit with fewer than `min_dossiers` dossiers ("ít hồ sơ") is ranked after every unit with enough,
  in a group of its own, by the same official total;
- the points a unit gets from empty-period rules (an indicator whose denominator is 0 scoring its
  `empty_points`, e.g. 6 for 4.1 when there is no feedback item) are summed and shown;
- the main dossier rates carry a 95% Wilson score interval, so that a reader sees when two rates are
  indistinguishable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.conf import settings

from motcua.indicators.comparison import RankedUnit, ranks
from motcua.indicators.rules import RuleSet
from motcua.lib.vnformat import to_decimal

# A unit with fewer dossiers under processing in the period is ranked after the others (docs/ranking.md).
MIN_DOSSIERS = 30
Z_95 = 1.959963984540054  # the two-sided 95% normal quantile

DEPARTMENT, COMMUNE = "department", "commune"
RANKED_KINDS = ((DEPARTMENT, "Sở, ban, ngành"), (COMMUNE, "Xã, phường"))

ENOUGH, FEW, EMPTY = "du", "it-ho-so", "chua-phat-sinh"
TIER_LABELS = {ENOUGH: "Đủ hồ sơ để xếp hạng", FEW: "Ít hồ sơ", EMPTY: "Chưa phát sinh hồ sơ"}

# The populations that measure a unit's volume (populations.py names), whatever the rule set's ids are.
RECEIVED_POPULATION = "dossiers_received_with_refused"
PROCESSING_POPULATION = "dossiers_under_processing"
FEEDBACK_KIND = "feedback"


def min_dossiers() -> int:
    """The volume below which a unit is ranked apart: settings.MOTCUA_RANKING_MIN_DOSSIERS or 30."""
    return int(getattr(settings, "MOTCUA_RANKING_MIN_DOSSIERS", MIN_DOSSIERS))


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (None when there are no trials).

    centre = (p + z²/2n) / (1 + z²/n), half width = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n).
    """
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must be between 0 and trials")
    n, p, z2 = trials, successes / trials, z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class RateCell:
    """One of a unit's main rates with its volume and its 95% Wilson interval."""

    id: str
    label: str
    numerator: int
    denominator: int
    rate: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class FairUnit:
    official: RankedUnit  # the official total and group points, as the rule set computes them
    kind: str
    received: int  # dossiers received in the period (refused ones included)
    processing: int  # dossiers under processing in the period (carried over + received)
    feedback: int  # feedback items under the unit in the period
    tier: str  # ENOUGH | FEW | EMPTY
    rank: int | None  # place within its kind: ENOUGH first, then FEW; None for EMPTY
    empty_rule_points: Decimal  # points scored by empty-period rules
    empty_rule_indicators: tuple[str, ...]
    rates: tuple[RateCell, ...]
    previous_rank: int | None = None
    flags: tuple = field(default=())  # gaming flags, filled by the caller (gaming.py)

    @property
    def code(self) -> str:
        return self.official.code

    @property
    def name(self) -> str:
        return self.official.name

    @property
    def total(self) -> Decimal:
        return self.official.total

    @property
    def few(self) -> bool:
        return self.tier == FEW

    @property
    def empty(self) -> bool:
        return self.tier == EMPTY

    @property
    def rests_on_empty_rules(self) -> bool:
        return self.empty_rule_points > 0

    @property
    def rank_change(self) -> int | None:
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def badges(self) -> tuple[str, ...]:
        found = []
        if self.tier == EMPTY:
            found.append("chưa phát sinh hồ sơ")
        elif self.tier == FEW:
            found.append("ít hồ sơ")
        if self.rests_on_empty_rules:
            found.append("chấm theo quy tắc kỳ trống")
        return tuple(found)


@dataclass(frozen=True)
class FairRanking:
    """The ranking of one kind of unit."""

    kind: str
    label: str
    ranked: tuple[FairUnit, ...]  # enough dossiers, by official total
    few: tuple[FairUnit, ...]  # ranked after them, by official total
    empty: tuple[FairUnit, ...]  # no dossier in the period: not ranked

    @property
    def units(self) -> tuple[FairUnit, ...]:
        return (*self.ranked, *self.few, *self.empty)

    @property
    def highest(self) -> FairUnit | None:
        return self.ranked[0] if self.ranked else None

    @property
    def lowest(self) -> FairUnit | None:
        """The lowest unit with enough dossiers: the only one a report may name "lowest"."""
        return self.ranked[-1] if self.ranked else None


def _by_population(ruleset: RuleSet, population: str) -> str | None:
    return next((r.id for r in ruleset.indicators if r.population == population), None)


def main_rate_ids(ruleset: RuleSet) -> tuple[str, ...]:
    """The rates that carry points and count dossiers: those a reader compares between units."""
    return tuple(r.id for r in ruleset.indicators if r.kind == "dossier" and r.max_points > 0)


def volumes(ruleset: RuleSet, unit: dict) -> tuple[int, int, int]:
    """(received, under processing, feedback items) of one unit of an `index_json` result, read from the
    denominators of the rule set's indicators over those populations."""
    by_id = {i["id"]: i for i in unit["indicators"]}
    received_id = _by_population(ruleset, RECEIVED_POPULATION)
    processing_id = _by_population(ruleset, PROCESSING_POPULATION)
    feedback_id = next((r.id for r in ruleset.indicators if r.kind == FEEDBACK_KIND), None)

    def denominator(indicator_id):
        return int(by_id[indicator_id]["denominator"]) if indicator_id in by_id else 0
    return denominator(received_id), denominator(processing_id), denominator(feedback_id)


def empty_rule_points(unit: dict) -> tuple[Decimal, tuple[str, ...]]:
    """The points the unit gets from indicators with an empty population, and their ids."""
    empty = [i for i in unit["indicators"] if i["denominator"] == 0 and to_decimal(i["points"]) > 0]
    return sum((to_decimal(i["points"]) for i in empty), Decimal(0)), tuple(i["id"] for i in empty)


def rate_cells(ruleset: RuleSet, unit: dict) -> tuple[RateCell, ...]:
    by_id = {i["id"]: i for i in unit["indicators"]}
    cells = []
    for indicator_id in main_rate_ids(ruleset):
        entry = by_id[indicator_id]
        rule = ruleset.indicator(indicator_id)
        interval = None if rule.times_rate_of else wilson_interval(entry["numerator"], entry["denominator"])
        cells.append(RateCell(indicator_id, rule.label, entry["numerator"], entry["denominator"], entry["rate"],
                              *(interval or (None, None))))
    return tuple(cells)


def tier_of(processing: int, received: int, least: int) -> str:
    if processing == 0 and received == 0:
        return EMPTY
    return FEW if max(processing, received) < least else ENOUGH


def _places(units: list[tuple[str, Decimal, str]]) -> dict[str, int]:
    """code -> place: units with enough dossiers by total (competition ranking), then the few ones after
    the last of them, by total; empty units get no place."""
    enough = {code: total for code, total, tier in units if tier == ENOUGH}
    few = {code: total for code, total, tier in units if tier == FEW}
    places = ranks(enough)
    offset = len(enough)
    places.update({code: offset + place for code, place in ranks(few).items()})
    return places


def _tiers(result: dict, ruleset: RuleSet, kinds: dict[str, str], least: int) -> dict[str, list]:
    found: dict[str, list] = {kind: [] for kind, _ in RANKED_KINDS}
    for unit in result["units"][1:]:
        kind = kinds.get(unit["code"])
        if kind in found:
            received, processing, _feedback = volumes(ruleset, unit)
            found[kind].append((unit["code"], to_decimal(unit["total"]), tier_of(processing, received, least)))
    return found


def _placed(units: list[FairUnit], tier: str, order: dict[str, int]) -> tuple[FairUnit, ...]:
    chosen = [u for u in units if u.tier == tier]
    return tuple(sorted(chosen, key=lambda u: (u.rank if u.rank is not None else 0, order[u.code])))


def fair_ranking(current: dict, ruleset: RuleSet, kinds: dict[str, str], previous: dict | None = None,
                 least: int | None = None) -> list[FairRanking]:
    """The departments' ranking and the communes' ranking of a province `index_json` result.

    `kinds` maps unit codes to their kind (units.Unit.kind); units of other kinds are left out. Within a
    kind, units with enough dossiers come first by official total (equal totals share a place), then the
    units with few dossiers by official total, then the units with none, unranked, in file order. The
    previous place is the place the same rules gave in `previous`.
    """
    least = min_dossiers() if least is None else least
    now = _tiers(current, ruleset, kinds, least)
    before = _tiers(previous, ruleset, kinds, least) if previous else {}
    previous_totals = {u["code"]: to_decimal(u["total"]) for u in previous["units"][1:]} if previous else {}
    rankings = []
    for kind, label in RANKED_KINDS:
        places = _places(now[kind])
        places_before = _places(before.get(kind, []))
        order = {code: i for i, (code, _, _) in enumerate(now[kind])}
        units = []
        for unit in current["units"][1:]:
            code = unit["code"]
            if kinds.get(code) != kind:
                continue
            received, processing, feedback = volumes(ruleset, unit)
            tier = tier_of(processing, received, least)
            official = RankedUnit(code=code, name=unit["name"], total=to_decimal(unit["total"]),
                                  groups={g["id"]: to_decimal(g["points"]) for g in unit["groups"]},
                                  rank=places.get(code, 0), previous_total=previous_totals.get(code),
                                  previous_rank=places_before.get(code))
            points, ids = empty_rule_points(unit)
            units.append(FairUnit(official=official, kind=kind, received=received, processing=processing,
                                  feedback=feedback, tier=tier, rank=places.get(code), empty_rule_points=points,
                                  empty_rule_indicators=ids, rates=rate_cells(ruleset, unit),
                                  previous_rank=places_before.get(code)))
        rankings.append(FairRanking(kind, label, _placed(units, ENOUGH, order), _placed(units, FEW, order),
                                    _placed(units, EMPTY, order)))
    return rankings


def with_flags(ranking: FairRanking, flags: dict[str, tuple]) -> FairRanking:
    """The same ranking with each unit's gaming flags attached (`flags`: unit code -> flags)."""
    def attach(units):
        return tuple(replace(u, flags=tuple(flags.get(u.code, ()))) for u in units)
    return replace(ranking, ranked=attach(ranking.ranked), few=attach(ranking.few), empty=attach(ranking.empty))
