"""Each task's status as of a day: per lead unit from its latest update, and overall (motcua.plans.status)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from motcua.lib.workingtime import LOCAL_TZ
from motcua.plans import status as st
from motcua.plans.models import Recurrence, Task, TaskUpdate
from motcua.units.models import Unit


def deadline_of(task: Task) -> st.Deadline:
    if task.recurrence == Recurrence.MONTHLY:
        return st.Deadline(monthly_day=task.recurrence_day)
    if task.recurrence == Recurrence.ONGOING or task.deadline is None:
        return st.Deadline(ongoing=True)
    return st.Deadline(on=task.deadline)


def local_day(at: datetime) -> date:
    return at.astimezone(LOCAL_TZ).date()


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=LOCAL_TZ)


@dataclass
class UnitProgress:
    unit: Unit
    status: str
    percent: int | None
    last: TaskUpdate | None

    @property
    def status_label(self):
        return st.LABELS[self.status]

    @property
    def colours(self):
        return st.COLOURS[self.status]


@dataclass
class TaskProgress:
    task: Task
    status: str
    percent: int  # the lead units' average (a unit that has posted nothing counts 0)
    units: list[UnitProgress] = field(default_factory=list)
    last: TaskUpdate | None = None

    @property
    def status_label(self):
        return st.LABELS[self.status]

    @property
    def colours(self):
        return st.COLOURS[self.status]


def progress(tasks, today: date, only_unit: Unit | None = None) -> list[TaskProgress]:
    """The progress of `tasks` as of the end of `today` (updates posted later are not counted). With
    `only_unit`, the per-unit list holds that unit only (its own view)."""
    tasks = list(tasks.prefetch_related("lead_units"))
    latest: dict[tuple[int, int], TaskUpdate] = {}
    updates = (TaskUpdate.objects.filter(task__in=[t.pk for t in tasks], at__lte=end_of(today))
               .select_related("unit", "by__membership").order_by("at", "id"))
    for update in updates:
        latest[(update.task_id, update.unit_id)] = update
    rows = []
    for task in tasks:
        deadline = deadline_of(task)
        units = []
        for unit in task.lead_units.all():
            last = latest.get((task.pk, unit.pk))
            units.append(UnitProgress(unit, st.unit_status(deadline, last.percent if last else None,
                                                           local_day(last.at) if last else None, today),
                                      last.percent if last else None, last))
        overall = st.overall_status([u.status for u in units])
        percent = round(sum(u.percent or 0 for u in units) / len(units)) if units else 0
        posted = [u.last for u in units if u.last is not None]
        last = max(posted, key=lambda u: (u.at, u.pk)) if posted else None
        if only_unit is not None:
            units = [u for u in units if u.unit.pk == only_unit.pk]
        rows.append(TaskProgress(task, overall, percent, units, last))
    return rows
