"""The early-warning page (officers: their own dossiers; leaders: their unit and below; monitors: all)
and the forecast page (monitors: the province and every unit; leaders: their own unit). Thin views over
`pace`, `indexcast` and `targetcast`."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from motcua.core.models import Role
from motcua.dossiers.models import Dossier
from motcua.forecasting import charts, indexcast, pace, targetcast
from motcua.forecasting.models import Forecast
from motcua.indicators.rules import DEFAULT_RULESET
from motcua.lib import periods
from motcua.lib.periods import local_date
from motcua.office.access import office_required, role_of, unit_ids_of, unit_of
from motcua.targets.models import Scope, Target
from motcua.targets.progress import Reader
from motcua.units.calendars import CalendarBook
from motcua.units.models import Unit

WIDE = (Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR)
UNIT_WIDE = (Role.UNIT_LEADER, Role.VIEWER)
OWN = (Role.PROCESSING_OFFICER, Role.DESK_OFFICER)


def _dossiers_for(user, role, unit_code: str):
    """The dossiers whose warnings `user` may read, and a label of that scope."""
    if role in WIDE:
        if unit_code:
            unit = Unit.objects.filter(code=unit_code).first()
            if unit is None:
                raise Http404
            units = Unit.objects.subtree_ids(unit.pk)
            return Dossier.objects.filter(Q(unit_id__in=units) | Q(holder_id__in=units)), unit.name
        return Dossier.objects.all(), "Toàn tỉnh"
    if role in UNIT_WIDE:
        units = unit_ids_of(user)
        return (Dossier.objects.visible_to(user).filter(Q(unit_id__in=units) | Q(holder_id__in=units)),
                unit_of(user).name)
    if role in OWN:
        return Dossier.objects.visible_to(user).filter(assignee=user), "Hồ sơ được phân công cho tôi"
    raise PermissionDenied


@office_required
def early_warning(request):
    role = role_of(request.user)
    dossiers, scope_label = _dossiers_for(request.user, role, request.GET.get("don_vi", "").strip())
    now = timezone.now()
    calendars = CalendarBook()
    book = pace.pace_for(dossiers, now, calendars=calendars)
    found = pace.predictions(dossiers, now, pace=book, calendars=calendars)
    flagged = [w for w in found if w.flagged]
    units = sorted({code for (_, code, _) in book.samples})
    names = dict(Unit.objects.filter(code__in=units).values_list("code", "name"))
    rows = pace.unit_pace_rows(book, units, lambda code: calendars.for_unit(code).hours_per_day)
    for row in rows:
        row["unit_name"] = names.get(row["unit"], row["unit"])
    return render(request, "forecasting/early_warning.html", {
        "scope_label": scope_label, "now": now, "groups": pace.by_officer(flagged), "assessed": len(found),
        "flagged": len(flagged), "no_pace": sum(1 for w in found if w.predicted_end is None),
        "pace_rows": rows, "quantile": round(book.q * 100), "history_days": pace.HISTORY_DAYS,
        "wide": role in WIDE, "unit_code": request.GET.get("don_vi", ""),
        "units": Unit.objects.order_by("position", "id") if role in WIDE else None,
    })


def _period(request, today: date) -> tuple[date, date]:
    try:
        date_from = date.fromisoformat(request.GET["tu"]) if request.GET.get("tu") else today.replace(month=1, day=1)
        date_to = date.fromisoformat(request.GET["den"]) if request.GET.get("den") else today.replace(month=12, day=31)
        periods.check_period(date_from, date_to, "tu", "den")
    except ValueError:  # a date that is not one, or outside what may be asked (PeriodOutOfRange)
        date_from, date_to = today.replace(month=1, day=1), today.replace(month=12, day=31)
    if date_to < date_from or date_from > today:
        date_from, date_to = today.replace(month=1, day=1), today.replace(month=12, day=31)
    return date_from, date_to


def _week_old(date_from: date, date_to: date, today: date, rules: str) -> dict[str, Forecast]:
    """The latest forecast of each unit's total for the period's end made at least a week ago."""
    found = {}
    for row in (Forecast.objects.filter(what=indexcast.TOTAL, period_from=date_from, for_date=date_to, rules=rules,
                                        made_on__lte=today - indexcast.WEEK).order_by("made_on")):
        found[row.scope] = row
    return found


@office_required
def forecast(request):
    role = role_of(request.user)
    now = timezone.now()
    today = local_date(now)
    date_from, date_to = _period(request, today)
    rules = DEFAULT_RULESET
    asked = request.GET.get("don_vi", "").strip()
    if role in WIDE:
        readings = indexcast.Readings(date_from, rules, now)
    elif role == Role.UNIT_LEADER:
        own = unit_of(request.user)
        if asked and asked != own.code:
            raise Http404
        asked = own.code
        readings = indexcast.Readings(date_from, rules, now, unit_code=own.code)
    else:
        raise PermissionDenied
    units = indexcast.forecast_units(date_from, date_to, rules=rules, now=now, readings=readings,
                                     unit_code=readings.unit_code)
    by_code = {u.code: u for u in units}
    selected = by_code.get(asked) if asked else units[0]
    if selected is None:
        raise Http404
    week_old = _week_old(date_from, date_to, today, rules)
    table = [{"unit": u, "week_old": week_old.get(u.code)} for u in units]
    total = selected.total
    quantities = list(selected.quantities.values())
    comparisons = [(q, indexcast.comparisons(selected.code, q.what, date_from, date_to, readings, now, rules))
                   for q in quantities]
    targets = _target_forecasts(selected.code, units[0].code if role in WIDE else None, today, now)
    return render(request, "forecasting/forecast.html", {
        "date_from": date_from, "date_to": date_to, "today": today, "units": table if role in WIDE else None,
        "selected": selected, "total": total, "quantities": quantities, "comparisons": comparisons,
        "chart": charts.forecast_svg(f"Tổng điểm 766 — {selected.name}", total.series, total.projection,
                                     total.maximum),
        "targets": targets, "days_left": max((date_to - today).days, 0),
    })


def _target_forecasts(unit_code: str, province_code: str | None, today: date, now) -> list:
    """The targets in force for the unit shown (the province's when it is the province) with their
    forecasts and charts."""
    targets = Target.objects.active_on(today).select_related("unit")
    if province_code is not None and unit_code == province_code:
        targets = targets.filter(scope=Scope.PROVINCE)
    else:
        targets = targets.filter(scope=Scope.UNIT, unit__code=unit_code)
    reader = Reader(now=now)
    found = []
    for target in targets:
        tf = targetcast.forecast_target(target, today, reader)
        if tf is None:
            continue
        svg = charts.forecast_svg(str(target), tf.series, tf.projection,
                                  targetcast.upper_of(target.measure_info), float(target.value))
        found.append({"forecast": tf, "chart": svg, "value": tf.text(tf.projection.value),
                      "low": tf.text(tf.projection.low), "high": tf.text(tf.projection.high),
                      "current": tf.text(tf.series[-1][1])})
    return found
