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
    """One campaign target and where it stands on the report's date."""

    key: str  # stable id for the diff
    label: str  # "Tỷ lệ hồ sơ nộp trực tuyến"
    scope: str  # "Toàn tỉnh", a unit's name, an officer's name
    target: Decimal | None  # as a fraction for rates (0.92) or points
    current: Decimal | None
    is_rate: bool = True
    deadline: date | None = None
    source: str = ""  # the document that set it
    met: bool | None = None

    @property
    def gap(self) -> Decimal | None:
        if self.target is None or self.current is None:
            return None
        return self.target - self.current


@dataclass(frozen=True)
class PlanTaskLine:
    key: str
    name: str
    lead_unit: str
    coordinating: str
    deadline: date | None
    status: str  # label, Vietnamese
    overdue: bool
    update: str = ""  # the lead unit's report for the month
    reported: bool = False
    evidence: int = 0


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
    """The current targets of the campaign and each one's value at `day`, province first (motcua.targets)."""
    try:
        from motcua.targets import progress as target_progress  # noqa: PLC0415 (the app may not offer it yet)
    except ImportError:
        return []
    return [_target_line(item) for item in target_progress.campaign_progress(day)]


def _target_line(item) -> TargetLine:
    return item if isinstance(item, TargetLine) else TargetLine(
        key=str(getattr(item, "key", getattr(item, "id", ""))), label=str(item.label), scope=str(item.scope),
        target=_dec(item.target), current=_dec(item.current), is_rate=bool(getattr(item, "is_rate", True)),
        deadline=getattr(item, "deadline", None), source=str(getattr(item, "source", "") or ""),
        met=getattr(item, "met", None))


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def plan_choices() -> list[tuple[str, str]]:
    """(key, title) of the plans a monthly report can be issued for (motcua.plans)."""
    try:
        from motcua.plans import status as plan_status  # noqa: PLC0415
    except ImportError:
        return []
    return [(str(key), title) for key, title in plan_status.plan_choices()]


def monthly_plan_status(plan_key: str, month: date) -> MonthlyPlanStatus:
    """The plan's tasks and reports for `month` (motcua.plans `monthly_status(plan, month)`)."""
    try:
        from motcua.plans import status as plan_status  # noqa: PLC0415
    except ImportError:
        raise LookupError("motcua.plans does not offer monthly_status yet") from None
    return plan_status.monthly_status(plan_key, month)
