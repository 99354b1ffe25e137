"""The drill-down of a dossier or feedback indicator a page at a time: the population from the live index,
the rows of one page from the database.

`members.members` is the plain reference: it loads every row of the unit's subtree that can belong to the
period and judges each in Python, which takes seconds for a year of a province. Here the live index
(`livelists.population`, the same facts and selectors as the index's numbers) gives the sorted ids of the
population with each one's counted flag; only the page's rows are then read and built into the same
`members.Member` items (the reference's records and facts), so a page costs its hundred rows whatever the
period. Dossiers are listed in id order, the order they were recorded in (docs/decisions.md, 25/11/2026);
feedback items in the reference's order (`livelists.feedback_population`). Procedure indicators keep the
reference's list with each procedure's dossier flags from the index (`procedure_members`). `tests/indicators/test_paged_members.py` checks the items and flags against `members` on random
records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from django.db.models import Q

from motcua.dossiers.models import Dossier as DossierRow
from motcua.feedback.models import Feedback as FeedbackRow
from motcua.indicators import columnar, from_db, live, livelists
from motcua.indicators import records as rec
from motcua.indicators.compute import feedback_facts
from motcua.indicators.facts import dossier_facts
from motcua.indicators.members import Member, dossier_scope, feedback_scope, members
from motcua.indicators.rules import DEFAULT_RULESET, IndicatorRule, RuleSet
from motcua.lib.periods import Period


@dataclass(frozen=True)
class PagedPopulation:
    """One dossier or feedback indicator's population for a unit and a period: ids in the reference's
    order (dossiers by id, feedback by position), with their counted flags."""

    ruleset: RuleSet
    rule: IndicatorRule
    unit: rec.Unit
    period: Period
    ids: np.ndarray
    counted: np.ndarray
    scope: Q  # a superset of the population's rows, to intersect with a user's scoping queryset
    catalog: columnar.Catalog  # the live index's small tables: unit codes, calendars, procedures

    @property
    def kind(self) -> str:
        return self.rule.kind

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
        c = self.catalog
        unit_codes = {pk: unit.code for pk, unit in zip(c.unit_ids, c.units, strict=True)}
        if self.kind == "feedback":
            rows = {row.pk: from_db.feedback_record(row, unit_codes) for row in FeedbackRow.objects.filter(pk__in=wanted)}
            judge = lambda item: feedback_facts(item, self.period, c.calendar_for(item.unit))  # noqa: E731
            position = {pk: i for i, pk in enumerate(self.ids.tolist())}  # listed by position: a few thousand
            where = [position[pk] for pk in wanted]
        else:
            records = {p.code: p for p in c.procedures}
            rows = dict(from_db.dossier_records(DossierRow.objects.filter(pk__in=wanted), unit_codes,
                                                dict(zip(c.procedure_ids, c.procedure_codes, strict=True))))
            judge = lambda d: dossier_facts(d, records[d.procedure], self.period, c.calendar_for(d.unit))  # noqa: E731
            where = np.searchsorted(self.ids, np.array(wanted, dtype=np.int64)).tolist()  # sorted by id
        found = []
        for pk, i in zip(wanted, where, strict=True):
            item = rows.get(pk)
            if item is None:  # deleted since the population was read
                continue
            found.append(Member(item.code, bool(self.counted[i]), item, judge(item), pk))
        return found


def dossier_population(indicator_id: str, unit_code: str | None, date_from: date, date_to: date,
                       rules: str = DEFAULT_RULESET, now: datetime | None = None) -> PagedPopulation:
    """The population of a dossier indicator (`members.members`'s items, as ids).

    Raises `KeyError` for an unknown indicator, `ValueError` for an unknown unit, an inverted period or an
    indicator whose items are not dossiers, and `rules.RuleSetError` for an unknown rule set.
    """
    return _population(livelists.population, indicator_id, unit_code, date_from, date_to, rules, now)


def feedback_population(indicator_id: str, unit_code: str | None, date_from: date, date_to: date,
                        rules: str = DEFAULT_RULESET, now: datetime | None = None) -> PagedPopulation:
    """The population of a feedback indicator, as `dossier_population` (the items of every unit under
    the province are thousands: read one page at a time, not judged all in Python per request)."""
    return _population(livelists.feedback_population, indicator_id, unit_code, date_from, date_to, rules, now)


def _population(find, indicator_id, unit_code, date_from, date_to, rules, now) -> PagedPopulation:
    ruleset = live.cached_ruleset(rules)
    rule = ruleset.indicator(indicator_id)
    period = Period.of(date_from, date_to, now)
    ids, counted = find(indicator_id, date_from, date_to, unit_code, rules, now=period.t)
    catalog = live.engine().catalog  # read with the ids: the units and calendars they were judged by
    tree = catalog.tree
    asked = tree.root if unit_code is None else tree.get(unit_code)
    unit_ids = sorted(pk for pk, unit in zip(catalog.unit_ids, catalog.units, strict=True)
                      if asked.code in tree.chain(unit.code))
    scope = (dossier_scope if rule.kind == "dossier" else feedback_scope)(period, unit_ids)
    return PagedPopulation(ruleset=ruleset, rule=rule, unit=asked, period=period, ids=ids, counted=counted,
                           scope=scope, catalog=catalog)


def procedure_members(indicator_id: str, unit_code: str | None, date_from: date, date_to: date,
                      rules: str = DEFAULT_RULESET, now: datetime | None = None):
    """`members.members` of a procedure indicator, with each procedure's dossier flags read from the live
    index rather than from every dossier the unit received in the period (seconds for a province)."""
    period = Period.of(date_from, date_to, now)
    flags = livelists.procedure_flags(date_from, date_to, unit_code, now=period.t)
    return members(indicator_id, unit_code, date_from, date_to, rules=rules, now=period.t, dossier_flags=flags)
