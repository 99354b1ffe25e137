"""The items behind one indicator's numerator and denominator: so that any score can be checked by hand.

`members(indicator_id, unit_code, date_from, date_to, rules)` lists the dossiers, procedures, feedback
items or communes of the indicator's population for one unit's subtree and one period, each marked
counted (in the numerator) or not. It holds no definition of its own: it loads the unit's rows, builds the
reference engine's records with `from_db`'s converters, computes each item's facts with the engine's own
`facts.dossier_facts` and `compute.feedback_facts` / `procedure_static_facts`, and applies the rule set's
population and counted selectors from `populations`. So its counts are the numerator and denominator that
`service.index_json` reports for the same unit, period and rule set (tests check this on every kind).

Only the rows that can belong to a population are loaded: the unit's subtree, and dossiers received in the
period, still open at its start, or resolved in it (a superset of every dossier population; the
selectors then decide exactly).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q

from motcua.catalog.models import Authority as AuthorityRow
from motcua.catalog.models import Procedure as ProcedureRow
from motcua.dossiers.models import Dossier as DossierRow
from motcua.feedback.models import Feedback as FeedbackRow
from motcua.indicators import from_db
from motcua.indicators import records as rec
from motcua.indicators.compute import (
    UnitTree,
    _DossierProcedureSets,
    feedback_facts,
    procedure_static_facts,
)
from motcua.indicators.facts import dossier_facts
from motcua.indicators.populations import COUNTED, POPULATIONS, CommuneFacts, ProcedureFacts
from motcua.indicators.rules import DEFAULT_RULESET, IndicatorRule, RuleSet, load_ruleset
from motcua.lib.periods import Period
from motcua.units.calendars import CalendarBook
from motcua.units.models import Unit as UnitRow


@dataclass(frozen=True)
class Member:
    """One item of the population: `counted` says whether it is in the numerator too."""

    key: str  # dossier, procedure or feedback code; a commune's unit code
    counted: bool
    item: object  # records.Dossier | records.Procedure | records.Feedback | records.Unit
    facts: tuple
    pk: int | None = None  # the database id of a dossier or feedback item


@dataclass(frozen=True)
class Members:
    """The population of one indicator for one unit and period, in file order."""

    ruleset: RuleSet
    rule: IndicatorRule
    unit: rec.Unit
    period: Period
    items: tuple[Member, ...]
    calendars: CalendarBook
    procedures: dict  # code -> records.Procedure, for showing names
    units: dict  # code -> records.Unit
    scope: Q | None  # the rows loaded (dossiers or feedback), to intersect with a scoping queryset

    @property
    def kind(self) -> str:
        return self.rule.kind

    @property
    def numerator(self) -> int:
        return sum(1 for m in self.items if m.counted)

    @property
    def denominator(self) -> int:
        return len(self.items)

    @property
    def not_counted(self) -> int:
        return self.denominator - self.numerator

    def visible_pks(self, queryset) -> set[int]:
        """The ids of this population's rows that `queryset` (a user's scoping queryset) holds."""
        if self.scope is None:
            return set()
        return set(queryset.filter(self.scope).values_list("pk", flat=True))


def members(indicator_id: str, unit_code: str | None, date_from: date, date_to: date,
            rules: str = DEFAULT_RULESET, now: datetime | None = None,
            dossier_flags: dict[str, tuple[bool, ...]] | None = None) -> Members:
    """The population of `indicator_id` for the unit `unit_code` (the province when None) in the period.

    Raises `KeyError` for an unknown indicator, `ValueError` for an unknown unit or an inverted period,
    and `rules.RuleSetError` for an unknown rule set.
    """
    ruleset = load_ruleset(rules)
    rule = ruleset.indicator(indicator_id)
    period = Period.of(date_from, date_to, now)
    unit_rows = list(UnitRow.objects.select_related("parent").order_by("position", "id"))  # read once
    tree = UnitTree(from_db.unit_records(unit_rows))
    asked = tree.root if unit_code is None else tree.get(unit_code)
    subtree = [u for u in tree.units if asked.code in tree.chain(u.code)]
    context = _Context(tree, subtree, period, CalendarBook(unit_rows), unit_rows)
    # Procedure indicators: the unit-dependent flags of each procedure (`_DossierProcedureSets.flags`) may
    # come from the live index (`pagedmembers.procedure_members`) instead of every dossier of the period.
    context.dossier_flags = dossier_flags
    population, counted = POPULATIONS[rule.population].test, COUNTED[rule.counted].test
    loaded, scope = _LOADERS[rule.kind](context)
    items = tuple(Member(key, counted(facts), item, facts, pk) for key, item, facts, pk in loaded
                  if population(facts))
    return Members(ruleset=ruleset, rule=rule, unit=asked, period=period, items=items,
                   calendars=context.calendars, procedures=context.procedures, units=tree.by_code, scope=scope)


class _Context:
    """What every loader needs: the subtree's unit ids, the catalog, the period and the calendars."""

    def __init__(self, tree: UnitTree, subtree: list[rec.Unit], period: Period, calendars: CalendarBook,
                 unit_rows: list[UnitRow]):
        self.tree, self.subtree, self.period, self.calendars = tree, subtree, period, calendars
        self.dossier_flags: dict[str, tuple[bool, ...]] | None = None
        self.unit_codes = {u.id: u.code for u in unit_rows}
        codes = {u.code for u in subtree}
        self.unit_ids = sorted(pk for pk, code in self.unit_codes.items() if code in codes)
        rows = list(ProcedureRow.objects.order_by("position", "id"))
        self.procedure_codes = {p.id: p.code for p in rows}
        self.procedures = {p.code: from_db.procedure_record(p) for p in rows}

    def dossiers(self, received_only: bool = False) -> tuple[list[tuple[int, rec.Dossier, tuple]], Q]:
        """(id, record, facts) of the subtree's dossiers that may belong to a population."""
        p = self.period
        scope = dossier_scope(p, self.unit_ids, received_only)
        rows = from_db.dossier_records(DossierRow.objects.filter(scope), self.unit_codes, self.procedure_codes)
        return [(pk, d, dossier_facts(d, self.procedures[d.procedure], p, self.calendars.for_unit(d.unit)))
                for pk, d in rows], scope


def dossier_scope(p: Period, unit_ids: list[int], received_only: bool = False) -> Q:
    """The dossiers of the units `unit_ids` that may belong to a population of the period: received in it,
    or (unless `received_only`) still open at its start, or resolved in it."""
    received = Q(received_at__gte=p.start, received_at__lt=p.end)
    if received_only:
        wanted = received
    else:
        # "Not ended before the period's start" as of t: an end before min(start, t) surely is one.
        threshold = min(p.start, p.t)
        ended_before = Q(resolved_at__lt=threshold) | Q(returned_at__lt=threshold) | Q(ended_at__lt=threshold)
        wanted = (received | (Q(received_at__lt=p.end) & ~ended_before)
                  | Q(resolved_at__gte=p.start, resolved_at__lt=p.end))
    return Q(unit_id__in=unit_ids) & wanted


def _dossier_members(context: _Context):
    rows, scope = context.dossiers()
    return [(d.code, d, facts, pk) for pk, d, facts in rows], scope


def _procedure_members(context: _Context):
    """Procedures under the unit (authority rows of its subtree), with the flags of its dossiers."""
    known = context.dossier_flags
    if known is not None:
        none = (False,) * len(_DossierProcedureSets.NAMES)
        flags_of = lambda code: known.get(code, none)  # noqa: E731
    else:
        sets = _DossierProcedureSets()
        for _, d, facts in context.dossiers(received_only=True)[0]:
            if facts.received and not facts.refused:
                sets.add(d, facts)
        flags_of = sets.flags
    under = set(AuthorityRow.objects.filter(unit_id__in=context.unit_ids).values_list("procedure__code", flat=True))
    province_calendar = context.calendars.for_unit(context.tree.root.code)
    found = []
    for code, procedure in context.procedures.items():
        if code in under:
            facts = ProcedureFacts(*procedure_static_facts(procedure, context.period, province_calendar),
                                   *flags_of(code))
            found.append((code, procedure, facts, None))
    return found, None


def feedback_scope(period: Period, unit_ids: list[int]) -> Q:
    """The feedback rows of the units that can belong to a feedback population at the period's t."""
    return Q(unit_id__in=unit_ids, received_at__lte=period.t)


def _feedback_members(context: _Context):
    scope = feedback_scope(context.period, context.unit_ids)
    found = []
    for row in FeedbackRow.objects.filter(scope).order_by("position", "id"):
        item = from_db.feedback_record(row, context.unit_codes)
        facts = feedback_facts(item, context.period, context.calendars.for_unit(item.unit))
        found.append((item.code, item, facts, row.pk))
    return found, scope


def _commune_members(context: _Context):
    return [(u.code, u, CommuneFacts(u.e_certified_copy), None) for u in context.subtree if u.kind == "commune"], None


_LOADERS = {
    "dossier": _dossier_members,
    "procedure": _procedure_members,
    "feedback": _feedback_members,
    "commune": _commune_members,
}
