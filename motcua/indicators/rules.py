"""Versioned rule sets of the 766 index: TOML files parsed into frozen dataclasses and validated at load.

The index is defined by reviewed rule-set files, not by code (index766.md). A file names its populations
and counted subsets from `populations`, so a province's variant or a later revision (another threshold,
other points, another selector) is a new file and no code change. Validation is a list of small rules,
each returning its problems; loading fails with every problem at once, each naming the file and, where
there is one, the indicator.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path

from motcua.indicators import scoring
from motcua.indicators.populations import COUNTED, POPULATIONS

RULESETS_DIR = Path(__file__).with_name("rulesets")
DEFAULT_RULESET = "qd766"

# Fixed by Decision 766 itself; a rule set may move points between indicators, never between groups.
DECISION_GROUPS = (("I", 18), ("II", 20), ("III", 22), ("IV", 18), ("V", 22))
# The output contract lists exactly these indicators, in this order; 3.1-3.3 are sub-rates with max 0.
INDICATOR_IDS = ("1.1", "1.2", "1.3", "1.4", "2.1", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7",
                 "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7")
SUB_RATES = ("3.1", "3.2", "3.3")


class RuleSetError(ValueError):
    """A rule-set file that cannot be used; `problems` lists every reason found."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = Path(path)
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid rule set {self.path.name}:\n{lines}")


@dataclass(frozen=True)
class Scoring:
    kind: str  # "linear" | "threshold"
    threshold: Fraction | None = None

    def points(self, max_points: Fraction, rate: Fraction | None, empty_points: Fraction) -> Fraction:
        return scoring.points(self.kind, max_points, rate, empty_points, self.threshold)


@dataclass(frozen=True)
class GroupRule:
    id: str
    label: str
    max_points: Fraction


@dataclass(frozen=True)
class IndicatorRule:
    id: str
    group: str
    label: str  # Vietnamese, as published
    formula: str
    population: str  # a name in populations.POPULATIONS
    counted: str  # a name in populations.COUNTED
    max_points: Fraction
    scoring: Scoring
    empty_points: Fraction
    confidence: str
    times_rate_of: str | None = None  # the rate is multiplied by that indicator's rate (3.3 × 1.4)

    @property
    def kind(self) -> str:
        """What the indicator counts: dossier, procedure, feedback or commune."""
        return POPULATIONS[self.population].kind

    def points(self, rate: Fraction | None) -> Fraction:
        return self.scoring.points(self.max_points, rate, self.empty_points)


@dataclass(frozen=True)
class RuleSet:
    name: str
    version: str
    effective_date: date
    source: str
    notes: str
    groups: tuple[GroupRule, ...]
    indicators: tuple[IndicatorRule, ...]
    path: Path

    def indicator(self, indicator_id: str) -> IndicatorRule:
        for rule in self.indicators:
            if rule.id == indicator_id:
                return rule
        raise KeyError(indicator_id)

    def in_group(self, group_id: str) -> tuple[IndicatorRule, ...]:
        return tuple(rule for rule in self.indicators if rule.group == group_id)


# -- loading --------------------------------------------------------------------------------------------


def available_rulesets() -> list[str]:
    """Names of the rule sets shipped in `rulesets/`, sorted."""
    return sorted(path.stem for path in RULESETS_DIR.glob("*.toml"))


def load_ruleset(name: str = DEFAULT_RULESET) -> RuleSet:
    """The shipped rule set `name` (e.g. "qd766", "qd766-threshold80"), validated."""
    path = RULESETS_DIR / f"{name}.toml"
    if not path.is_file():
        raise RuleSetError(path, [f"no rule set named {name!r}; available: {', '.join(available_rulesets())}"])
    return load_ruleset_file(path)


def load_ruleset_file(path: Path | str) -> RuleSet:
    """A rule set from any TOML file (a province's own variant under review), validated."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleSetError(path, [f"cannot read: {exc}"]) from exc
    problems: list[str] = []
    ruleset = _parse(data, path, problems)
    if ruleset is not None:
        for rule in VALIDATION_RULES:
            problems.extend(rule(ruleset))
    if problems:
        raise RuleSetError(path, problems)
    return ruleset


_TOP_KEYS = {"name", "version", "effective_date", "source", "notes", "groups", "indicators"}
_GROUP_KEYS = {"id", "label", "max"}
_INDICATOR_KEYS = {"id", "group", "label", "formula", "population", "counted", "times_rate_of", "max",
                   "scoring", "empty_points", "confidence"}
_OPTIONAL = {"notes", "times_rate_of"}


def _keys(table: dict, allowed: set[str], where: str, problems: list[str]) -> bool:
    unknown = sorted(set(table) - allowed)
    missing = sorted(allowed - _OPTIONAL - set(table))
    for key in unknown:
        problems.append(f"{where}: unknown key {key!r}")
    for key in missing:
        problems.append(f"{where}: missing key {key!r}")
    return not unknown and not missing


def _text(value, where: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where} must be a non-empty string, got {value!r}")
        return ""
    return value


def _number(value, where: str, problems: list[str]) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{where} must be a number, got {value!r}")
        return Fraction(0)
    return scoring.exact(value)


def _parse(data: dict, path: Path, problems: list[str]) -> RuleSet | None:
    if not _keys(data, _TOP_KEYS, "rule set", problems):
        return None
    for key in ("groups", "indicators"):
        if not isinstance(data[key], list) or not all(isinstance(t, dict) for t in data[key]):
            problems.append(f"{key} must be an array of tables ([[{key}]])")
            return None
    effective = data["effective_date"]
    if not isinstance(effective, date):
        problems.append(f"effective_date must be a TOML date (2022-06-23), got {effective!r}")
    groups = []
    for i, table in enumerate(data["groups"], start=1):
        where = f"group #{i} ({table.get('id', '?')})"
        if _keys(table, _GROUP_KEYS, where, problems):
            groups.append(GroupRule(
                id=_text(table["id"], f"{where}: id", problems),
                label=_text(table["label"], f"{where}: label", problems),
                max_points=_number(table["max"], f"{where}: max", problems)))
    indicators = []
    for i, table in enumerate(data["indicators"], start=1):
        where = f"indicator {table['id']}" if isinstance(table.get("id"), str) else f"indicator #{i}"
        if not _keys(table, _INDICATOR_KEYS, where, problems):
            continue
        spec = table["scoring"]
        if not isinstance(spec, dict) or not set(spec) <= {"kind", "threshold"} or "kind" not in spec:
            problems.append(f"{where}: scoring must be {{kind = ..., threshold = ...}}, got {spec!r}")
            spec = {"kind": ""}
        threshold = spec.get("threshold")
        times_rate_of = table.get("times_rate_of")
        indicators.append(IndicatorRule(
            id=_text(table["id"], f"{where}: id", problems),
            group=_text(table["group"], f"{where}: group", problems),
            label=_text(table["label"], f"{where}: label", problems),
            formula=_text(table["formula"], f"{where}: formula", problems),
            population=_text(table["population"], f"{where}: population", problems),
            counted=_text(table["counted"], f"{where}: counted", problems),
            max_points=_number(table["max"], f"{where}: max", problems),
            scoring=Scoring(kind=spec["kind"], threshold=None if threshold is None
                            else _number(threshold, f"{where}: scoring threshold", problems)),
            empty_points=_number(table["empty_points"], f"{where}: empty_points", problems),
            confidence=_text(table["confidence"], f"{where}: confidence", problems),
            times_rate_of=None if times_rate_of is None
            else _text(times_rate_of, f"{where}: times_rate_of", problems)))
    return RuleSet(
        name=_text(data["name"], "name", problems),
        version=_text(data["version"], "version", problems),
        effective_date=effective,
        source=_text(data["source"], "source", problems),
        notes=data.get("notes", ""),
        groups=tuple(groups),
        indicators=tuple(indicators),
        path=path)


# -- validation rules: each returns a list of problems -----------------------------------------------


def _unique_indicator_ids(rs: RuleSet) -> list[str]:
    seen, problems = set(), []
    for rule in rs.indicators:
        if rule.id in seen:
            problems.append(f"indicator {rule.id}: duplicate id")
        seen.add(rule.id)
    return problems


def _decision_indicators(rs: RuleSet) -> list[str]:
    ids = tuple(rule.id for rule in rs.indicators)
    if ids == INDICATOR_IDS:
        return []
    missing = [i for i in INDICATOR_IDS if i not in ids]
    extra = [i for i in ids if i not in INDICATOR_IDS]
    detail = f"missing {missing}, " if missing else ""
    detail += f"unknown {extra}, " if extra else ""
    return [f"indicators must be exactly {', '.join(INDICATOR_IDS)} in this order ({detail}got {list(ids)})"]


def _decision_groups(rs: RuleSet) -> list[str]:
    got = tuple((g.id, g.max_points) for g in rs.groups)
    want = tuple((gid, Fraction(m)) for gid, m in DECISION_GROUPS)
    if got == want:
        return []
    shown = ", ".join(f"{gid} = {scoring.shown_number(m)}" for gid, m in got)
    return [f"groups must be I = 18, II = 20, III = 22, IV = 18, V = 22 (total 100) as fixed by the "
            f"decision; got {shown}"]


def _known_groups(rs: RuleSet) -> list[str]:
    ids = {g.id for g in rs.groups}
    return [f"indicator {r.id}: unknown group {r.group!r}" for r in rs.indicators if r.group not in ids]


def _group_sums(rs: RuleSet) -> list[str]:
    problems = []
    for group in rs.groups:
        total = sum((r.max_points for r in rs.in_group(group.id)), Fraction(0))
        if total != group.max_points:
            members = " + ".join(f"{r.id} ({scoring.shown_number(r.max_points)})" for r in rs.in_group(group.id))
            problems.append(f"group {group.id}: indicator maxima sum to {scoring.shown_number(total)} "
                            f"({members or 'none'}), not the group's {scoring.shown_number(group.max_points)}")
    return problems


def _points_in_range(rs: RuleSet) -> list[str]:
    problems = []
    for r in rs.indicators:
        if r.id in SUB_RATES and r.max_points != 0:
            problems.append(f"indicator {r.id}: a sub-rate must have max 0, got {scoring.shown_number(r.max_points)}")
        if r.max_points < 0:
            problems.append(f"indicator {r.id}: max must not be negative")
        if not 0 <= r.empty_points <= max(r.max_points, Fraction(0)):
            problems.append(f"indicator {r.id}: empty_points {scoring.shown_number(r.empty_points)} "
                            f"outside [0, {scoring.shown_number(r.max_points)}]")
    return problems


def _scoring(rs: RuleSet) -> list[str]:
    problems = []
    for r in rs.indicators:
        kind, threshold = r.scoring.kind, r.scoring.threshold
        if kind not in scoring.SCORING_KINDS:
            problems.append(f"indicator {r.id}: unknown scoring kind {kind!r} "
                            f"(known: {', '.join(scoring.SCORING_KINDS)})")
        elif kind == scoring.THRESHOLD and threshold is None:
            problems.append(f"indicator {r.id}: threshold scoring needs a threshold")
        elif kind == scoring.LINEAR and threshold is not None:
            problems.append(f"indicator {r.id}: linear scoring takes no threshold")
        if threshold is not None and not 0 < threshold <= 1:
            problems.append(f"indicator {r.id}: threshold {float(threshold)} outside (0, 1]")
    return problems


def _known_selectors(rs: RuleSet) -> list[str]:
    problems = []
    for r in rs.indicators:
        population, counted = POPULATIONS.get(r.population), COUNTED.get(r.counted)
        if population is None:
            problems.append(f"indicator {r.id}: unknown population {r.population!r}")
        if counted is None:
            problems.append(f"indicator {r.id}: unknown counted subset {r.counted!r}")
        if population and counted and population.kind != counted.kind:
            problems.append(f"indicator {r.id}: counts {counted.kind}s ({r.counted!r}) in a population of "
                            f"{population.kind}s ({r.population!r})")
    return problems


def _times_rate_of(rs: RuleSet) -> list[str]:
    by_id = {r.id: r for r in rs.indicators}
    problems = []
    for r in rs.indicators:
        if r.times_rate_of is None:
            continue
        other = by_id.get(r.times_rate_of)
        if other is None:
            problems.append(f"indicator {r.id}: times_rate_of names unknown indicator {r.times_rate_of!r}")
        elif other.times_rate_of is not None or other.id == r.id:
            problems.append(f"indicator {r.id}: times_rate_of {other.id!r}, which is itself multiplied")
    return problems


VALIDATION_RULES: tuple[Callable[[RuleSet], list[str]], ...] = (
    _unique_indicator_ids,
    _decision_indicators,
    _decision_groups,
    _known_groups,
    _group_sums,
    _points_in_range,
    _scoring,
    _known_selectors,
    _times_rate_of,
)
