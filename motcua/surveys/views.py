"""The provincial office's survey pages (thin views: the rules are in actions, invitations, results).

Only provincial monitors and administrators (`access.definer_required`) see any of them; a survey or an
opening that does not exist is 404. Every change is a POST and goes through an action that writes its
audit row.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from motcua.catalog.models import Procedure
from motcua.lib.vnformat import number, padded_date, percent
from motcua.lib.workingtime import LOCAL_TZ
from motcua.surveys import actions, questionnaire
from motcua.surveys.access import definer_required
from motcua.surveys.charts import bar_svg
from motcua.surveys.invitations import InviteRefused, invite
from motcua.surveys.models import Opening, Survey
from motcua.surveys.results import BY_PROCEDURE, BY_UNIT, GROUPINGS, WHOLE, results
from motcua.surveys.xlsx import workbook
from motcua.units.models import Unit

GROUPING_PARAMS = {"tong": WHOLE, "dich-vu": BY_PROCEDURE, "don-vi": BY_UNIT}


def _today() -> date:
    return timezone.now().astimezone(LOCAL_TZ).date()


def _parse_day(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _questions_text(questions) -> str:
    return json.dumps(questions, ensure_ascii=False, indent=2)


def _read_questions(text: str):
    """(raw data, errors): the textarea's JSON, or the error naming the line where it is not JSON."""
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        return None, [f"Không đọc được JSON ở dòng {exc.lineno}, cột {exc.colno}: {exc.msg}."]


@definer_required
def survey_list(request):
    surveys = (Survey.objects.annotate(n_openings=Count("openings", distinct=True))
               .select_related("created_by").order_by("-created_at", "-id"))
    openings = (Opening.objects.select_related("survey")
                .annotate(invited=Count("invitations", distinct=True),
                          answered=Count("invitations", filter=Q(invitations__used_at__isnull=False),
                                         distinct=True))
                .order_by("-opens_on", "-id"))
    today = _today()
    return render(request, "surveys/list.html", {
        "surveys": surveys, "openings": [(o, o.is_open(today)) for o in openings]})


def _survey_form(request, template: str, context: dict, status: int = 200):
    return render(request, template, context, status=status)


@definer_required
def survey_new(request):
    form = {"title": "Đánh giá chất lượng trải nghiệm dịch vụ công trực tuyến", "intro": (
        "Phiếu khảo sát giúp tỉnh Thái Nguyên đánh giá chất lượng trải nghiệm của người dân, doanh nghiệp "
        "khi sử dụng dịch vụ công, theo hướng dẫn của Bộ Khoa học và Công nghệ."),
        "questions": _questions_text(questionnaire.EXPERIENCE_QUESTIONS)}
    errors: list[str] = []
    if request.method == "POST":
        form = {name: request.POST.get(name, "") for name in ("title", "intro", "questions")}
        data, errors = _read_questions(form["questions"])
        if not form["title"].strip():
            errors.append("Vui lòng đặt tên cho phiếu khảo sát.")
        if not errors:
            try:
                survey = actions.create_survey(request.user, form["title"], form["intro"], data, timezone.now())
            except questionnaire.QuestionnaireError as exc:
                errors = exc.errors
            else:
                messages.success(request, "Đã tạo phiếu khảo sát.")
                return redirect("surveys:survey", survey.pk)
    return _survey_form(request, "surveys/survey_form.html", {"form": form, "errors": errors, "survey": None,
                                                               "types": questionnaire.TYPE_LABELS},
                        status=400 if errors else 200)


def _survey_page(request, survey: Survey, form=None, errors=(), status=200):
    locked = actions.is_locked(survey)
    form = form or {"title": survey.title, "intro": survey.intro, "questions": _questions_text(survey.questions)}
    return render(request, "surveys/survey.html", {
        "survey": survey, "questions": questionnaire.parse(survey.questions), "locked": locked,
        "form": form, "errors": list(errors), "types": questionnaire.TYPE_LABELS,
        "openings": survey.openings.order_by("-opens_on", "-id"),
        "events": survey.events.select_related("actor").order_by("-at", "-id")[:20],
        "newer": Survey.objects.filter(previous=survey).first(),
    }, status=status)


@definer_required
def survey_detail(request, pk):
    return _survey_page(request, get_object_or_404(Survey, pk=pk))


@definer_required
@require_POST
def survey_edit(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    form = {name: request.POST.get(name, "") for name in ("title", "intro", "questions")}
    data, errors = _read_questions(form["questions"])
    if not form["title"].strip():
        errors.append("Vui lòng đặt tên cho phiếu khảo sát.")
    if not errors:
        try:
            actions.update_survey(survey, request.user, form["title"], form["intro"], data, timezone.now())
        except questionnaire.QuestionnaireError as exc:
            errors = exc.errors
        except actions.SurveyLocked as exc:
            messages.error(request, str(exc))
            return redirect("surveys:survey", survey.pk)
        else:
            messages.success(request, "Đã lưu phiếu khảo sát.")
            return redirect("surveys:survey", survey.pk)
    return _survey_page(request, survey, form, errors, status=400)


@definer_required
@require_POST
def survey_new_version(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    copy = actions.new_version(survey, request.user, timezone.now())
    messages.success(request, f"Đã tạo phiên bản {copy.version}; sửa câu hỏi rồi mở đợt khảo sát mới.")
    return redirect("surveys:survey", copy.pk)


def _codes(text: str) -> list[str]:
    return [c for c in (part.strip() for part in text.replace(",", "\n").replace(";", "\n").splitlines()) if c]


@definer_required
def opening_new(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    today = _today()
    form = {"name": f"Đợt khảo sát năm {today.year}", "procedures": "", "units": "",
            "opens_on": padded_date(today), "closes_on": padded_date(today + timedelta(days=30)),
            "returned_from": padded_date(today - timedelta(days=365)), "returned_to": padded_date(today),
            "anonymous": True}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {name: request.POST.get(name, "") for name in ("name", "procedures", "units", "opens_on",
                                                               "closes_on", "returned_from", "returned_to")}
        form["anonymous"] = request.POST.get("anonymous") == "on"
        procedure_codes, unit_codes = _codes(form["procedures"]), _codes(form["units"])
        procedures = list(Procedure.objects.filter(code__in=procedure_codes))
        units = list(Unit.objects.filter(code__in=unit_codes))
        values = actions.OpeningInput(
            name=form["name"], procedures=procedures, units=units, anonymous=form["anonymous"],
            **{name: _parse_day(form[name]) for name in ("opens_on", "closes_on", "returned_from", "returned_to")})
        errors = actions.check_opening(values)
        unknown = sorted(set(procedure_codes) - {p.code for p in procedures})
        if unknown:
            errors["procedures"] = f"Không có thủ tục mang mã: {', '.join(unknown)}."
        unknown = sorted(set(unit_codes) - {u.code for u in units})
        if unknown:
            errors["units"] = f"Không có đơn vị mang mã: {', '.join(unknown)}."
        if not errors:
            opening = actions.open_survey(survey, request.user, values, timezone.now())
            messages.success(request, "Đã mở đợt khảo sát. Bấm “Gửi lời mời” để mời người dân trả lời.")
            return redirect("surveys:opening", opening.pk)
    return render(request, "surveys/opening_form.html", {"survey": survey, "form": form, "errors": errors},
                  status=400 if errors else 200)


def _shown(group) -> dict:
    """A group's numbers written the Vietnamese way, with a chart per scale or choice question."""
    questions = []
    for r in group.questions:
        questions.append({
            "question": r.question, "type": questionnaire.TYPE_LABELS[r.question.type], "answered": r.answered,
            "average": number(r.average, 2) if r.average is not None else None,
            "options": [{"label": o.label, "count": number(o.count), "share": percent(o.share)} for o in r.options],
            "texts": r.texts,
            "chart": mark_safe(bar_svg(r)) if r.options and r.answered else "",  # noqa: S308 - pygal's own SVG
        })
    return {"group": group, "rate": percent(group.rate), "invited": number(group.invited),
            "answered": number(group.answered), "questions": questions}


@definer_required
def opening_detail(request, pk):
    opening = get_object_or_404(Opening.objects.select_related("survey"), pk=pk)
    param = request.GET.get("theo", "tong")
    grouping = GROUPING_PARAMS.get(param)
    if grouping is None:
        raise Http404
    groups = results(opening, grouping)
    chosen = groups[0] if grouping == WHOLE else next((g for g in groups if g.key == request.GET.get("nhom")), None)
    scales = [q for q in questionnaire.parse(opening.survey.questions) if q.type == questionnaire.SCALE]
    summary = [{"group": g, "invited": number(g.invited), "answered": number(g.answered), "rate": percent(g.rate),
                "averages": [number(g.question(q.key).average, 2) for q in scales]} for g in groups]
    return render(request, "surveys/opening.html", {
        "opening": opening, "survey": opening.survey, "is_open": opening.is_open(_today()),
        "closed": _today() > opening.closes_on, "procedures": opening.procedures.order_by("code"),
        "units": opening.units.order_by("code"), "param": param, "groupings": [
            (key, GROUPINGS[value]) for key, value in GROUPING_PARAMS.items()],
        "grouping_label": GROUPINGS[grouping], "summary": summary, "scales": scales,
        "chosen": _shown(chosen) if chosen is not None else None,
        "events": opening.events.select_related("actor").order_by("-at", "-id")[:20],
    })


@definer_required
@require_POST
def opening_invite(request, pk):
    opening = get_object_or_404(Opening.objects.select_related("survey"), pk=pk)
    site = settings.MOTCUA_SITE_URL or request.build_absolute_uri("/")
    try:
        run = invite(opening, site, actor=request.user)
    except InviteRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã mời {number(run.invited)} người ({number(run.messages)} thư điện tử, "
                                  f"tin nhắn vào hàng đợi gửi); {number(run.already)} người đã được mời trước đó.")
    return redirect("surveys:opening", opening.pk)


@definer_required
def opening_xlsx(request, pk):
    opening = get_object_or_404(Opening.objects.select_related("survey"), pk=pk)
    response = HttpResponse(workbook(opening),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="khao-sat-{opening.pk}.xlsx"'
    return response
