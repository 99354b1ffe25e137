"""Fix first: the concrete actions that would raise a unit's 766 total most, each with its exact gain.

An action is a kind of change (`KINDS`: what "done" means for one dossier, procedure or feedback item)
applied to every item that it would newly bring into one indicator's numerator. Its `gain` is the unit's
total if the action alone were done at the evaluation moment t, minus the total now, both as the index
shows them (rounded to 2 decimals, so total + gain is exactly the total the index will show once it is
done). Nothing is estimated: the change is applied to a copy of the unit's record and the total is
recomputed by the reference engine (`compute.tally` + `compute.unit_scores`, the definition the live
engine is tested against).

The record is restricted to what the unit's total depends on: every unit (the tree), every procedure
(the catalog), the authority rows of the unit's subtree, the subtree's feedback items received by the
period's end, and the subtree's dossiers that can belong to a dossier population (received in the
period, open at its start, or resolved in it: the superset `indicators.members` loads). Dossiers outside
it are in no population at t nor at any later moment of the period, whatever an action does to the listed
ones, so the unit's total is the same as over the whole record (a test checks it against `index_json`).

Which items an action lists, for a kind K and an indicator I of the rule set (of K's item kind): the items
that are not in I's numerator now (outside its population, or in it and not counted) and would be, in its
population and counted, once K is done on that item alone. One action per kind and indicator lists all of
them; its gain is for doing all of them. Gains are not additive: threshold indicators saturate, 3.3 is
multiplied by 1.4's rate, and two actions may list the same dossier.

Preventive kinds (`answer_feedback`, `finish_before_due`) change nothing at t: an item still in time is
counted as in time. They are judged at the period's end (`horizon`, the last moment of `to`) if nothing
else happens meanwhile: the items listed are those that would have turned late by then and are counted
if done at t. Their `gain` is still the gain at t (the contract's definition; usually 0.00) and
`at_stake` is the exact difference the action makes to the total at the horizon. When the period is
over (t is its last moment), nothing can turn late any more and they list nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

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
    tally,
    unit_scores,
)
from motcua.indicators.facts import dossier_facts
from motcua.indicators.populations import COUNTED, POPULATIONS, ProcedureFacts
from motcua.indicators.rules import DEFAULT_RULESET, RuleSet, load_ruleset
from motcua.lib.lateness import by
from motcua.lib.periods import Period, evaluation_moment
from motcua.units.calendars import CalendarBook
from motcua.units.models import Unit as UnitRow

# The code of the electronic result an action assumes issued (the engine only asks whether one was).
ASSUMED_E_RESULT = "fix-first"


# -- the kinds of action ------------------------------------------------------------------------------


def _sync(d: rec.Dossier, t: datetime, catalog) -> rec.Dossier | None:
    return None if by(d.synced_at, t) else replace(d, synced_at=t)


def _digitise(d: rec.Dossier, t: datetime, catalog) -> rec.Dossier | None:
    return None if d.digitized else replace(d, digitized=True)


def _has_e_result(d: rec.Dossier, t: datetime) -> bool:
    return d.e_result is not None and by(d.e_result.issued_at, t)


def _e_result(d: rec.Dossier, t: datetime, catalog) -> rec.Dossier | None:
    return None if _has_e_result(d, t) else replace(d, e_result=rec.EResult(ASSUMED_E_RESULT, t))


def _waiting_for_applicant(d: rec.Dossier, t: datetime) -> bool:
    """A supplement or fee wait requested by t and not completed by t: the next step is the applicant's."""
    return any(requested <= t and not by(completed, t) for requested, completed in (*d.supplements, *d.fee_waits))


def _finish(d: rec.Dossier, t: datetime, catalog) -> rec.Dossier | None:
    if d.ended == "refused" or _ended_by(d, t) or d.received_at > t or _waiting_for_applicant(d, t):
        return None
    written = catalog[d.procedure].written_result
    e_result = d.e_result if _has_e_result(d, t) or not written else rec.EResult(ASSUMED_E_RESULT, t)
    return replace(d, resolved_at=t, e_result=e_result)


def _ended_by(d: rec.Dossier, t: datetime) -> bool:
    return any(by(at, t) for at in (d.resolved_at, d.returned_at, d.ended_at))


def _offer_online(p: rec.Procedure, t: datetime, catalog) -> rec.Procedure | None:
    return replace(p, online_level="partial") if p.online_level == "none" else None


def _online_payment(p: rec.Procedure, t: datetime, catalog) -> rec.Procedure | None:
    return replace(p, fee_integrated=True) if p.fee_vnd > 0 and not p.fee_integrated else None


def _answer(f: rec.Feedback, t: datetime, catalog) -> rec.Feedback | None:
    handled = by(f.answered_at, t) or by(f.refused_at, t)
    return None if handled or f.received_at > t else replace(f, answered_at=t)


@dataclass(frozen=True)
class Kind:
    name: str
    item: str  # dossier | procedure | feedback
    label: str  # Vietnamese, for the page
    done: str  # what "done" means, exactly (docs/fix-first.md)
    change: Callable  # (item, t, procedures by code) -> the changed item, or None when already done
    preventive: bool = False  # judged at the period's end, see the module's docstring
    counted: frozenset | None = None  # only indicators counting with these selectors (None: any)


# Counted subsets that finishing a dossier on time can turn true: those that ask "not late".
_NOT_LATE = frozenset({"not_late_at_t", "satisfied_no_complaint_not_late"})

KINDS = (
    Kind("sync", "dossier", "Đồng bộ các hồ sơ này lên Cổng DVCQG",
         "each listed dossier gets synced_at = evaluated_at", _sync),
    Kind("digitise", "dossier", "Số hóa các hồ sơ này",
         "each listed dossier gets digitized = true", _digitise),
    Kind("e_result", "dossier", "Cấp kết quả điện tử cho các hồ sơ này",
         "each listed dossier gets an electronic result issued at evaluated_at", _e_result),
    Kind("offer_online", "procedure", "Cung cấp trực tuyến các thủ tục này",
         "each listed procedure gets online_level = partial (offered online, at least in part)", _offer_online),
    Kind("online_payment", "procedure", "Tích hợp thanh toán trực tuyến cho các thủ tục này",
         "each listed procedure (with a fee) gets fee_integrated = true", _online_payment),
    Kind("answer_feedback", "feedback", "Trả lời các phản ánh, kiến nghị này trước khi quá hạn",
         "each listed feedback item, not yet answered or refused, gets answered_at = evaluated_at", _answer,
         preventive=True),
    Kind("finish_before_due", "dossier", "Giải quyết xong các hồ sơ này trước hạn",
         "each listed open dossier (not waiting for a supplement or a fee) gets resolved_at = evaluated_at, "
         "and an electronic result issued at evaluated_at if its procedure has a written result and it has "
         "none", _finish, preventive=True, counted=_NOT_LATE),
)
KIND_NAMES = tuple(k.name for k in KINDS)
_KIND_ORDER = {name: i for i, name in enumerate(KIND_NAMES)}


# -- the unit's record --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRecord:
    """What the unit's total depends on, read once."""

    record: rec.Record
    tree: UnitTree
    unit: rec.Unit
    calendars: CalendarBook
    procedures: dict[str, rec.Procedure]
    under: frozenset[str]  # procedure codes under the unit (authority rows of its subtree)
    dossier_ids: dict[str, int]  # code -> database id, for links


def load_unit(unit_code: str | None, period: Period) -> UnitRecord:
    """Read the unit's part of the record (the province when `unit_code` is None); ValueError if unknown."""
    unit_rows = list(UnitRow.objects.select_related("parent").order_by("position", "id"))
    tree = UnitTree(from_db.unit_records(unit_rows))
    asked = tree.root if unit_code is None else tree.get(unit_code)
    codes = {u.code for u in tree.units if asked.code in tree.chain(u.code)}
    unit_codes = {u.id: u.code for u in unit_rows}
    unit_ids = sorted(pk for pk, code in unit_codes.items() if code in codes)
    procedure_rows = list(ProcedureRow.objects.order_by("position", "id"))
    procedure_codes = {p.id: p.code for p in procedure_rows}
    procedures = tuple(from_db.procedure_record(p) for p in procedure_rows)

    # The dossiers that may be in a population at t or later in the period (as `members` loads them).
    threshold = min(period.start, period.t)
    ended_before = Q(resolved_at__lt=threshold) | Q(returned_at__lt=threshold) | Q(ended_at__lt=threshold)
    received = Q(received_at__gte=period.start, received_at__lt=period.end)
    wanted = (received | (Q(received_at__lt=period.end) & ~ended_before)
              | Q(resolved_at__gte=period.start, resolved_at__lt=period.end))
    rows = from_db.dossier_records(DossierRow.objects.filter(Q(unit_id__in=unit_ids) & wanted), unit_codes,
                                   procedure_codes)
    feedback = FeedbackRow.objects.filter(unit_id__in=unit_ids, received_at__lt=period.end).order_by("position", "id")
    authority = AuthorityRow.objects.filter(unit_id__in=unit_ids).order_by("position", "id").values_list(
        "unit_id", "procedure_id")
    record = rec.Record(
        units=tree.units,
        procedures=procedures,
        authority=tuple(rec.Authority(unit_codes[u], procedure_codes[p]) for u, p in authority),
        dossiers=tuple(d for _, d in rows),
        feedback=tuple(from_db.feedback_record(f, unit_codes) for f in feedback),
    )
    return UnitRecord(record=record, tree=tree, unit=asked, calendars=CalendarBook(unit_rows),
                      procedures={p.code: p for p in procedures},
                      under=frozenset(a.procedure_code for a in record.authority),
                      dossier_ids={d.code: pk for pk, d in rows})


def unit_total(data: UnitRecord, record: rec.Record, ruleset: RuleSet, period: Period) -> Decimal:
    """The unit's total as the index shows it, by the reference engine over `record`."""
    counted = tally(record, ruleset, period, data.tree, data.calendars.for_unit, [data.unit.code])
    scores = unit_scores(ruleset, data.unit, lambda i: counted.counts(data.unit.code, i))
    return Decimal(repr(scores["total"])).quantize(Decimal("0.01"))


# -- finding the items of each action -----------------------------------------------------------------


def _newly_counted(rule, before: tuple, after: tuple) -> bool:
    population, counted = POPULATIONS[rule.population].test, COUNTED[rule.counted].test
    return population(after) and counted(after) and not (population(before) and counted(before))


def _rules_for(kind: Kind, ruleset: RuleSet):
    return [r for r in ruleset.indicators
            if r.kind == kind.item and (kind.counted is None or r.counted in kind.counted)]


def _dossier_changes(data: UnitRecord, kind: Kind, ruleset: RuleSet, period: Period, t: datetime):
    """{indicator id: {code: changed dossier}} for a dossier kind, judged at `period`, done at `t`."""
    found: dict[str, dict[str, rec.Dossier]] = {}
    rules = _rules_for(kind, ruleset)
    for d in data.record.dossiers:
        changed = kind.change(d, t, data.procedures)
        if changed is None:
            continue
        procedure, calendar = data.procedures[d.procedure], data.calendars.for_unit(d.unit)
        before = dossier_facts(d, procedure, period, calendar)
        after = dossier_facts(changed, procedure, period, calendar)
        for rule in rules:
            if _newly_counted(rule, before, after):
                found.setdefault(rule.id, {})[d.code] = changed
    return found


def _feedback_changes(data: UnitRecord, kind: Kind, ruleset: RuleSet, period: Period, t: datetime):
    found: dict[str, dict[str, rec.Feedback]] = {}
    rules = _rules_for(kind, ruleset)
    for f in data.record.feedback:
        changed = kind.change(f, t, data.procedures)
        if changed is None:
            continue
        calendar = data.calendars.for_unit(f.unit)
        before, after = feedback_facts(f, period, calendar), feedback_facts(changed, period, calendar)
        for rule in rules:
            if _newly_counted(rule, before, after):
                found.setdefault(rule.id, {})[f.code] = changed
    return found


def _procedure_changes(data: UnitRecord, kind: Kind, ruleset: RuleSet, period: Period, t: datetime):
    """Procedures under the unit, with the flags of its subtree's dossiers (as `compute.tally` sets them)."""
    sets = _DossierProcedureSets()
    for d in data.record.dossiers:
        facts = dossier_facts(d, data.procedures[d.procedure], period, data.calendars.for_unit(d.unit))
        if facts.received and not facts.refused:
            sets.add(d, facts)
    province_calendar = data.calendars.for_unit(data.tree.root.code)
    found: dict[str, dict[str, rec.Procedure]] = {}
    rules = _rules_for(kind, ruleset)
    for p in data.record.procedures:
        if p.code not in data.under:
            continue
        changed = kind.change(p, t, data.procedures)
        if changed is None:
            continue
        flags = sets.flags(p.code)
        before = ProcedureFacts(*procedure_static_facts(p, period, province_calendar), *flags)
        after = ProcedureFacts(*procedure_static_facts(changed, period, province_calendar), *flags)
        for rule in rules:
            if _newly_counted(rule, before, after):
                found.setdefault(rule.id, {})[p.code] = changed
    return found


_FINDERS = {"dossier": _dossier_changes, "feedback": _feedback_changes, "procedure": _procedure_changes}
_RECORD_FIELD = {"dossier": "dossiers", "feedback": "feedback", "procedure": "procedures"}


def applied(record: rec.Record, item_kind: str, changes: dict) -> rec.Record:
    """A copy of `record` with the items of `changes` (code -> changed item) replaced."""
    name = _RECORD_FIELD[item_kind]
    return replace(record, **{name: tuple(changes.get(item.code, item) for item in getattr(record, name))})


# -- the answer ---------------------------------------------------------------------------------------


def horizon_of(period: Period) -> datetime:
    """The last moment of the period: when the preventive kinds are judged."""
    return evaluation_moment(period.date_to, max(period.t, period.end))


def fix_first(date_from: date, date_to: date, unit_code: str | None = None, rules: str = DEFAULT_RULESET,
              now: datetime | None = None, kinds: tuple[str, ...] = KIND_NAMES) -> dict:
    """The `motcua fix-first --json` object (docs/fix-first.md).

    Raises ValueError for an unknown unit or a period that ends before it starts, and `rules.RuleSetError`
    (a ValueError) for an unknown rule set.
    """
    ruleset = load_ruleset(rules)
    period = Period.of(date_from, date_to, now)
    data = load_unit(unit_code, period)
    t = period.t
    later = Period.of(date_from, date_to, horizon_of(period))
    total = unit_total(data, data.record, ruleset, period)
    total_later = None
    actions = []
    for kind in KINDS:
        if kind.name not in kinds:
            continue
        if kind.preventive and later.t == t:
            continue  # the period is over: nothing can turn late any more
        judged_at = later if kind.preventive else period
        for indicator, changes in _FINDERS[kind.item](data, kind, ruleset, judged_at, t).items():
            record = applied(data.record, kind.item, changes)
            gain = unit_total(data, record, ruleset, period) - total
            at_stake = None
            if kind.preventive:
                if total_later is None:
                    total_later = unit_total(data, data.record, ruleset, later)
                at_stake = float(unit_total(data, record, ruleset, later) - total_later)
            codes = list(changes)
            actions.append({
                "kind": kind.name,
                "indicator": indicator,
                "dossiers": codes if kind.item == "dossier" else [],
                "procedures": codes if kind.item == "procedure" else [],
                "feedback": codes if kind.item == "feedback" else [],
                "gain": float(gain),
                "at_stake": at_stake,
            })
    order = {r.id: i for i, r in enumerate(ruleset.indicators)}
    actions.sort(key=lambda a: (-a["gain"], -(a["at_stake"] or 0), _KIND_ORDER[a["kind"]], order[a["indicator"]]))
    return {
        "unit": data.unit.code,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "evaluated_at": t.isoformat(),
        "horizon": later.t.isoformat(),
        "rules": {"name": ruleset.name, "version": ruleset.version},
        "total": float(total),
        "actions": actions,
    }
