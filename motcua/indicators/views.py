"""The index pages: a unit's table at two dates (Appendix I), the ranking of units, and the lists behind
every number. Views check input (400 on bad input), ask `service.index_json` and `members.members` for the
numbers, and render; the layout rules live in `comparison`, the access rules in `access`."""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.catalog.models import Level, OnlineLevel
from motcua.dossiers.models import Dossier
from motcua.feedback.models import Feedback
from motcua.indicators import access, gaming, lagging, semantics
from motcua.indicators import ranking as ranking_rules
from motcua.indicators.comparison import comparison_rows
from motcua.indicators.forms import ALL, COUNTED, NOT_COUNTED, IndexQueryForm, MembersQueryForm
from motcua.indicators.labels import selector_labels
from motcua.indicators.live import cached_ruleset
from motcua.indicators.members import members
from motcua.indicators.pagedmembers import dossier_population, feedback_population, procedure_members
from motcua.indicators.rules import load_ruleset
from motcua.indicators.service import index_json
from motcua.lib import periods
from motcua.office.access import office_required, role_of, unit_ids_of, unit_of
from motcua.units.models import Unit, UnitKind

PAGE_SIZE = 100
RANKING_SORTS = ("hang", "ten", "tong", "thay-doi", "I", "II", "III", "IV", "V", "ho-so")


def _period_query(unit_code: str | None, rules: str, period: periods.DateRange) -> str:
    """The drill-down's query string for one unit, rule set and period."""
    params = {"bo_chi_so": rules, "tu_ngay": period[0].isoformat(), "den_ngay": period[1].isoformat()}
    if unit_code:
        params["don_vi"] = unit_code
    return urlencode(params)


def _report_query(query) -> str:
    params = {"den_ngay": query.current[1].isoformat(), "bo_chi_so": query.rules}
    if query.length == periods.YEAR_TO_DATE:
        params["luy_ke"] = "1"
    return urlencode(params)


@office_required
def index_table(request):
    """A unit's indicators at two period ends with the change, laid out like the province's Appendix I."""
    form = IndexQueryForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "indicators/table.html", {"form": form}, status=400)
    query = form.query()
    ruleset = load_ruleset(query.rules)
    current = index_json(*query.current, unit_code=query.unit_code, rules=query.rules)
    previous = index_json(*query.previous, unit_code=query.unit_code, rules=query.rules)
    return render(request, "indicators/table.html", {
        "form": form, "query": query, "ruleset": ruleset, "unit": current["units"][0],
        "rows": comparison_rows(ruleset, previous["units"][0], current["units"][0]),
        "current": current, "previous": previous,
        "current_query": _period_query(query.unit_code, query.rules, query.current),
        "previous_query": _period_query(query.unit_code, query.rules, query.previous),
        "report_query": _report_query(query),
    })


def _sort_key(sort: str):
    if sort == "ten":
        return lambda r: r.name.casefold()
    if sort == "tong":
        return lambda r: r.total
    if sort == "ho-so":
        return lambda r: r.processing
    if sort == "thay-doi":
        return lambda r: (r.rank_change is None, r.rank_change or 0)
    if sort in ("I", "II", "III", "IV", "V"):
        return lambda r: r.official.groups.get(sort, 0)
    return lambda r: (r.rank is None, r.rank or 0)


def _visible_codes(user, codes) -> set[str]:
    """The dossier codes among `codes` that the user may open."""
    return set(access.dossiers_visible_to(user).filter(code__in=list(codes)).values_list("code", flat=True))


@office_required
def ranking_table(request):
    """Departments and communes ranked apart by official total, with each group's points, the volume, the
    fairness markers (few dossiers, empty-period points, the rates' intervals) and the gaming flags; units
    with few dossiers after the others, units with none unranked (docs/ranking.md). Any column sorts
    within each part."""
    form = IndexQueryForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "indicators/ranking.html", {"form": form}, status=400)
    query = form.query()
    ruleset = load_ruleset(query.rules)
    current = index_json(*query.current, rules=query.rules)
    previous = index_json(*query.previous, rules=query.rules)
    sort = request.GET.get("sap_xep") if request.GET.get("sap_xep") in RANKING_SORTS else "hang"
    descending = request.GET.get("chieu", "giam" if sort in ("tong", "thay-doi", "ho-so", *RANKING_SORTS[4:9])
                                 else "tang") == "giam"
    params = request.GET.copy()
    for key in ("sap_xep", "chieu", "don_vi"):
        params.pop(key, None)
    kinds = dict(Unit.objects.values_list("code", "kind"))
    flags = gaming.gaming_flags(*query.current)
    rankings = [ranking_rules.with_flags(r, flags) for r in
                ranking_rules.fair_ranking(current, ruleset, kinds, previous)]
    key = _sort_key(sort)
    parts = [(r, [(ranking_rules.TIER_LABELS[tier], sorted(units, key=key, reverse=descending))
                  for tier, units in ((ranking_rules.ENOUGH, r.ranked), (ranking_rules.FEW, r.few),
                                      (ranking_rules.EMPTY, r.empty)) if units])
             for r in rankings]
    flagged = [flag for r in rankings for u in r.units for flag in u.flags]
    visible = _visible_codes(request.user, {code for flag in flagged for code in flag.dossiers})
    columns = [("hang", _("Hạng")), ("ten", _("Đơn vị")), ("ho-so", _("Hồ sơ")), ("tong", _("Tổng điểm")),
               *((g.id, f"{g.id}. {g.label}") for g in ruleset.groups), ("thay-doi", _("Thay đổi hạng"))]
    return render(request, "indicators/ranking.html", {
        "form": form, "query": query, "ruleset": ruleset, "current": current, "sort": sort,
        "descending": descending, "params": params.urlencode(), "columns": columns, "rankings": parts,
        "rows": [(u, UnitKind(u.kind).label) for r in rankings for u in r.units],
        "min_dossiers": ranking_rules.min_dossiers(), "main_rates": ranking_rules.main_rate_ids(ruleset),
        "flagged": [(f, [c for c in f.dossiers if c in visible], len(f.dossiers)) for f in flagged],
        "members_query": _period_query(None, query.rules, query.current),
    })


def _visible_pks(request, result) -> set[int] | None:
    """The ids the user may see among the listed dossiers or feedback items (None: nothing is scoped)."""
    if result.kind == "dossier":
        return result.visible_pks(access.dossiers_visible_to(request.user))
    if result.kind == "feedback":
        return result.visible_pks(access.feedback_visible_to(request.user))
    return None


def _details(kind: str, items) -> dict[str, object]:
    """What the page shows beside each listed item, by its key: the database row of a dossier or feedback
    item (status, procedure and unit names), the labels of a procedure's level and online level."""
    if kind == "dossier":
        rows = Dossier.objects.select_related("procedure", "unit").in_bulk([m.pk for m in items])
        return {row.code: row for row in rows.values()}
    if kind == "feedback":
        rows = Feedback.objects.select_related("unit").in_bulk([m.pk for m in items])
        return {row.code: row for row in rows.values()}
    if kind == "procedure":
        return {m.key: {"level": Level(m.item.level).label, "online": OnlineLevel(m.item.online_level).label}
                for m in items}
    return {}


def _ended(result, member):
    """A dossier's end as the index sees it at t (a later end has not happened yet)."""
    return semantics.end_by(member.item, result.period.t) if result.kind == "dossier" else None


@office_required
def indicator_members(request, indicator_id: str):
    """The denominator's items of one indicator, each marked counted or not, in the user's scope."""
    form = MembersQueryForm(request.GET)
    if not form.is_valid():
        return render(request, "indicators/members.html", {"form": form}, status=400)
    query = form.query(request.GET.get("trang"))
    try:
        rule = cached_ruleset(query.rules).indicator(indicator_id)
    except KeyError:
        raise Http404 from None
    if rule.kind in ("dossier", "feedback"):
        result, page, hidden = _paged(request, indicator_id, query, rule.kind)
    else:
        result, page, hidden = _small_page(request, indicator_id, query, rule.kind)
    details = _details(result.kind, page)
    params = request.GET.copy()
    params.pop("trang", None)
    table_params = {"don_vi": query.unit_code or "", "bo_chi_so": query.rules, "ky": periods.RANGE,
                    "tu_ngay": query.date_from.isoformat(), "den_ngay": query.date_to.isoformat()}
    return render(request, "indicators/members.html", {
        "form": form, "query": query, "result": result, "page": page,
        "rows": [(m, details.get(m.key), _ended(result, m)) for m in page],
        "hidden": hidden, "labels": selector_labels(result.rule), "params": params.urlencode(),
        "COUNTED": COUNTED, "NOT_COUNTED": NOT_COUNTED, "ALL": ALL, "period_query": _period_query(query.unit_code, query.rules, (query.date_from, query.date_to)),
        "table_query": urlencode(table_params),
    })


def _paged(request, indicator_id: str, query, kind: str):
    """A dossier or feedback population paged through the live index: only the page's rows are read and built."""
    dossiers = kind == "dossier"
    find = dossier_population if dossiers else feedback_population
    result = find(indicator_id, query.unit_code, query.date_from, query.date_to, query.rules)
    if query.show == ALL:
        shown = np.ones(len(result.ids), dtype=bool)
    else:
        shown = result.counted == (query.show == COUNTED)
    hidden = 0
    if role_of(request.user) not in access.SEES_EVERYTHING:
        visible = result.visible(access.dossiers_visible_to(request.user) if dossiers
                                 else access.feedback_visible_to(request.user))
        hidden = int(np.count_nonzero(~visible))
        shown &= visible
    page = Paginator(result.ids[shown], PAGE_SIZE).get_page(query.page)
    page.object_list = result.members(page.object_list)
    return result, page, hidden


def _small_page(request, indicator_id: str, query, kind: str):
    """Procedures and communes: few enough to list by the plain reference."""
    find = procedure_members if kind == "procedure" else members
    result = find(indicator_id, query.unit_code, query.date_from, query.date_to, query.rules)
    visible = _visible_pks(request, result)
    shown = [m for m in result.items
             if (query.show == ALL or (query.show == COUNTED) == m.counted)
             and (visible is None or m.pk in visible)]
    page = Paginator(shown, PAGE_SIZE).get_page(query.page)
    hidden = 0 if visible is None else sum(1 for m in result.items if m.pk not in visible)
    return result, page, hidden


def _listed_scope(user) -> set[str] | None:
    """The department and commune codes a user's lagging lists show: None (all) for the province's monitors
    and administrators; otherwise the listed units in the officer's subtree and the one he reports under."""
    if role_of(user) in access.SEES_EVERYTHING:
        return None
    own = unit_ids_of(user)
    if not own:
        return set()
    rows = {pk: (code, kind, parent) for pk, code, kind, parent in Unit.objects.values_list("id", "code", "kind",
                                                                                          "parent_id")}
    found = {rows[pk][0] for pk in own if rows[pk][1] in lagging.LISTED_KINDS}
    current = unit_of(user).pk
    while current is not None and rows[current][1] not in lagging.LISTED_KINDS:
        current = rows[current][2]
    if current is not None:
        found.add(rows[current][0])
    return found


@office_required
def lagging_lists(request):
    """The lists of lagging units (low sync, few online payments, no dossiers, eligible procedures not yet
    fully online, online services without an online dossier), each sortable by any column; every rate is
    the index's. Monitors see every unit, other officers the units they belong to."""
    form = IndexQueryForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "indicators/lagging.html", {"form": form}, status=400)
    query = form.query()
    ruleset = load_ruleset(query.rules)
    current = index_json(*query.current, rules=query.rules)
    kinds = dict(Unit.objects.values_list("code", "kind"))
    scope = _listed_scope(request.user)
    units = [u for u in lagging.lagging_units(current, ruleset, kinds) if scope is None or u.code in scope]
    lists = lagging.lagging_lists(units)
    chosen_key = request.GET.get("danh_sach")
    chosen = next((item for item in lists if item.key == chosen_key), lists[0])
    sort = request.GET.get("sap_xep")
    if sort not in lagging.SORTS:
        sort = lagging.DEFAULT_SORT[chosen.key]
    default_direction = "giam" if sort in lagging.DESCENDING_BY_DEFAULT else "tang"
    descending = request.GET.get("chieu", default_direction) == "giam"
    params = request.GET.copy()
    for key in ("sap_xep", "chieu", "danh_sach"):
        params.pop(key, None)
    columns = [("ten", _("Đơn vị")), ("tiep-nhan", _("Hồ sơ tiếp nhận")),
               ("dong-bo", _("Tỷ lệ đồng bộ")), ("thanh-toan", _("Tỷ lệ thanh toán trực tuyến")),
               ("toan-trinh", _("Tỷ lệ hồ sơ toàn trình")),
               ("chua-toan-trinh", _("TTHC đủ điều kiện chưa toàn trình")),
               ("khong-truc-tuyen", _("DVCTT chưa có hồ sơ trực tuyến"))]
    return render(request, "indicators/lagging.html", {
        "form": form, "query": query, "ruleset": ruleset, "current": current, "lists": lists, "chosen": chosen,
        "rows": [(u, UnitKind(u.kind).label) for u in lagging.sorted_units(chosen.units, sort, descending)],
        "sort": sort, "descending": descending, "columns": columns, "params": params.urlencode(),
        "members_query": _period_query(None, query.rules, query.current),
        "low_sync": lagging.threshold("low_sync_rate"), "low_payment": lagging.threshold("low_payment_rate"),
    })
