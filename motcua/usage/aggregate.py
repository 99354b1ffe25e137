"""Closing a day of usage (`motcua usage aggregate`): the application funnel written from the drafts, and
the day's visitor set and salt deleted. Every step is idempotent: running it again gives the same rows.

The funnel of day D, per procedure and unit (the draft's chosen unit, none when not chosen yet), over the
portal's own drafts (the desk's assisted drafts are the desk's work, not the portal's use):
- started: drafts created on D;
- submitted: drafts submitted on D (whenever they were started);
- abandoned: drafts created on D and not submitted by the end of day D + N (MOTCUA_USAGE_ABANDON_DAYS), by
  the furthest step reached: opened the form, answered some field, attached a component, tried to submit
  and was shown errors. Known only once D + N is over (`settled`); until then the counts are 0.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from motcua.applications.models import Draft, DraftAttachment
from motcua.lib.workingtime import LOCAL_TZ
from motcua.usage.models import DailyFunnel, DailySalt, DayVisitor, SubmitAttempt

STEPS = ("opened", "answered", "attached", "tried")


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def step_of(answers: dict, attached: bool, tried: bool) -> str:
    """The furthest step a draft reached."""
    if tried:
        return "tried"
    if attached:
        return "attached"
    if any(str(value).strip() for value in (answers or {}).values()):
        return "answered"
    return "opened"


def abandon_days() -> int:
    return settings.MOTCUA_USAGE_ABANDON_DAYS


def is_settled(day: date, today: date) -> bool:
    return today > day + timedelta(days=abandon_days())


def funnel_rows(day: date, today: date) -> list[DailyFunnel]:
    start, end = day_start(day), day_start(day + timedelta(days=1))
    portal = Draft.objects.filter(assisted_by__isnull=True)
    rows: dict[tuple, DailyFunnel] = {}

    def row(procedure_id, unit_id) -> DailyFunnel:
        key = (procedure_id, unit_id)
        if key not in rows:
            rows[key] = DailyFunnel(day=day, procedure_id=procedure_id, unit_id=unit_id, settled=settled)
        return rows[key]

    settled = is_settled(day, today)
    started = portal.filter(created_at__gte=start, created_at__lt=end)
    for procedure_id, unit_id in started.values_list("procedure_id", "unit_id"):
        row(procedure_id, unit_id).started += 1
    for procedure_id, unit_id in portal.filter(submitted_at__gte=start, submitted_at__lt=end).values_list(
            "procedure_id", "unit_id"):
        row(procedure_id, unit_id).submitted += 1
    if settled:
        deadline = day_start(day + timedelta(days=abandon_days() + 1))
        abandoned = (started.exclude(submitted_at__lt=deadline)
                     .annotate(attached=Exists(DraftAttachment.objects.filter(draft=OuterRef("pk"))),
                               tried=Exists(SubmitAttempt.objects.filter(draft=OuterRef("pk")))))
        steps = Counter((procedure_id, unit_id, step_of(answers, attached, tried))
                        for procedure_id, unit_id, answers, attached, tried in abandoned.values_list(
                            "procedure_id", "unit_id", "answers", "attached", "tried"))
        for (procedure_id, unit_id, step), count in steps.items():
            target = row(procedure_id, unit_id)
            setattr(target, f"abandoned_{step}", getattr(target, f"abandoned_{step}") + count)
    return list(rows.values())


@dataclass
class Closed:
    day: date
    funnel_rows: int
    settled: bool
    purged_visitors: int
    purged_salts: int


def close_day(day: date, today: date | None = None) -> Closed:
    """Write the day's funnel; for a past day, delete the visitor sets and salts of that day and before.
    Today can be aggregated (its funnel so far) but its set and salt stay: the day is not over."""
    today = today or timezone.localdate()
    if day > today:
        raise ValueError("Không tổng hợp được một ngày chưa đến.")
    with transaction.atomic():
        rows = funnel_rows(day, today)
        DailyFunnel.objects.filter(day=day).delete()
        DailyFunnel.objects.bulk_create(rows)
        purged_visitors = purged_salts = 0
        if day < today:
            purged_visitors, _ = DayVisitor.objects.filter(day__lte=day).delete()
            purged_salts, _ = DailySalt.objects.filter(day__lte=day).delete()
    return Closed(day, len(rows), is_settled(day, today), purged_visitors, purged_salts)


def days_to_close(today: date) -> list[date]:
    """Yesterday, the days whose abandonment may have settled since (back to yesterday - N), and any older
    day still holding a visitor set or a salt (the command did not run that night)."""
    yesterday = today - timedelta(days=1)
    days = {yesterday - timedelta(days=n) for n in range(abandon_days() + 2)}
    days |= set(DailySalt.objects.filter(day__lt=today).values_list("day", flat=True))
    days |= set(DayVisitor.objects.filter(day__lt=today).values_list("day", flat=True).distinct())
    days |= set(DailyFunnel.objects.filter(day__lt=today, settled=False).values_list("day", flat=True).distinct())
    return sorted(days)


def aggregate(day: date | None = None, today: date | None = None) -> list[Closed]:
    today = today or timezone.localdate()
    return [close_day(d, today) for d in ([day] if day else days_to_close(today))]
