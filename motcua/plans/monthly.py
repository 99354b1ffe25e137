"""Monthly reports on a plan: who owes one, who has not sent it, the reminders, and the month's data.

The rule (seed 003, V.1.1): every lead or coordinating unit "định kỳ trước ngày 20 hàng tháng gửi báo cáo
kết quả thực hiện" to the Department of Science and Technology. "Trước ngày 20" is before the 20th: the 19th
is the last day on time, and from the 20th a missing report is late. The report of month M is due before
day `plan.report_day` of month M, from `plan.reports_from` to the end of the plan.

Reminders go to the leaders of a unit that has not reported (users with the unit leader role of that unit
and an e-mail address), as "notify.email" outbox items delivered by `motcua notify run`, at three steps of
the month: 5 days before the 20th (from the 15th), on the last day (the 19th), and once late (from the 20th,
for any month still missing). The key `plan-report:{plan}:{unit}:{YYYY-MM}:{step}:{user}` makes each
reminder go once, however often `motcua plans remind` runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.core.models import Role
from motcua.lib.periods import add_months
from motcua.lib.vnformat import padded_date
from motcua.notify.notices import EMAIL, KINDS, render_email
from motcua.outbox.queue import enqueue
from motcua.plans import status as st
from motcua.plans.access import can_report, plan_unit
from motcua.plans.actions import ActionRefused, checked_upload
from motcua.plans.models import MonthlyReport, Plan, TaskEvent
from motcua.plans.progress import local_day, progress
from motcua.units.models import Unit

EARLY_DAYS = 5
EARLY, LAST_DAY, LATE = "early", "last_day", "late"
STEP_LABELS = {EARLY: "còn 5 ngày", LAST_DAY: "hôm nay là hạn cuối", LATE: "đã quá hạn"}
EVENT = "plan_report_reminder"
TEXT_MAX = 20000


def month_of(day: date) -> date:
    return date(day.year, day.month, 1)


def month_label(month: date) -> str:
    return f"{month.month:02d}/{month.year}"


def due_day(plan: Plan, month: date) -> date:
    """The first day on which the report of `month` is late (the 20th: reports are due before it)."""
    return date(month.year, month.month, plan.report_day)


def last_day(plan: Plan, month: date) -> date:
    return due_day(plan, month) - timedelta(days=1)


def months(plan: Plan, today: date) -> list[date]:
    """The months whose reports are owed by `today` (from the plan's first report month to today's month)."""
    last = min(month_of(today), month_of(plan.period_end))
    found, month = [], month_of(plan.reports_from)
    while month <= last:
        found.append(month)
        month = add_months(month, 1)
    return found


def owing_units(plan: Plan):
    """Every unit that leads or coordinates a task of the plan, in unit order."""
    return (Unit.objects.filter(Q(plan_tasks_led__plan=plan) | Q(plan_tasks_coordinated__plan=plan))
            .distinct().order_by("position", "id"))


def not_reported(plan: Plan, month: date) -> list[Unit]:
    reported = MonthlyReport.objects.filter(plan=plan, month=month).values("unit_id")
    return list(owing_units(plan).exclude(pk__in=reported))


def on_time(plan: Plan, report: MonthlyReport) -> bool:
    return local_day(report.submitted_at) < due_day(plan, report.month)


def unit_figures(plan: Plan, unit: Unit, today: date) -> dict:
    """How many of the tasks the unit leads stand at each status today (the report's figures)."""
    rows = progress(plan.tasks.filter(lead_units=unit), today, only_unit=unit)
    counts = {key: 0 for key in st.LABELS}
    for row in rows:
        for part in row.units:
            counts[part.status] += 1
    return {"tasks_led": len(rows), **counts}


@transaction.atomic
def submit_report(plan: Plan, actor, month: date, text: str, signed_file=None,
                  at: datetime | None = None) -> MonthlyReport:
    """A unit leader's report of `month`, once; its figures are the unit's task statuses at submission."""
    at = at or timezone.now()
    if not can_report(actor):
        raise ActionRefused("Chỉ lãnh đạo đơn vị được gửi báo cáo tháng của đơn vị.")
    unit = plan_unit(actor)
    if not owing_units(plan).filter(pk=unit.pk).exists():
        raise ActionRefused("Đơn vị không chủ trì hoặc phối hợp nhiệm vụ nào của kế hoạch này.")
    month = month_of(month)
    if month not in months(plan, local_day(at)):
        raise ActionRefused(f"Không có kỳ báo cáo tháng {month_label(month)} của kế hoạch này.")
    text = (text or "").strip()
    if not text and signed_file is None:
        raise ActionRefused("Vui lòng nhập nội dung báo cáo hoặc tải lên báo cáo đã ký.")
    if len(text) > TEXT_MAX:
        raise ActionRefused(f"Nội dung báo cáo dài quá {TEXT_MAX} ký tự.")
    if signed_file is not None:
        checked_upload(signed_file)
    report = MonthlyReport(plan=plan, unit=unit, month=month, text=text,
                           figures=unit_figures(plan, unit, local_day(at)), submitted_at=at, submitted_by=actor)
    if signed_file is not None:
        report.signed_file.save(signed_file.name, signed_file, save=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise ActionRefused(f"Đơn vị đã gửi báo cáo tháng {month_label(month)}.") from exc
    TaskEvent.objects.create(plan=plan, unit=unit, kind=TaskEvent.Kind.MONTHLY, at=at, actor=actor,
                             data={"report": report.pk, "month": month.isoformat(),
                                   "on_time": on_time(plan, report)})
    return report


def monthly_status(plan: Plan, month: date, today: date | None = None) -> dict:
    """The month's data for the monthly plan report (motcua/reports lays it out): each task with its status
    at the month's end (or today, if earlier), and each owing unit's report or its absence."""
    month = month_of(month)
    today = today or timezone.localdate()
    month_end = add_months(month, 1) - timedelta(days=1)
    as_of = min(today, month_end)
    tasks = []
    for row in progress(plan.tasks.all(), as_of):
        tasks.append({
            "number": row.task.number, "title": row.task.title,
            "lead_units": [u.unit.name for u in row.units],
            "coordinating_units": [u.name for u in row.task.coordinating_units.all()],
            "deadline": row.task.deadline.isoformat() if row.task.deadline else None,
            "deadline_text": row.task.deadline_text,
            "status": row.status, "status_label": str(row.status_label), "percent": row.percent,
            "units": [{"unit": u.unit.name, "code": u.unit.code, "status": u.status, "percent": u.percent,
                       "last_update": u.last.text if u.last else None} for u in row.units],
            "last_update": ({"unit": row.last.unit.name, "text": row.last.text, "percent": row.last.percent,
                             "at": row.last.at.isoformat()} if row.last else None),
        })
    reports = {r.unit_id: r for r in MonthlyReport.objects.filter(plan=plan, month=month)
               .select_related("unit", "submitted_by__membership")}
    units = []
    for unit in owing_units(plan):
        report = reports.get(unit.pk)
        units.append({
            "code": unit.code, "name": unit.name, "submitted": report is not None,
            "text": report.text if report else None, "figures": report.figures if report else None,
            "submitted_at": report.submitted_at.isoformat() if report else None,
            "on_time": on_time(plan, report) if report else None,
            "submitted_by": _name(report.submitted_by) if report else None,
        })
    return {"plan": {"key": plan.key, "title": plan.title, "decision_number": plan.decision_number},
            "month": month.isoformat(), "due_before": due_day(plan, month).isoformat(), "as_of": as_of.isoformat(),
            "tasks": tasks, "reports": units,
            "not_reported": [{"code": u["code"], "name": u["name"]} for u in units if not u["submitted"]]}


def _name(user) -> str:
    membership = getattr(user, "membership", None)
    return (membership.full_name if membership and membership.full_name else user.get_username())


def step(plan: Plan, month: date, today: date) -> str | None:
    """Which reminder step `today` is for the report of `month` (None: no reminder today)."""
    due = due_day(plan, month)
    if today >= due:
        return LATE
    if today == due - timedelta(days=1):
        return LAST_DAY
    if today >= due - timedelta(days=EARLY_DAYS):
        return EARLY
    return None


def leaders_of(unit: Unit):
    return (get_user_model().objects.filter(is_active=True, membership__unit=unit,
                                            membership__role=Role.UNIT_LEADER)
            .exclude(email="").select_related("membership").order_by("pk"))


@dataclass
class RemindRun:
    queued: int = 0
    already: int = 0
    no_address: list[str] = field(default_factory=list)


def remind(plan: Plan, today: date, site_url: str = "", at: datetime | None = None) -> RemindRun:
    """Put the reminders due `today` in the outbox (idempotent, see the module's note)."""
    at = at or timezone.now()
    run = RemindRun()
    link = f"{site_url.rstrip('/')}/ke-hoach/{plan.key}/bao-cao-thang/" if site_url else f"/ke-hoach/{plan.key}/bao-cao-thang/"
    for month in months(plan, today):
        current = step(plan, month, today)
        if current is None:
            continue
        for unit in not_reported(plan, month):
            leaders = list(leaders_of(unit))
            if not leaders:
                run.no_address.append(unit.code)
            for leader in leaders:
                values = {"leader": _name(leader), "unit": unit.name, "plan": plan.title, "month": month_label(month),
                          "due": padded_date(due_day(plan, month)), "last_day": padded_date(last_day(plan, month)),
                          "step": current, "step_label": STEP_LABELS[current], "link": link}
                payload = {"event": EVENT, "channel": EMAIL, "to": leader.email.strip(), "plan": plan.key,
                           "unit": unit.code, "month": month.isoformat(), "step": current,
                           **render_email(EVENT, values)}
                key = f"plan-report:{plan.key}:{unit.code}:{month:%Y-%m}:{current}:{leader.pk}"
                with transaction.atomic():
                    item = enqueue(KINDS[EMAIL], key, payload, group=f"plan-{plan.key}", at=at)
                if item is None:
                    run.already += 1
                else:
                    run.queued += 1
    return run
