"""The reference engine: the 766 index of every unit, from an exchange-format record and a rule set.

`compute` returns exactly the JSON object of `motcua index --json` (interchange.md "Command-line
contract"). It works in three steps, clearly rather than cleverly:

1. one pass over the dossiers and feedback computing each item's facts (`populations.DossierFacts`, ...)
   with the semantics of interchange.md; equal facts are counted together per competent unit;
2. each indicator's population and counted predicates are evaluated once per distinct facts tuple; the
   counts of each competent unit are then added to every unit above it (numerators and denominators are
   sums, so the province is sum over sum: the same as computing it directly over all dossiers);
3. procedure indicators are evaluated per unit over the procedures under it (a union, not a sum: a
   commune procedure is under every commune and counts once for the province), and 5.7 over the communes
   of its subtree.

Nothing here imports Django: a database-backed implementation is checked against this one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import cache

from motcua.indicators import scoring, semantics
from motcua.indicators.facts import dossier_facts
from motcua.indicators.populations import (
    COUNTED,
    POPULATIONS,
    CommuneFacts,
    DossierFacts,
    FeedbackFacts,
    ProcedureFacts,
)
from motcua.indicators.records import Dossier, Procedure, Record, Unit
from motcua.indicators.rules import RuleSet
from motcua.indicators.semantics import by
from motcua.lib.periods import Period

LISTED_KINDS = ("department", "commune")  # listed after the province; offices only when asked for


@cache
def _shared_calendar():
    from motcua.lib.workingtime import WorkingCalendar

    return WorkingCalendar()


def default_calendar_for(unit_code: str):
    """Every unit works the default sessions and the national calendar (one shared instance)."""
    return _shared_calendar()


class UnitTree:
    """The units of units.csv, in file order, with their ancestor chains."""

    def __init__(self, units: Iterable[Unit]):
        self.units = tuple(units)
        self.by_code = {u.code: u for u in self.units}
        roots = [u for u in self.units if u.kind == "province"]
        if len(roots) != 1:
            raise ValueError(f"expected exactly one province in units.csv, found {len(roots)}")
        self.root = roots[0]
        self._chains: dict[str, tuple[str, ...]] = {}

    def get(self, code: str) -> Unit:
        try:
            return self.by_code[code]
        except KeyError:
            raise ValueError(f"unknown unit {code!r}") from None

    def chain(self, code: str) -> tuple[str, ...]:
        """The unit and every unit above it, up to the province."""
        chain = self._chains.get(code)
        if chain is None:
            codes, current = [], code
            while current is not None:
                codes.append(current)
                current = self.get(current).parent_code
            chain = self._chains[code] = tuple(codes)
        return chain

    def shown(self, asked: Unit) -> list[Unit]:
        """The unit asked for and, for the province, every department and commune in file order."""
        if asked.code != self.root.code:
            return [asked]
        return [asked, *(u for u in self.units if u.kind in LISTED_KINDS)]


# -- step 1: facts --------------------------------------------------------------------------------------


def feedback_facts(item, period: Period, calendar) -> FeedbackFacts:
    in_population = semantics.feedback_in_population(item, period)
    return FeedbackFacts(
        in_population=in_population,
        on_time=in_population and semantics.feedback_on_time(item, period.t, calendar),
        unsatisfied=item.rating == "unsatisfied",
        raised_again=item.raised_again,
    )


def procedure_static_facts(p: Procedure, period: Period, calendar) -> tuple[bool, ...]:
    """The unit-independent part of `ProcedureFacts`, in its field order (whole-day rules on the
    province's calendar: publication decisions are the province's)."""
    published = p.published_at is not None and p.published_at <= period.t_date
    return (
        period.contains_date(p.decision_date),
        p.decision_date is not None and p.legal_effective_date is not None
        and semantics.within_working_days(p.decision_date, p.legal_effective_date, -5, calendar),
        published,
        published and p.decision_date is not None
        and semantics.within_working_days(p.published_at, p.decision_date, 5, calendar),
        p.parts_complete,
        p.online_level in ("partial", "full"),
        p.fee_vnd > 0,
        p.fee_integrated,
        p.for_citizens,
    )


class _DossierProcedureSets:
    """Per unit, the procedures of its non-refused dossiers received in the period, by property."""

    NAMES = ("any", "online", "synced_fee", "paid_online", "citizen_data")

    def __init__(self):
        self.sets = {name: set() for name in self.NAMES}

    def add(self, d: Dossier, f: DossierFacts) -> None:
        self.sets["any"].add(d.procedure)
        if f.online:
            self.sets["online"].add(d.procedure)
        if f.synced and f.fee:
            self.sets["synced_fee"].add(d.procedure)
        if f.paid_online:
            self.sets["paid_online"].add(d.procedure)
        if f.citizen_data:
            self.sets["citizen_data"].add(d.procedure)

    def update(self, other: _DossierProcedureSets) -> None:
        for name in self.NAMES:
            self.sets[name] |= other.sets[name]

    def flags(self, code: str) -> tuple[bool, ...]:
        """The unit-dependent part of `ProcedureFacts`, in its field order."""
        return tuple(code in self.sets[name] for name in self.NAMES)


# ProcedureFacts is built positionally from the two parts above (235,000 of them for a province).
assert ProcedureFacts._fields[-len(_DossierProcedureSets.NAMES):] == (
    "unit_has_dossier", "unit_has_online_dossier", "unit_has_synced_fee_dossier",
    "unit_has_paid_online_dossier", "unit_has_citizen_data_dossier")
assert ProcedureFacts._fields[:9] == (
    "decided_in_period", "decision_on_time", "published", "published_on_time", "parts_complete",
    "offered_online", "fee_bearing", "fee_integrated", "for_citizens")


# -- step 2: counting -----------------------------------------------------------------------------------


class Tally:
    """Numerators and denominators per unit and indicator.

    Items are first added to their own unit (`add`); `roll_up` then adds every unit's own counts to each
    unit above it, which is what makes the province sum over sum. Procedure counts, which are not sums,
    are added to the unit they were computed for after the roll-up (`add_to_unit`).
    """

    def __init__(self, ruleset: RuleSet, units: Iterable[str]):
        units = list(units)
        self.ruleset = ruleset
        self.index = {rule.id: i for i, rule in enumerate(ruleset.indicators)}
        self.by_kind: dict[str, list[tuple[int, Callable, Callable]]] = defaultdict(list)
        for i, rule in enumerate(ruleset.indicators):
            self.by_kind[rule.kind].append(
                (i, POPULATIONS[rule.population].test, COUNTED[rule.counted].test))
        self.size = len(ruleset.indicators)
        self.numerators = {code: [0] * self.size for code in units}
        self.denominators = {code: [0] * self.size for code in units}
        self._own: dict[str, tuple[list[int], list[int]]] = {}
        self._memo: dict[tuple, tuple[tuple[int, bool], ...]] = {}

    def contributions(self, kind: str, facts: tuple) -> tuple[tuple[int, bool], ...]:
        """(indicator index, counted?) for each indicator whose population holds the item."""
        key = (kind, facts)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = tuple((i, counted(facts)) for i, population, counted in self.by_kind[kind]
                                            if population(facts))
        return found

    def add(self, unit_code: str, kind: str, facts: tuple) -> None:
        """Count one item of `unit_code` (its own, before the roll-up)."""
        own = self._own.get(unit_code)
        if own is None:
            own = self._own[unit_code] = ([0] * self.size, [0] * self.size)
        numerators, denominators = own
        for i, counted in self.contributions(kind, facts):
            denominators[i] += 1
            if counted:
                numerators[i] += 1

    def roll_up(self, tree: UnitTree) -> None:
        """Add each unit's own counts to the reported units among it and those above it."""
        for code, (numerators, denominators) in self._own.items():
            for ancestor in tree.chain(code):
                if ancestor in self.numerators:
                    total_n, total_d = self.numerators[ancestor], self.denominators[ancestor]
                    for i in range(self.size):
                        total_n[i] += numerators[i]
                        total_d[i] += denominators[i]
        self._own.clear()

    def add_to_unit(self, unit_code: str, kind: str, facts: tuple, n: int) -> None:
        """Count `n` equal items directly in a reported unit (no roll-up)."""
        numerators, denominators = self.numerators[unit_code], self.denominators[unit_code]
        for i, counted in self.contributions(kind, facts):
            denominators[i] += n
            if counted:
                numerators[i] += n

    def counts(self, unit_code: str, indicator_id: str) -> tuple[int, int]:
        i = self.index[indicator_id]
        return self.numerators[unit_code][i], self.denominators[unit_code][i]


def tally(record: Record, ruleset: RuleSet, period: Period, tree: UnitTree,
          calendar_for: Callable[[str], object], units: Iterable[str]) -> Tally:
    """Count every indicator of `ruleset` for the unit codes `units` (each over its whole subtree)."""
    calendars: dict[str, object] = {}

    def calendar(code: str):
        if code not in calendars:
            calendars[code] = calendar_for(code)
        return calendars[code]

    result = Tally(ruleset, units)
    wanted = set(result.numerators)
    procedures = {p.code: p for p in record.procedures}

    # Dossiers: one pass computing each one's facts, counted in its competent unit.
    own_sets: dict[str, _DossierProcedureSets] = defaultdict(_DossierProcedureSets)
    for d in record.dossiers:
        facts = dossier_facts(d, procedures[d.procedure], period, calendar(d.unit))
        result.add(d.unit, "dossier", facts)
        if facts.received and not facts.refused:
            own_sets[d.unit].add(d, facts)

    # Feedback: the unit's calendar decides its working days.
    for item in record.feedback:
        result.add(item.unit, "feedback", feedback_facts(item, period, calendar(item.unit)))

    # 5.7: each commune counts itself (and, after the roll-up, in every unit above it).
    for unit in tree.units:
        if unit.kind == "commune":
            result.add(unit.code, "commune", CommuneFacts(unit.e_certified_copy))

    result.roll_up(tree)

    # Procedures under each unit: authority rows of the unit and below (the province: all of them).
    under: dict[str, set[str]] = defaultdict(set)
    for row in record.authority:
        for code in tree.chain(row.unit_code):
            if code in wanted:
                under[code].add(row.procedure_code)
    subtree_sets: dict[str, _DossierProcedureSets] = defaultdict(_DossierProcedureSets)
    for code, sets in own_sets.items():
        for ancestor in tree.chain(code):
            if ancestor in wanted:
                subtree_sets[ancestor].update(sets)
    province_calendar = calendar(tree.root.code)
    static = {p.code: procedure_static_facts(p, period, province_calendar) for p in record.procedures}
    empty = _DossierProcedureSets()
    for code in wanted:
        sets = subtree_sets.get(code, empty)
        counts = Counter(ProcedureFacts(*static[p], *sets.flags(p)) for p in under.get(code, ()))
        for facts, n in counts.items():
            result.add_to_unit(code, "procedure", facts, n)
    return result


# -- step 3: rates, points and the JSON object ---------------------------------------------------------


def indicator_rates(ruleset: RuleSet, counts: Callable[[str], tuple[int, int]]) -> dict[str, Fraction | None]:
    """The unrounded rate of each indicator, with `times_rate_of` applied (3.3 × 1.4)."""
    plain = {rule.id: scoring.rate(*counts(rule.id)) for rule in ruleset.indicators}
    rates = {}
    for rule in ruleset.indicators:
        value = plain[rule.id]
        if rule.times_rate_of is not None and value is not None:
            other = plain[rule.times_rate_of]
            # The other population contains this one in every shipped rule set; if it were empty the
            # product has no meaning, so the indicator is not applicable.
            value = None if other is None else value * other
        rates[rule.id] = value
    return rates


def unit_scores(ruleset: RuleSet, unit: Unit, counts: Callable[[str], tuple[int, int]]) -> dict:
    """One entry of `units` in the contract's JSON."""
    rates = indicator_rates(ruleset, counts)
    points: dict[str, Fraction] = {rule.id: rule.points(rates[rule.id]) for rule in ruleset.indicators}
    indicators = []
    for rule in ruleset.indicators:
        numerator, denominator = counts(rule.id)
        indicators.append({
            "id": rule.id,
            "numerator": numerator,
            "denominator": denominator,
            "rate": scoring.shown_rate(rates[rule.id]),
            "points": scoring.shown_points(points[rule.id]),
            "max": scoring.shown_number(rule.max_points),
        })
    groups = [{
        "id": group.id,
        "points": scoring.shown_points(sum((points[r.id] for r in ruleset.in_group(group.id)), Fraction(0))),
        "max": scoring.shown_number(group.max_points),
    } for group in ruleset.groups]
    return {
        "code": unit.code,
        "name": unit.name,
        "total": scoring.shown_points(sum(points.values(), Fraction(0))),
        "groups": groups,
        "indicators": indicators,
    }


def compute(record: Record, ruleset: RuleSet, date_from: date, date_to: date, now: datetime | None = None,
            unit_code: str | None = None,
            calendar_for: Callable[[str], object] = default_calendar_for) -> dict:
    """The `motcua index --json` object for the unit asked (the province when None).

    For the province, every department and commune follows it in units.csv order. `now` must be aware
    (default: the current time); `calendar_for(unit_code)` gives a unit's `WorkingCalendar`.
    """
    period = Period.of(date_from, date_to, now)
    tree = UnitTree(record.units)
    asked = tree.root if unit_code is None else tree.get(unit_code)
    shown = tree.shown(asked)
    counted = tally(record, ruleset, period, tree, calendar_for, [u.code for u in shown])
    return {
        "rules": {"name": ruleset.name, "version": ruleset.version},
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "evaluated_at": period.t.isoformat(),
        "units": [unit_scores(ruleset, u, lambda i, code=u.code: counted.counts(code, i)) for u in shown],
    }


# -- reported without points ---------------------------------------------------------------------------


def compute_extras(record: Record, date_from: date, date_to: date, now: datetime | None = None,
                   unit_code: str | None = None,
                   calendar_for: Callable[[str], object] = default_calendar_for) -> dict:
    """What index766.md reports without points, for one unit's subtree (the province when None).

    - `processing_time`: per procedure and channel, the dossiers resolved in the period (not refused) and
      their average working time from receipt to resolution, pauses deducted, in working hours;
    - `overdue`: dossiers under processing in the period that are late at t, and their share;
    - `not_synced`: dossiers received in the period (refused included, as 1.4) not synced by t.
    """
    period = Period.of(date_from, date_to, now)
    tree = UnitTree(record.units)
    asked = tree.root if unit_code is None else tree.get(unit_code)
    calendars: dict[str, object] = {}
    times: dict[tuple[str, str], list] = defaultdict(list)
    late = under_processing = not_synced = 0
    for d in record.dossiers:
        if asked.code not in tree.chain(d.unit):
            continue
        if d.unit not in calendars:
            calendars[d.unit] = calendar_for(d.unit)
        calendar = calendars[d.unit]
        if semantics.received_in(d, period) and not by(d.synced_at, period.t):
            not_synced += 1
        if semantics.is_refused(d):
            continue
        if semantics.under_processing_in(d, period):
            under_processing += 1
            late += semantics.is_late(d, period.t, calendar)
        if period.happened_in(d.resolved_at):
            times[(d.procedure, d.channel)].append(semantics.processing_time(d, period.t, calendar))
    totals = {key: (sum(span // timedelta(microseconds=1) for span in spans), len(spans))
              for key, spans in times.items()}
    return extras_object(asked.code, date_from, date_to, period, totals, late, under_processing, not_synced)


CHANNEL_ORDER = {"online": 0, "in_person": 1, "postal": 2}


def extras_object(unit_code: str, date_from: date, date_to: date, period: Period,
                  totals: dict[tuple[str, str], tuple[int, int]], late: int, under_processing: int,
                  not_synced: int) -> dict:
    """The `compute_extras` object from its sums: `totals[(procedure, channel)]` is (microseconds of
    processing time, dossiers). Shared with the live engine, so both write the same numbers the same way."""
    processing = []
    for (procedure, channel), (microseconds, count) in sorted(
            totals.items(), key=lambda kv: (kv[0][0], CHANNEL_ORDER[kv[0][1]])):
        hours = Fraction(microseconds, 3600 * 1_000_000 * count)
        processing.append({"procedure": procedure, "channel": channel, "dossiers": count,
                           "average_working_hours": float(scoring.round_half_up(hours, 2))})
    return {
        "unit": unit_code,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "evaluated_at": period.t.isoformat(),
        "processing_time": processing,
        "overdue": {"late": late, "under_processing": under_processing,
                    "share": scoring.shown_rate(scoring.rate(late, under_processing))},
        "not_synced": not_synced,
    }
