"""The 45-day campaign's reports (seed 001): every department and commune reports each week what it did,
with the Decision 766 index of that week for the unit filled in automatically, and closes with a final report
before 20/12/2025 (due on the 19th, the last day before it).

Weeks are the campaign's own: 7 days from its first day (30/10/2025, a Thursday), the last one cut at its
end (11/12–13/12/2025).

The index belongs to a layer above this one, so its numbers come through a function named by the setting
`MOTCUA_CAMPAIGN_FIGURES` (default `motcua.indicators.service.index_json`, the index's one entry point,
called as `(date_from, date_to, unit_code=...)`), the way the outbox finds its handlers; the unit's entry
is kept as the report's snapshot, so a report reads the same after the data change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.plans import seeding
from motcua.plans.access import can_report, plan_unit
from motcua.plans.actions import ActionRefused
from motcua.plans.models import CampaignReport, TaskEvent
from motcua.plans.progress import local_day
from motcua.units.models import Unit

DEFAULT_FIGURES = "motcua.indicators.service.index_json"
TEXT_MAX = 20000
KEPT = ("total", "groups", "indicators")


@dataclass(frozen=True)
class Campaign:
    key: str
    title: str
    start: date
    end: date
    final_due: date  # the last day of the final report
    unit_names: tuple[str, ...]

    def weeks(self) -> list[tuple[date, date]]:
        found, start = [], self.start
        while start <= self.end:
            found.append((start, min(start + timedelta(days=6), self.end)))
            start += timedelta(days=7)
        return found

    def week_of(self, day: date) -> tuple[date, date] | None:
        return next(((a, b) for a, b in self.weeks() if a <= day <= b), None)

    def units(self):
        units, _missing = seeding.resolve_units(list(self.unit_names))
        return units


@cache
def campaign(path=seeding.DEFAULT_FILE) -> Campaign:
    spec = seeding.read(path)["campaign"]
    return Campaign(key=spec["key"], title=spec["title"], start=spec["start"], end=spec["end"],
                    final_due=spec["final_due"], unit_names=tuple(spec["units"]))


def figures(unit: Unit, date_from: date, date_to: date) -> dict:
    """The unit's index for the days, as the index computes it now (kept with the report)."""
    compute = import_string(getattr(settings, "MOTCUA_CAMPAIGN_FIGURES", DEFAULT_FIGURES))
    result = compute(date_from, date_to, unit_code=unit.code)
    entry = next((u for u in result.get("units", []) if u.get("code") == unit.code), {})
    return {"rules": result.get("rules"), "from": result.get("from"), "to": result.get("to"),
            "evaluated_at": result.get("evaluated_at"), **{k: entry.get(k) for k in KEPT}}


def _period(camp: Campaign, kind: str, week_start: date) -> tuple[date, date]:
    if kind == CampaignReport.Kind.FINAL:
        return camp.start, camp.end
    week = camp.week_of(week_start)
    if week is None or week[0] != week_start:
        raise ActionRefused("Tuần báo cáo không thuộc đợt cao điểm.")
    return week


@transaction.atomic
def submit(actor, text: str, week_start: date | None = None, kind: str = CampaignReport.Kind.WEEKLY,
           camp: Campaign | None = None, at: datetime | None = None) -> CampaignReport:
    """A unit leader's weekly (or final) campaign report, once per week; the week's figures are taken now."""
    camp = camp or campaign()
    at = at or timezone.now()
    if not can_report(actor):
        raise ActionRefused("Chỉ lãnh đạo đơn vị được gửi báo cáo của đơn vị.")
    unit = plan_unit(actor)
    if unit.pk not in {u.pk for u in camp.units()}:
        raise ActionRefused("Đơn vị không thuộc phạm vi đợt cao điểm.")
    start, end = _period(camp, kind, week_start or camp.start)
    today = local_day(at)
    if kind == CampaignReport.Kind.WEEKLY and today < start:
        raise ActionRefused("Chưa đến tuần này, chưa gửi báo cáo được.")
    if kind == CampaignReport.Kind.FINAL and today < camp.weeks()[-1][0]:
        raise ActionRefused("Báo cáo tổng kết gửi từ tuần cuối của đợt cao điểm.")
    text = (text or "").strip()
    if not text:
        raise ActionRefused("Vui lòng ghi kết quả thực hiện.")
    if len(text) > TEXT_MAX:
        raise ActionRefused(f"Nội dung báo cáo dài quá {TEXT_MAX} ký tự.")
    snapshot = figures(unit, start, min(end, today))
    report = CampaignReport(campaign=camp.key, unit=unit, kind=kind, week_start=start, week_end=end, text=text,
                            figures=snapshot, submitted_at=at, submitted_by=actor)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise ActionRefused("Đơn vị đã gửi báo cáo của kỳ này.") from exc
    TaskEvent.objects.create(unit=unit, kind=TaskEvent.Kind.CAMPAIGN, at=at, actor=actor,
                             data={"campaign": camp.key, "report": report.pk, "kind": kind,
                                   "from": start.isoformat(), "to": end.isoformat()})
    return report


def campaign_week(unit: Unit, week_start: date, camp: Campaign | None = None, today: date | None = None) -> dict:
    """The week's data for the reports: the unit's text and the figures it submitted with it; for a week
    without a report, the figures now and no text."""
    camp = camp or campaign()
    start, end = _period(camp, CampaignReport.Kind.WEEKLY, week_start)
    report = (CampaignReport.objects.filter(campaign=camp.key, unit=unit, kind=CampaignReport.Kind.WEEKLY,
                                            week_start=start).select_related("submitted_by").first())
    if report is not None:
        return {"unit": unit.code, "name": unit.name, "from": start.isoformat(), "to": end.isoformat(),
                "submitted": True, "text": report.text, "figures": report.figures,
                "submitted_at": report.submitted_at.isoformat(), "submitted_by": report.submitted_by.get_username()}
    today = today or timezone.localdate()
    live = figures(unit, start, min(end, today)) if today >= start else None
    return {"unit": unit.code, "name": unit.name, "from": start.isoformat(), "to": end.isoformat(),
            "submitted": False, "text": None, "figures": live, "submitted_at": None, "submitted_by": None}


def not_reported(week_start: date, kind: str = CampaignReport.Kind.WEEKLY, camp: Campaign | None = None) -> list[Unit]:
    camp = camp or campaign()
    start, _end = _period(camp, kind, week_start)
    done = set(CampaignReport.objects.filter(campaign=camp.key, kind=kind, week_start=start)
               .values_list("unit_id", flat=True))
    return [u for u in camp.units() if u.pk not in done]
