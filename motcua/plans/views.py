"""The plan pages: overview, task page (updates, evidence, timeline), my tasks, the monthly report form, the
monitors' "not reported" list and the campaign's weekly reports. Thin: the rules are in access, actions,
monthly and campaign; every page asks `motcua.plans.access` who may see what (a task outside one's scope is
"not found")."""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.lib.vnformat import padded_date
from motcua.office.access import office_required
from motcua.plans import campaign as camp
from motcua.plans import monthly
from motcua.plans.access import can_report, can_update, plan_unit, sees_all, visible_tasks
from motcua.plans.actions import ActionRefused, add_evidence, post_update
from motcua.plans.models import CampaignReport, Evidence, MonthlyReport, Plan, TaskEvent
from motcua.plans.progress import progress
from motcua.units.models import UnitKind


class UpdateForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=5000)
    percent = forms.IntegerField(label=gettext_lazy("Mức độ hoàn thành (%)"), min_value=0, max_value=100,
                                 localize=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp minh chứng (PDF, PNG, JPEG)"))
    note = forms.CharField(label=gettext_lazy("Mô tả"), max_length=300, required=False)


class MonthlyForm(forms.Form):
    month = forms.ChoiceField(label=gettext_lazy("Tháng báo cáo"))
    text = forms.CharField(label=gettext_lazy("Nội dung báo cáo"), widget=forms.Textarea(attrs={"rows": 8}),
                           required=False, max_length=20000)
    signed_file = forms.FileField(label=gettext_lazy("Báo cáo đã ký (PDF, nếu có)"), required=False)

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(m.isoformat(), monthly.month_label(m)) for m in months]


class CampaignForm(forms.Form):
    week = forms.ChoiceField(label=gettext_lazy("Kỳ báo cáo"))
    text = forms.CharField(label=gettext_lazy("Kết quả thực hiện trong kỳ"), widget=forms.Textarea(attrs={"rows": 6}),
                           max_length=20000)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["week"].choices = choices


def units_label(units) -> str:
    """Lead or coordinating units in a few words: "15 sở, ngành; 92 xã, phường" for long lists."""
    units = list(units)
    if len(units) <= 3:
        return "; ".join(u.name for u in units) or "—"
    departments = sum(1 for u in units if u.kind == UnitKind.DEPARTMENT)
    communes = sum(1 for u in units if u.kind == UnitKind.COMMUNE)
    parts = []
    if departments:
        parts.append(f"{departments} sở, ban, ngành")
    if communes:
        parts.append(f"{communes} xã, phường")
    others = len(units) - departments - communes
    if others:
        parts.append(f"{others} đơn vị khác")
    return "; ".join(parts)


def _plan(key) -> Plan:
    return get_object_or_404(Plan, key=key)


def _rows(user, plan, today, only_unit=None):
    rows = progress(visible_tasks(user, plan).prefetch_related("coordinating_units"), today, only_unit=only_unit)
    for row in rows:
        row.lead_label = units_label(u.unit for u in row.units) if only_unit is None else units_label(
            row.task.lead_units.all())
        row.coordinating_label = units_label(row.task.coordinating_units.all())
        row.deadline_label = padded_date(row.task.deadline) if row.task.deadline else row.task.deadline_text
    return rows


@office_required
def home(request):
    plans = list(Plan.objects.all())
    if len(plans) == 1:
        return redirect("plans:overview", key=plans[0].key)
    return render(request, "plans/home.html", {"plans": plans})


@office_required
def overview(request, key):
    plan = _plan(key)
    today = timezone.localdate()
    rows = _rows(request.user, plan, today)
    if not rows and not sees_all(request.user):
        raise Http404
    return render(request, "plans/overview.html", {
        "plan": plan, "rows": rows, "today": today, "sees_all": sees_all(request.user),
        "may_report": can_report(request.user), "unit": plan_unit(request.user)})


def _task_or_404(user, pk):
    task = visible_tasks(user).select_related("plan").filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


@office_required
def task_page(request, pk, update_form=None, evidence_form=None):
    task = _task_or_404(request.user, pk)
    today = timezone.localdate()
    row = progress(type(task).objects.filter(pk=task.pk), today)[0]
    may_update = can_update(request.user, task)
    return render(request, "plans/task.html", {
        "plan": task.plan, "task": task, "row": row, "may_update": may_update,
        "lead_label": units_label(task.lead_units.all()), "coordinating_label": units_label(task.coordinating_units.all()),
        "deadline_label": padded_date(task.deadline) if task.deadline else task.deadline_text,
        "updates": task.updates.select_related("unit", "by__membership").order_by("-at", "-id"),
        "evidence": task.evidence.select_related("unit").order_by("-at", "-id"),
        "events": TaskEvent.objects.filter(task=task).select_related("unit", "actor").order_by("-at", "-id"),
        "update_form": update_form or UpdateForm(), "evidence_form": evidence_form or EvidenceForm(),
    }, status=400 if (update_form or evidence_form) else 200)


@office_required
@require_POST
def task_update(request, pk):
    task = _task_or_404(request.user, pk)
    if not can_update(request.user, task):
        raise PermissionDenied
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            post_update(task, request.user, form.cleaned_data["text"], form.cleaned_data["percent"])
        except ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã cập nhật tiến độ nhiệm vụ.")
            return redirect("plans:task", pk=task.pk)
    return task_page(request, pk, update_form=form)


@office_required
@require_POST
def task_evidence(request, pk):
    task = _task_or_404(request.user, pk)
    if not can_update(request.user, task):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            add_evidence(task, request.user, form.cleaned_data["file"], form.cleaned_data["note"])
        except ActionRefused as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, "Đã thêm tài liệu minh chứng.")
            return redirect("plans:task", pk=task.pk)
    return task_page(request, pk, evidence_form=form)


@office_required
def evidence_file(request, pk):
    evidence = get_object_or_404(Evidence.objects.select_related("task"), pk=pk)
    _task_or_404(request.user, evidence.task_id)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name,
                        content_type=evidence.content_type)


@office_required
def my_tasks(request, key):
    plan = _plan(key)
    unit = plan_unit(request.user)
    if unit is None:
        raise Http404
    today = timezone.localdate()
    led = [r for r in _rows(request.user, plan, today, only_unit=unit) if r.units]
    coordinated = [r for r in _rows(request.user, plan, today) if not any(u.unit.pk == unit.pk for u in r.units)]
    reports = {r.month: r for r in MonthlyReport.objects.filter(plan=plan, unit=unit)}
    months = [{"month": m, "label": monthly.month_label(m), "due": padded_date(monthly.last_day(plan, m)),
               "report": reports.get(m), "late": today >= monthly.due_day(plan, m) and m not in reports}
              for m in reversed(monthly.months(plan, today))]
    return render(request, "plans/mine.html", {"plan": plan, "unit": unit, "led": led, "coordinated": coordinated,
                                               "months": months, "may_report": can_report(request.user)})


@office_required
def monthly_form(request, key):
    plan = _plan(key)
    if not can_report(request.user):
        raise PermissionDenied
    unit = plan_unit(request.user)
    if not monthly.owing_units(plan).filter(pk=unit.pk).exists():
        raise Http404
    today = timezone.localdate()
    sent = set(MonthlyReport.objects.filter(plan=plan, unit=unit).values_list("month", flat=True))
    open_months = [m for m in reversed(monthly.months(plan, today)) if m not in sent]
    form = MonthlyForm(request.POST or None, request.FILES or None, months=open_months)
    if request.method == "POST" and form.is_valid():
        try:
            monthly.submit_report(plan, request.user, date.fromisoformat(form.cleaned_data["month"]),
                                  form.cleaned_data["text"], form.cleaned_data["signed_file"])
        except ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã gửi báo cáo tháng.")
            return redirect("plans:mine", key=plan.key)
    figures = monthly.unit_figures(plan, unit, today)
    return render(request, "plans/monthly.html", {"plan": plan, "unit": unit, "form": form, "figures": figures,
                                                  "open_months": open_months},
                  status=400 if request.method == "POST" else 200)


def _month_param(value, choices):
    try:
        chosen = date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        chosen = None
    return chosen if chosen in choices else (choices[-1] if choices else None)


@office_required
def not_reported_page(request, key):
    plan = _plan(key)
    if not sees_all(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    choices = monthly.months(plan, today)
    month = _month_param(request.GET.get("thang", ""), choices)
    missing, reports = [], []
    if month is not None:
        missing = monthly.not_reported(plan, month)
        reports = list(MonthlyReport.objects.filter(plan=plan, month=month).select_related("unit", "submitted_by")
                       .order_by("unit__position"))
        for report in reports:
            report.on_time = monthly.on_time(plan, report)
    return render(request, "plans/not_reported.html", {
        "plan": plan, "month": month, "months": [(m.strftime("%Y-%m"), monthly.month_label(m)) for m in choices],
        "missing": missing, "reports": reports, "owing": monthly.owing_units(plan).count(),
        "due": padded_date(monthly.due_day(plan, month)) if month else "",
        "late": month is not None and today >= monthly.due_day(plan, month)})


@office_required
def campaign_page(request):
    campaign = camp.campaign()
    today = timezone.localdate()
    weeks = campaign.weeks()
    labels = {a: f"{padded_date(a)} – {padded_date(b)}" for a, b in weeks}
    context = {"campaign": campaign, "labels": labels, "today": today, "sees_all": sees_all(request.user)}
    if sees_all(request.user):
        chosen = request.GET.get("tuan", "")
        week = next((a for a, _b in weeks if a.isoformat() == chosen), None)
        if week is None:
            current = campaign.week_of(min(max(today, campaign.start), campaign.end))
            week = current[0]
        context.update(week=week, week_label=labels[week], weeks=[(a.isoformat(), labels[a]) for a, _b in weeks],
                       missing=camp.not_reported(week, camp=campaign),
                       reports=CampaignReport.objects.filter(campaign=campaign.key, week_start=week,
                                                             kind=CampaignReport.Kind.WEEKLY)
                       .select_related("unit").order_by("unit__position"))
        return render(request, "plans/campaign.html", context)
    unit = plan_unit(request.user)
    if unit is None or unit.pk not in {u.pk for u in campaign.units()}:
        raise Http404
    mine = {(r.kind, r.week_start): r for r in CampaignReport.objects.filter(campaign=campaign.key, unit=unit)}
    choices = [(f"weekly:{a.isoformat()}", f"Tuần {labels[a]}") for a, _b in weeks
               if a <= today and ("weekly", a) not in mine]
    if today >= weeks[-1][0] and ("final", campaign.start) not in mine:
        choices.append((f"final:{campaign.start.isoformat()}", f"Báo cáo tổng kết (hạn {padded_date(campaign.final_due)})"))
    form = None
    if can_report(request.user):
        form = CampaignForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            kind, _sep, start = form.cleaned_data["week"].partition(":")
            try:
                camp.submit(request.user, form.cleaned_data["text"], week_start=date.fromisoformat(start), kind=kind,
                            camp=campaign)
            except ActionRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Đã gửi báo cáo.")
                return redirect(reverse("plans:campaign"))
    elif request.method == "POST":
        raise PermissionDenied
    rows = [{"label": labels[a], "report": mine.get(("weekly", a)), "started": a <= today} for a, _b in weeks]
    context.update(unit=unit, rows=rows, final=mine.get(("final", campaign.start)), form=form)
    return render(request, "plans/campaign.html", context,
                  status=400 if request.method == "POST" else 200)
