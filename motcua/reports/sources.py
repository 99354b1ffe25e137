"""Where the reports read what other apps own: the campaign's targets and the plans' monthly status.

Each is one adapter function, so wiring an app is one place, and the report code depends only on the small
records below (tests give the reports fakes with the same attributes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class TargetLine:
    """One campaign target and where it stands on the report's date (texts as motcua.targets writes them)."""

    key: str  # stable id for the diff
    label: str  # "Tỷ lệ hồ sơ tiếp nhận trực tuyến"
    scope: str  # "Toàn tỉnh", a unit's name
    target: Decimal | None  # in the measure's unit (92 for 92%)
    current: Decimal | None
    symbol: str = "%"  # "%", "điểm", "phút", ""
    comparison: str = "≥"
    target_text: str = ""
    current_text: str = ""
    gap_text: str = ""
    deadline: date | None = None
    source: str = ""  # the programme and document that set it
    met: bool | None = None

@dataclass(frozen=True)
class PlanTaskLine:
    key: str
    name: str
    lead_unit: str
    coordinating: str
    deadline: date | None
    status: str  # label, Vietnamese
    overdue: bool
    update: str = ""  # the lead units' latest update
    reported: bool = False  # every lead unit has sent the month's report
    evidence: int = 0
    deadline_text: str = ""  # "Hằng tháng, trước ngày 20", "Thường xuyên" when there is no date


@dataclass(frozen=True)
class MonthlyPlanStatus:
    """The interface the monthly plan report is built against."""

    plan_key: str
    plan_title: str
    plan_reference: str  # "Kế hoạch số …/KH-UBND ngày … (thực hiện Quyết định số 1565/QĐ-TTg)"
    month: date  # its first day
    due_on: date  # the reports are due before this day (the 20th)
    tasks: list[PlanTaskLine] = field(default_factory=list)
    not_reported: list[str] = field(default_factory=list)  # units that have not sent the month's report


def campaign_progress(day: date) -> list[TargetLine]:
    """The province's and units' targets in force on `day`, each with its value at `day` (motcua.targets)."""
    from motcua.targets.models import Scope, Target  # noqa: PLC0415
    from motcua.targets.progress import progress_all  # noqa: PLC0415

    targets = (Target.objects.active_on(day).filter(scope__in=[Scope.PROVINCE, Scope.UNIT]).select_related("unit")
               .order_by("scope", "unit__position", "measure", "id"))
    return [_target_line(item) for item in progress_all(list(targets), today=day)]


def _target_line(item) -> TargetLine:
    target = item.target
    return TargetLine(
        key=f"{target.measure}:{target.scope}:{target.unit.code if target.unit_id else ''}", label=target.measure_label,
        scope=target.scope_label, target=target.value, current=item.value, symbol=item.measure.unit_symbol,
        comparison=target.get_comparison_display(), target_text=target.value_text, current_text=item.value_text,
        gap_text=item.gap_text, deadline=target.end,
        source=" ".join(p for p in (target.programme, target.document_number) if p), met=item.met)


def plan_choices() -> list[tuple[str, str]]:
    """(key, title) of the plans a monthly report can be issued for (motcua.plans)."""
    from motcua.plans.models import Plan  # noqa: PLC0415

    return list(Plan.objects.values_list("key", "title"))


def monthly_plan_status(plan_key: str, month: date) -> MonthlyPlanStatus:
    """The plan's tasks and reports for `month` (motcua.plans `monthly_status(plan, month)`)."""
    from motcua.plans import monthly as plan_monthly  # noqa: PLC0415
    from motcua.plans.models import Plan  # noqa: PLC0415

    plan = Plan.objects.filter(key=plan_key).first()
    if plan is None:
        raise LookupError(f"Không có kế hoạch {plan_key}.")
    data = plan_monthly.monthly_status(plan, month)
    submitted = {r["name"] for r in data["reports"] if r["submitted"]}
    tasks = []
    for task in data["tasks"]:
        last = task["last_update"]
        update = ""
        if last:
            update = f"{last['unit']}: {last['text']}" + (f" ({last['percent']}%)" if last["percent"] is not None else "")
        tasks.append(PlanTaskLine(
            key=str(task["number"]), name=f"{task['number']}. {task['title']}", lead_unit=", ".join(task["lead_units"]),
            coordinating=", ".join(task["coordinating_units"]),
            deadline=date.fromisoformat(task["deadline"]) if task["deadline"] else None,
            deadline_text=task["deadline_text"] or "", status=task["status_label"], overdue=task["status"] == "late",
            update=update, reported=bool(task["lead_units"]) and all(u in submitted for u in task["lead_units"])))
    reference = plan.title if not plan.decision_number else f"{plan.title} (số {plan.decision_number})"
    return MonthlyPlanStatus(
        plan_key=plan.key, plan_title=plan.title, plan_reference=reference, month=date.fromisoformat(data["month"]),
        due_on=date.fromisoformat(data["due_before"]), tasks=tasks, not_reported=[u["name"] for u in data["not_reported"]])
