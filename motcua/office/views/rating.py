"""Ratings in the back office: the desk's tablet page, where the citizen taps his answer when he takes his
result, and the weekly list of the least-satisfied procedures and units.

The tablet page: desk roles only (a processing officer: 403), the dossier read through `visible_to` (another
unit's dossier: 404). The officer opens it; nothing he can put in the address pre-fills an answer: the
citizen taps Hài lòng / Không hài lòng (a POST), the tap's answer travels to the criteria step signed and
short-lived, the page never shows an earlier answer, and after "Cảm ơn" it goes back to the desk's list.

The weekly list: provincial monitors and administrators see the province, unit leaders their units.
"""

from datetime import date, timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from motcua.core.models import Role
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier
from motcua.lib import periods
from motcua.lib.vnformat import padded_date, percent
from motcua.office.access import DESK, dossier_or_404, office_required, role_of, unit_ids_of
from motcua.ratings import exports
from motcua.ratings.criteria import ANSWERS, CRITERIA
from motcua.ratings.rating import RatingError, rate, rateable, read_form
from motcua.ratings.weekly import last_full_week, least_satisfied, week_of

TICKET_SALT = "motcua.ratings.desk"
TICKET_SECONDS = 15 * 60
DESK_LIST_DAYS = 14
TABLE_ROWS = 50


def _desk_only(request):
    if role_of(request.user) not in DESK:
        raise PermissionDenied("Trang đánh giá tại quầy dành cho cán bộ Bộ phận Một cửa.")


@office_required
def desk_start(request):
    """The desk's list of dossiers whose results it returned lately, each opening the tablet page."""
    _desk_only(request)
    code = (request.GET.get("ma") or "").strip()
    if code:
        return redirect("office:rating_desk", code=code)
    since = timezone.now() - timedelta(days=DESK_LIST_DAYS)
    dossiers = (Dossier.objects.visible_to(request.user)
                .filter(status=Status.RETURNED, returned_at__gte=since, received_by_id__in=unit_ids_of(request.user))
                .select_related("procedure", "rating_given").order_by("-returned_at")[:100])
    return render(request, "office/rating_desk_start.html", {"dossiers": dossiers, "days": DESK_LIST_DAYS})


def _criteria():
    return [{"key": c.key, "label": c.label} for c in CRITERIA]


@office_required
@require_http_methods(["GET", "POST"])
def desk(request, code):
    _desk_only(request)
    dossier = dossier_or_404(request.user, code)
    context = {"dossier": dossier, "answers": ANSWERS, "criteria": _criteria(), "step": "answer"}
    if not rateable(dossier):
        context["closed"] = "Hồ sơ chưa được trả kết quả nên chưa thể đánh giá."
        return render(request, "office/rating_desk.html", context)
    if request.method == "GET":
        return render(request, "office/rating_desk.html", context)
    step = request.POST.get("step")
    if step == "answer":  # the citizen tapped one of the two big buttons
        answer = request.POST.get("satisfied")
        if answer not in ("1", "0"):
            return render(request, "office/rating_desk.html", context, status=400)
        context.update(step="criteria", satisfied=answer == "1",
                       ticket=signing.dumps({"code": dossier.code, "satisfied": answer}, salt=TICKET_SALT))
        return render(request, "office/rating_desk.html", context)
    if step == "send":
        try:
            ticket = signing.loads(request.POST.get("ticket", ""), salt=TICKET_SALT, max_age=TICKET_SECONDS)
        except signing.BadSignature:  # expired or made up: start again from the two buttons
            context["error"] = "Phiên đánh giá đã hết hạn. Mời Ông/Bà chọn lại."
            return render(request, "office/rating_desk.html", context, status=400)
        if ticket.get("code") != dossier.code:
            return HttpResponseBadRequest("Phiên đánh giá không khớp hồ sơ.")
        answer = read_form({**request.POST.dict(), "satisfied": ticket["satisfied"]})
        try:
            rate(dossier, **answer, channel="desk", actor=request.user)
        except RatingError as exc:
            context["closed"] = str(exc)
            return render(request, "office/rating_desk.html", context, status=409)
        return redirect("office:rating_desk_thanks")
    return HttpResponseBadRequest("Bước đánh giá không hợp lệ.")


@office_required
def desk_thanks(request):
    _desk_only(request)
    return render(request, "office/rating_desk_thanks.html", {"back": reverse("office:rating_desk_start"),
                                                               "seconds": 8})


def _scope(request):
    """None for the whole province, or the unit ids a unit leader answers for."""
    role = role_of(request.user)
    if role in (Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR):
        return None
    if role == Role.UNIT_LEADER and unit_ids_of(request.user):
        return unit_ids_of(request.user)
    raise PermissionDenied("Danh sách này dành cho giám sát của tỉnh và lãnh đạo đơn vị.")


def _week(request):
    raw = request.GET.get("tuan") or ""
    try:
        return week_of(periods.check_day(date.fromisoformat(raw), "tuan"))
    except ValueError:  # not a date, or outside what may be asked (PeriodOutOfRange)
        return last_full_week(timezone.now())


@office_required
def weekly(request):
    units = _scope(request)
    week = _week(request)
    data = least_satisfied(week, units)
    title = exports.week_title(data)
    return render(request, "office/rating_weekly.html", {
        "data": data, "week": week, "title": title, "share": percent(data.share),
        "procedures": data.procedures[:TABLE_ROWS], "units": data.units[:TABLE_ROWS],
        "more": max(len(data.procedures), len(data.units)) > TABLE_ROWS,
        "procedure_chart": exports.chart_svg(data.procedures, f"Thủ tục có tỷ lệ hài lòng thấp nhất, {title}")
        if data.procedures else "",
        "unit_chart": exports.chart_svg(data.units, f"Đơn vị có tỷ lệ hài lòng thấp nhất, {title}")
        if data.units else "",
        "previous": week.previous().monday.isoformat(), "next": week.next().monday.isoformat(),
        "monday": padded_date(week.monday), "sunday": padded_date(week.sunday),
    })


@office_required
def weekly_xlsx(request):
    units = _scope(request)
    week = _week(request)
    response = HttpResponse(exports.workbook(least_satisfied(week, units)),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="it-hai-long-{week.monday.isoformat()}.xlsx"'
    return response
