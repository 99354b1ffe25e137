"""The blocks of the two dashboards, most important first, each read from the module that owns it:

- the index (indicators.service, year to date and the week before) and the fair ranking
  (indicators.ranking);
- the targets and their progress (targets), the forecast at the period's end (forecasting);
- fix first (fixfirst), early warning per officer (forecasting.pace);
- the lagging lists (indicators.lagging), the plan's late tasks and missing monthly reports (plans).

`*_live` return only the figures the page refreshes (cheap: index reads of the live engine and the
targets' values); `*_page` return the whole context, the same figures included.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from motcua.controlroom import charts, dashboard
from motcua.controlroom.figures import Figures
from motcua.dossiers.models import Dossier
from motcua.forecasting import indexcast, pace, targetcast
from motcua.indicators import gaming, lagging
from motcua.indicators.rules import DEFAULT_RULESET, load_ruleset
from motcua.lib import vnformat
from motcua.plans import monthly
from motcua.plans import progress as plan_progress
from motcua.plans import status as plan_status
from motcua.plans.models import Plan
from motcua.targets import measures
from motcua.targets import progress as tprogress
from motcua.targets.models import Scope, Target
from motcua.targets.officers import officer_figures
from motcua.units.models import Unit, UnitKind

FIX_FIRST_SHOWN = 3
# The trend of a target: daily over a period of up to a month, else weekly (the last 13 weeks). Each point costs two index reads (since the start, and the day or week alone).
DAILY_UP_TO = 31
DAILY_POINTS = 31
WEEKLY_POINTS = 13
SLOW_SECONDS = 600


def url_or_none(name: str, *args, query: str = "") -> str | None:
    """The URL of a page another module provides, or None while it does not provide it."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def _period_query(reading: dashboard.IndexReading, unit_code: str | None = None) -> str:
    start, end = reading.period
    query = f"tu_ngay={start.isoformat()}&den_ngay={end.isoformat()}"
    return f"{query}&don_vi={unit_code}" if unit_code else query


# -- the province -------------------------------------------------------------------------------------


def _province_core(today: date, figures: Figures, with_trend: bool = False) -> dict:
    reading = dashboard.read_index(today)
    province = reading.unit()
    context = {
        "today": today,
        "reading": reading,
        "period_text": f"{vnformat.padded_date(reading.period[0])} – {vnformat.padded_date(reading.period[1])}",
        "previous_text": vnformat.padded_date(reading.previous_period[1]),
        "province_unit": province,
        "index": dashboard.add_index_figures(figures, "province", province, reading.unit(before=True)),
        "rankings": dashboard.rankings(figures, reading),
    }
    context["targets"] = targets_block(figures, today, None, with_trend=with_trend)
    return context


def province_live(today: date) -> Figures:
    figures = Figures()
    _province_core(today, figures)
    return figures


def province_page(today: date) -> dict:
    figures = Figures()
    context = _province_core(today, figures, with_trend=True)
    reading = context["reading"]
    flags = slow_cached(("gaming", *reading.period), lambda: gaming.gaming_flags(*reading.period))
    for table in context["rankings"]:
        for row in table.rows:
            row.flags = tuple(flags.get(row.unit.code, ()))
    context.update({
        "figures": figures,
        "live_url": reverse("controlroom:province_live"),
        "ranking_url": url_or_none("indicators:ranking"),
        "index_url": url_or_none("indicators:table"),
        "lagging": lagging_block(reading),
        "plans": plans_block(today),
        "fix_first_url": url_or_none("fixfirst:page", query=_period_query(reading)),
        "early_warning_url": url_or_none("forecasting:early_warning"),
        "index_forecast": index_forecast(None, today),
        "forecast_url": url_or_none("forecasting:forecast"),
    })
    return context


# -- a unit -------------------------------------------------------------------------------------------


def _unit_core(unit: Unit, today: date, figures: Figures, with_trend: bool = False) -> dict:
    listed = unit.kind in (UnitKind.DEPARTMENT, UnitKind.COMMUNE)
    # The province's reading holds every department and commune: the unit's own numbers and its rank.
    reading = dashboard.read_index(today, None if listed else unit.code)
    now, before = reading.unit(unit.code), reading.unit(unit.code, before=True)
    context = {
        "today": today,
        "unit": unit,
        "reading": reading,
        "period_text": f"{vnformat.padded_date(reading.period[0])} – {vnformat.padded_date(reading.period[1])}",
        "previous_text": vnformat.padded_date(reading.previous_period[1]),
        "index": dashboard.add_index_figures(figures, "unit", now, before),
        "rank": None,
    }
    if listed:
        found = dashboard.unit_rank(dashboard.rankings(figures, reading), unit.code)
        if found:
            table, row = found
            context["rank"] = {"table": table, "row": row, "of": sum(1 for r in table.rows if r.unit.rank is not None)}
    reader = tprogress.Reader()
    context["targets"] = targets_block(figures, today, unit, with_trend=with_trend, reader=reader)
    context["officers"] = officers_block(figures, unit, today, reader)
    return context


def unit_live(unit: Unit, today: date) -> Figures:
    figures = Figures()
    _unit_core(unit, today, figures)
    return figures


def unit_page(unit: Unit, today: date) -> dict:
    figures = Figures()
    context = _unit_core(unit, today, figures, with_trend=True)
    reading = context["reading"]
    context.update({
        "figures": figures,
        "live_url": reverse("controlroom:unit_live", args=[unit.code]),
        "index_url": url_or_none("indicators:table", query=f"don_vi={unit.code}"),
        "fix_first": fix_first_block(unit, reading),
        "warnings": early_warning_block(unit),
        "index_forecast": index_forecast(unit.code, today),
        "forecast_url": url_or_none("forecasting:forecast", query=f"don_vi={unit.code}"),
    })
    return context


# -- blocks of the other modules ----------------------------------------------------------------------


def fix_first_block(unit: Unit, reading: dashboard.IndexReading) -> dict:
    from motcua.fixfirst.engine import fix_first
    from motcua.fixfirst.labels import KIND_LABELS

    result = fix_first(*reading.period, unit_code=unit.code)
    actions = []
    for action in result["actions"]:
        if action["gain"] <= 0 and not action.get("at_stake"):
            continue
        items = action["dossiers"] or action["procedures"] or action.get("feedback") or []
        actions.append({**action, "label": KIND_LABELS.get(action["kind"], action["kind"]), "count": len(items),
                        "items": items, "gain_text": vnformat.number(action["gain"], 2, sign=True),
                        "at_stake_text": vnformat.number(action.get("at_stake"), 2, sign=True)})
    return {"total": result["total"], "total_text": vnformat.number(result["total"], 2),
            "evaluated_at": result["evaluated_at"], "actions": actions[:FIX_FIRST_SHOWN], "more": len(actions),
            "url": url_or_none("fixfirst:page", query=_period_query(reading, unit.code))}


def early_warning_block(unit: Unit) -> dict:
    units = Unit.objects.subtree_ids(unit.pk)
    queryset = Dossier.objects.filter(unit_id__in=units)
    warnings = pace.early_warnings(queryset, timezone.now())
    groups = pace.by_officer(warnings)
    return {"count": len(warnings), "groups": groups,
            "url": url_or_none("forecasting:early_warning", query=f"don_vi={unit.code}")}


TARGET_STATUS = {
    # (status, met) -> (text, tone)
    ("running", True): ("Đang đạt", "good"),
    ("running", False): ("Chưa đạt", "bad"),
    ("running", None): ("Chưa có số liệu", ""),
    ("ended", True): ("Đã đạt", "good"),
    ("ended", False): ("Không đạt", "bad"),
    ("ended", None): ("Không có số liệu", ""),
}


def _status_of(p: tprogress.Progress) -> tuple[str, str]:
    if p.status == "not_started":
        return f"Bắt đầu {vnformat.padded_date(p.target.start)}", ""
    return TARGET_STATUS[(p.status, p.met)]


def _days_left_text(p: tprogress.Progress) -> str:
    if p.status == "ended":
        return f"Đã kết thúc {vnformat.padded_date(p.target.end)}"
    return f"{vnformat.number(p.days_left)} ngày ({vnformat.number(p.working_days_left)} ngày làm việc)"


def _goal_text(target: Target) -> str:
    return f"{target.get_comparison_display()} {target.value_text}"


def _applied(target: Target, unit: Unit) -> Target:
    """A province target read for one unit (not saved): the campaign's aims apply to every unit."""
    copy = Target(pk=None, measure=target.measure, scope=Scope.UNIT, unit=unit, value=target.value,
                  comparison=target.comparison, start=target.start, end=target.end, programme=target.programme,
                  document_number=target.document_number, document_date=target.document_date,
                  created_at=target.created_at)
    copy.province_target = target
    return copy


def unit_targets(unit: Unit, today: date) -> list[Target]:
    """The unit's own current targets, and the province's current targets on measures the unit has none
    of (read for the unit)."""
    own = list(Target.objects.current().for_unit(unit).select_related("unit"))
    mine = {(t.measure, t.programme) for t in own}
    province = [t for t in Target.objects.current().filter(scope=Scope.PROVINCE)
                if (t.measure, t.programme) not in mine and measures.measure(t.measure).source != measures.OFFICER]
    return own + [_applied(t, unit) for t in province]


def _order(p: tprogress.Progress):
    status = {"running": 0, "not_started": 1, "ended": 2}[p.status]
    return (status, p.met is not False, -(p.shortfall or 0), p.target.end, p.target.measure)


def _is_rate(measure) -> bool:
    return measure.kind in (measures.SHARE, measures.PERCENT)


def index_forecast(unit_code: str | None, today: date, rules: str = DEFAULT_RULESET) -> dict | None:
    """The total at the end of the year at the current pace, with its band (forecasting.indexcast over
    the weekly readings of the last four weeks), and the forecasts made a week ago beside what happened
    (those `motcua forecast record` kept)."""
    now = timezone.now()
    date_from, date_to = date(today.year, 1, 1), date(today.year, 12, 31)
    readings = indexcast.Readings(date_from, rules, now, unit_code=unit_code)

    def compute():
        units = indexcast.forecast_units(date_from, date_to, unit_code=unit_code, rules=rules, now=now,
                                         readings=readings, weeks=indexcast.FIT_WEEKS)
        return units[0].total if units else None
    total = slow_cached(("index-forecast", unit_code, today, rules), compute)
    if total is None:
        return None
    p = total.projection
    result = {"projection": p, "date_text": vnformat.padded_date(date_to), "value_text": vnformat.number(p.value, 2),
              "low_text": vnformat.number(p.low, 2), "high_text": vnformat.number(p.high, 2), "back": []}
    for kind, c in indexcast.comparisons(total.scope, indexcast.TOTAL, date_from, date_to, readings, now, rules):
        result["back"].append({
            "kind": kind, "made_text": vnformat.padded_date(c.forecast.made_on),
            "for_text": vnformat.padded_date(c.forecast.for_date), "value_text": vnformat.number(c.forecast.value, 2),
            "low_text": vnformat.number(c.forecast.low, 2), "high_text": vnformat.number(c.forecast.high, 2),
            "actual_text": vnformat.number(c.actual, 2), "actual_on_text": vnformat.padded_date(c.actual_on),
            "within": c.within, "error_text": vnformat.number(c.error, 2, sign=True)})
    return result


def targets_block(figures: Figures, today: date, scope_unit: Unit | None, *, with_trend: bool = False,
                  reader: tprogress.Reader | None = None) -> dict:
    """Each current target of the province (`scope_unit` None) or of the unit with where it stands now,
    registered as live figures; with `with_trend`, its trend (chart and table) and its forecast at the end
    of its period. Running targets first, the ones not met with the largest shortfall first; the ended ones
    apart."""
    reader = reader or tprogress.Reader()
    if scope_unit is None:
        targets = list(Target.objects.current().filter(scope=Scope.PROVINCE))
    else:
        targets = unit_targets(scope_unit, today)
    if not with_trend:
        # The live figures: only the running targets can move (an ended one is read on the page).
        targets = [t for t in targets if t.start <= today <= t.end]
    rows = []
    for p in sorted((tprogress.progress(t, today, reader) for t in targets), key=_order):
        target = p.target
        key = f"target-{target.pk}" if target.pk else f"target-p{target.province_target.pk}"
        status_text, tone = _status_of(p)
        row = {
            "id": key.removeprefix("target-"), "progress": p, "label": target.measure_label,
            "programme": target.programme, "document": target.document_number,
            "shared": not target.pk,
            "period_text": f"{vnformat.padded_date(target.start)} – {vnformat.padded_date(target.end)}",
            "goal_text": _goal_text(target), "days_left_text": _days_left_text(p),
            "value": figures.add(f"{key}-value", p.value, p.value_text),
            "gap": figures.add(f"{key}-gap", p.gap, p.gap_text, "" if p.met is None else ("good" if p.met else "bad")),
            "status": figures.add(f"{key}-status", p.met, status_text, tone),
            "effort": figures.add(f"{key}-effort", p.effort.per_day if p.effort else None,
                                  p.effort.text if p.effort and p.effort.text else vnformat.DASH),
            "series": [], "chart": "", "forecast": None,
        }
        if with_trend and p.status == "running":
            _add_trend(row, p, today, reader)
        rows.append(row)
    running = [r for r in rows if r["progress"].status != "ended"]
    return {"rows": running, "ended": [r for r in rows if r["progress"].status == "ended"],
            "met": sum(1 for r in running if r["progress"].met), "count": len(running)}


def _add_trend(row: dict, p: tprogress.Progress, today: date, reader: tprogress.Reader) -> None:
    target, measure = p.target, p.measure
    points = trend_points(target, today, reader)
    if not points:
        return
    rate = _is_rate(measure)
    scale = Decimal(100) if rate else Decimal(1)

    def plotted(value):
        return None if value is None else float(value / scale)
    row["series"] = [(vnformat.padded_date(pt.day), tprogress.format_value(measure, pt.since_start),
                      tprogress.format_value(measure, pt.alone)) for pt in points]
    row["chart"] = charts.trend_svg([pt.day for pt in points], [plotted(pt.since_start) for pt in points],
                                    goal=plotted(target.value), as_rate=rate, label="Lũy kế từ đầu kỳ")
    row["forecast"] = forecast_of(p, today, reader)


def trend_points(target: Target, today: date, reader: tprogress.Reader) -> list[tprogress.TrendPoint]:
    """The target's trend (`targets.progress.trend`), daily over a period of up to a month, else weekly.

    Two index reads per point: kept a few minutes (`slow_cached`)."""
    daily = (target.end - target.start).days + 1 <= DAILY_UP_TO
    scope = target.pk or f"{target.province_target.pk}@{target.unit.code}"
    return slow_cached(
        ("trend", scope, target.measure, target.start, target.end, today, reader.rules),
        lambda: tprogress.trend(target, today, "day" if daily else "week",
                                max_points=DAILY_POINTS if daily else WEEKLY_POINTS, reader=reader))


def slow_cached(parts: tuple, compute):
    """`compute()` kept in the cache for `settings.MOTCUA_CONTROLROOM_SLOW_SECONDS` (600 by default).

    For the trends and forecasts only: tens of index reads over past periods, moving slowly; the figures
    of now (value, gap, status, effort) are never cached and stay live."""
    key = "controlroom:" + ":".join(str(p) for p in parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, getattr(settings, "MOTCUA_CONTROLROOM_SLOW_SECONDS", SLOW_SECONDS))
    return value


OUTLOOK_TONES = {targetcast.MET: "good", targetcast.MISSED: "bad", targetcast.UNCERTAIN: "warn"}


def forecast_of(p: tprogress.Progress, today: date, reader: tprogress.Reader) -> dict | None:
    """The target at the end of its period at the current pace, with its band (forecasting.targetcast)."""
    if p.status != "running":
        return None
    target = p.target
    scope = target.pk or f"{target.province_target.pk}@{target.unit.code}"
    found = slow_cached(("target-forecast", scope, target.measure, target.value, target.comparison,
                                    target.start, target.end, today, reader.rules),
                                   lambda: targetcast.forecast_target(target, today, reader))
    if found is None:
        return None
    projection = found.projection
    return {"forecast": found, "verdict": found.outlook_label, "tone": OUTLOOK_TONES[found.outlook],
            "value_text": found.text(projection.value), "low_text": found.text(projection.low),
            "high_text": found.text(projection.high), "date_text": vnformat.padded_date(target.end)}


def officers_block(figures: Figures, unit: Unit, today: date, reader: tprogress.Reader | None = None) -> dict:
    """Each officer's figures over the campaign's period (the first running province target's) or the
    month so far, with his targets and where each stands."""
    reader = reader or tprogress.Reader()
    running = (Target.objects.current().filter(scope=Scope.PROVINCE, start__lte=today, end__gte=today)
               .order_by("start", "id").first())
    if running is not None:
        period, label = (running.start, today), f"{running.programme}, từ {vnformat.padded_date(running.start)}"
    else:
        period, label = (today.replace(day=1), today), f"tháng {today.month:02d}/{today.year}"
    rows = []
    for f in officer_figures(unit, *period):
        pk = f.officer.pk
        row = {"figures": f, "label": label,
               "received": figures.number(f"officer-{pk}-received", f.received),
               "resolved": figures.number(f"officer-{pk}-resolved", f.resolved),
               "late": figures.number(f"officer-{pk}-late", f.late, tone="bad" if f.late else ""),
               "assisted": figures.number(f"officer-{pk}-assisted", f.assisted),
               "digitised": figures.add(f"officer-{pk}-digitised", f.digitised_share,
                                        vnformat.number(f.digitised) + " (" + (
                                            vnformat.number(f.digitised_share, 2) + "%"
                                            if f.digitised_share is not None else vnformat.DASH) + ")"),
               "targets": []}
        for target in f.targets:
            p = tprogress.progress(target, today, reader)
            status_text, tone = _status_of(p)
            row["targets"].append({
                "label": target.measure_label, "goal_text": _goal_text(target),
                "value": figures.add(f"officer-target-{target.pk}-value", p.value, p.value_text),
                "status": figures.add(f"officer-target-{target.pk}-status", p.met, status_text, tone),
            })
        rows.append(row)
    return {"rows": rows, "period_text": label}


def lagging_block(reading: dashboard.IndexReading, rules: str = DEFAULT_RULESET) -> list:
    """How many units each lagging list names, with a link to the list."""
    kinds = dict(Unit.objects.exclude(kind__in=(UnitKind.OFFICE, UnitKind.PROVINCE)).values_list("code", "kind"))
    lists = lagging.lagging_lists(lagging.lagging_units(reading.current, load_ruleset(rules), kinds))
    base = url_or_none("indicators:lagging")
    return [{"key": item.key, "label": item.label, "description": item.description, "count": len(item.units),
             "url": f"{base}?danh_sach={item.key}&{_period_query(reading)}" if base else None} for item in lists]


def plans_block(today: date) -> list:
    """Each plan in force: its tasks late (by the one definition), and the units that have not sent the
    month's report."""
    rows = []
    for plan in Plan.objects.filter(period_start__lte=today, period_end__gte=today).order_by("period_start", "id"):
        tasks = plan_progress.progress(plan.tasks.all(), today)
        late = [t for t in tasks if t.status == plan_status.LATE]
        month = monthly.month_of(today)
        missing = monthly.not_reported(plan, month)
        rows.append({"plan": plan, "tasks": len(tasks), "late": late, "done": sum(1 for t in tasks if t.status == plan_status.DONE),
                     "month_text": monthly.month_label(month),
                     "due_text": vnformat.padded_date(monthly.last_day(plan, month)),
                     "not_reported": missing, "url": url_or_none("plans:overview", plan.key),
                     "not_reported_url": url_or_none("plans:not_reported", plan.key)})
    return rows
