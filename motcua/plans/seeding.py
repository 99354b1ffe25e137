"""Loading a plan and its tasks from a data file (TOML under motcua/plans/data/), idempotent: the plan is
found by its key and each task by its number, so loading again changes nothing; a changed file changes only
what changed, and each task it creates or changes leaves a "seeded" event in the audit trail.

Units are named as the unit list names them: a name matches the unit whose name is the name or starts with
it followed by a space; "@departments" is every department and "@communes" every commune and ward. A unit
named on its own wins over a group on the other side (all departments lead, the police coordinate: the
police coordinate).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from motcua.plans.models import Plan, Recurrence, Task, TaskEvent
from motcua.units.models import Unit, UnitKind

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILE = DATA_DIR / "qd1565.toml"
GROUPS = {"@departments": UnitKind.DEPARTMENT, "@communes": UnitKind.COMMUNE}
PLAN_FIELDS = ("title", "decision_number", "decision_date", "period_start", "period_end", "reports_from",
               "report_day", "source")
TASK_FIELDS = ("title", "description", "deadline", "recurrence", "recurrence_day", "deadline_text", "position")


def read(path: Path = DEFAULT_FILE) -> dict:
    with Path(path).open("rb") as handle:
        return tomllib.load(handle)


def resolve_units(names: list[str]) -> tuple[list[Unit], list[str]]:
    """The units a list of names and groups stands for (in unit order, no duplicates), and the names that
    match no unit."""
    found: dict[int, Unit] = {}
    missing = []
    units = list(Unit.objects.exclude(kind=UnitKind.OFFICE).order_by("position", "id"))
    for name in names:
        if name in GROUPS:
            matched = [u for u in units if u.kind == GROUPS[name]]
        else:
            matched = [u for u in units if u.name == name or u.name.startswith(name + " ")][:1]
        if not matched:
            missing.append(name)
        for unit in matched:
            found.setdefault(unit.pk, unit)
    return sorted(found.values(), key=lambda u: (u.position, u.pk)), missing


@dataclass
class LoadResult:
    plan: Plan
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    missing_units: list[str] = field(default_factory=list)


@transaction.atomic
def load_plan(path: Path = DEFAULT_FILE, at=None, actor_label: str = "motcua plans load") -> LoadResult:
    data = read(path)
    at = at or timezone.now()
    spec = data["plan"]
    plan, _ = Plan.objects.get_or_create(key=spec["key"], defaults={f: spec.get(f) for f in PLAN_FIELDS})
    plan_changes = [f for f in PLAN_FIELDS if f in spec and getattr(plan, f) != spec[f]]
    for name in plan_changes:
        setattr(plan, name, spec[name])
    if plan_changes:
        plan.save(update_fields=plan_changes)
    result = LoadResult(plan=plan)
    for position, row in enumerate(data.get("tasks", []), start=1):
        values = {"title": row["title"], "description": row.get("description", ""), "deadline": row.get("deadline"),
                  "recurrence": row.get("recurrence", Recurrence.NONE), "recurrence_day": row.get("recurrence_day"),
                  "deadline_text": row.get("deadline_text", ""), "position": position}
        lead, missing_lead = resolve_units(row.get("lead", []))
        coordinating, missing_coordinating = resolve_units(row.get("coordinating", []))
        result.missing_units += [n for n in missing_lead + missing_coordinating if n not in result.missing_units]
        task = Task.objects.filter(plan=plan, number=row["number"]).first()
        changed = []
        if task is None:
            task = Task.objects.create(plan=plan, number=row["number"], **values)
            changed = ["created"]
        else:
            changed = [f for f in TASK_FIELDS if getattr(task, f) != values[f]]
            for name in changed:
                setattr(task, name, values[name])
            if changed:
                task.save(update_fields=changed)
        # A unit named on its own wins over a group: "Các sở, ban, ngành" lead and "Công an tỉnh" coordinates
        # means the police coordinate (and do not lead), though they are a department.
        named_coordinating, _ = resolve_units([n for n in row.get("coordinating", []) if n not in GROUPS])
        lead_ids = {u.pk for u in lead} - {u.pk for u in named_coordinating}
        named_lead, _ = resolve_units([n for n in row.get("lead", []) if n not in GROUPS])
        lead_ids |= {u.pk for u in named_lead}
        coordinating_ids = {u.pk for u in coordinating} - lead_ids
        if set(task.lead_units.values_list("pk", flat=True)) != lead_ids:
            task.lead_units.set(lead_ids)
            changed.append("lead_units")
        if set(task.coordinating_units.values_list("pk", flat=True)) != coordinating_ids:
            task.coordinating_units.set(coordinating_ids)
            changed.append("coordinating_units")
        if changed == ["created"] or "created" in changed:
            result.created += 1
        elif changed:
            result.changed += 1
        else:
            result.unchanged += 1
        if changed:
            TaskEvent.objects.create(plan=plan, task=task, kind=TaskEvent.Kind.SEEDED, at=at, actor_label=actor_label,
                                     data={"fields": changed, "source": Path(path).name})
    return result
