"""The drill-down of a dossier indicator a page at a time: the population from the live index, the rows of
one page from the database.

`members.members` is the plain reference: it loads every row of the unit's subtree that can belong to the
period and judges each in Python, which takes seconds for a year of a province. Here the live index
(`livelists.population`, the same facts and selectors as the index's numbers) gives the sorted ids of the
population with each one's counted flag; only the page's rows are then read and built into the same
`members.Member` items (the reference's records and facts), so a page costs its hundred rows whatever the
period. Items are listed in id order, the order the dossiers were recorded in (docs/decisions.md,
25/11/2026). `tests/indicators/test_paged_members.py` checks the items and flags against `members` on random
records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from django.db.models import Q

from motcua.catalog.models import Procedure as ProcedureRow
from motcua.dossiers.models import Dossier as DossierRow
from motcua.indicators import from_db, live, livelists
from motcua.indicators import records as rec
from motcua.indicators.compute import UnitTree
from motcua.indicators.facts import dossier_facts
from motcua.indicators.members import Member, dossier_scope, members
from motcua.indicators.rules import DEFAULT_RULESET, IndicatorRule, RuleSet
from motcua.lib.periods import Period
from motcua.units.calendars import CalendarBook
from motcua.units.models import Unit as UnitRow


@dataclass(frozen=True)
class DossierPopulation:
    """One dossier indicator's population for a unit and a period: ids sorted, with their counted flags."""

    ruleset: RuleSet
    rule: IndicatorRule
    unit: rec.Unit
    period: Period
    ids: np.ndarray
    counted: np.ndarray
    scope: Q  # a superset of the population's rows, to intersect with a user's scoping queryset
    unit_rows: tuple

    kind = "dossier"

    @property
    def numerator(self) -> int:
        return int(np.count_nonzero(self.counted))

    @property
    def denominator(self) -> int:
        return len(self.ids)

    @property
    def not_counted(self) -> int:
        return self.denominator - self.numerator

    def visible(self, queryset) -> np.ndarray:
        """Which items the user's scoping `queryset` holds (one query over the scope, not the table)."""
        pks = np.fromiter(queryset.filter(self.scope).values_list("pk", flat=True), dtype=np.int64)
        return np.isin(self.ids, pks)

    def members(self, ids) -> list[Member]:
        """The items of `ids` (a page of `self.ids`), in that order, as `members.members` builds them."""
        wanted = [int(pk) for pk in ids]
        if not wanted:
            return []
        unit_codes = {u.id: u.code for u in self.unit_rows}
        procedures = list(ProcedureRow.objects.order_by("position", "id"))
        procedure_codes = {p.id: p.code for p in procedures}
        records = {p.code: from_db.procedure_record(p) for p in procedures}
        calendars = CalendarBook(list(self.unit_rows))
        rows = dict(from_db.dossier_records(DossierRow.objects.filter(pk__in=wanted), unit_codes, procedure_codes))
        where = np.searchsorted(self.ids, np.array(wanted, dtype=np.int64))
        found = []
        for pk, at in zip(wanted, where.tolist(), strict=True):
            d = rows.get(pk)
            if d is None:  # deleted since the population was read
                continue
            facts = dossier_facts(d, records[d.procedure], self.period, calendars.for_unit(d.unit))
            found.append(Member(d.code, bool(self.counted[at]), d, facts, pk))
        return found


def dossier_population(indicator_id: str, unit_code: str | None, date_from: date, date_to: date,
                       rules: str = DEFAULT_RULESET, now: datetime | None = None) -> DossierPopulation:
    """The population of a dossier indicator (`members.members`'s items, as ids).

    Raises `KeyError` for an unknown indicator, `ValueError` for an unknown unit, an inverted period or an
    indicator whose items are not dossiers, and `rules.RuleSetError` for an unknown rule set.
    """
    ruleset = live.cached_ruleset(rules)
    rule = ruleset.indicator(indicator_id)
    period = Period.of(date_from, date_to, now)
    unit_rows = tuple(UnitRow.objects.select_related("parent").order_by("position", "id"))
    tree = UnitTree(from_db.unit_records(unit_rows))
    asked = tree.root if unit_code is None else tree.get(unit_code)
    ids, counted = livelists.population(indicator_id, date_from, date_to, unit_code, rules, now=period.t)
    subtree = {u.code for u in tree.units if asked.code in tree.chain(u.code)}
    unit_ids = sorted(u.id for u in unit_rows if u.code in subtree)
    return DossierPopulation(ruleset=ruleset, rule=rule, unit=asked, period=period, ids=ids, counted=counted,
                             scope=dossier_scope(period, unit_ids), unit_rows=unit_rows)


def procedure_members(indicator_id: str, unit_code: str | None, date_from: date, date_to: date,
                      rules: str = DEFAULT_RULESET, now: datetime | None = None):
    """`members.members` of a procedure indicator, with each procedure's dossier flags read from the live
    index rather than from every dossier the unit received in the period (seconds for a province)."""
    period = Period.of(date_from, date_to, now)
    flags = livelists.procedure_flags(date_from, date_to, unit_code, now=period.t)
    return members(indicator_id, unit_code, date_from, date_to, rules=rules, now=period.t, dossier_flags=flags)
