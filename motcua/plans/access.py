"""Who sees and does what with plan tasks and reports.

- Provincial monitors and administrators see every task and every report, and the lists of who has not
  reported; they post nothing in a unit's name.
- A unit's officers (leader, processing officer, desk officer, viewer) see the tasks their unit leads or
  coordinates; an internal office's officers count as their department's or commune's.
- Only the lead unit's leader and processing officers post updates and evidence on a task.
- Only a unit's leader submits its monthly and campaign reports.
"""

from __future__ import annotations

from django.db.models import Q

from motcua.core.models import Role
from motcua.office.access import role_of
from motcua.plans.models import Task
from motcua.units.models import Unit, UnitKind

SEES_ALL = frozenset({Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR})
OFFICERS = frozenset({Role.DESK_OFFICER, Role.PROCESSING_OFFICER, Role.UNIT_LEADER, Role.VIEWER})
UPDATERS = frozenset({Role.PROCESSING_OFFICER, Role.UNIT_LEADER})
REPORTERS = frozenset({Role.UNIT_LEADER})


def sees_all(user) -> bool:
    return role_of(user) in SEES_ALL


def plan_unit(user) -> Unit | None:
    """The department, commune (or province) the user works for: his unit, or the unit an internal office
    belongs to."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.unit_id is None or role_of(user) not in OFFICERS:
        return None
    unit = membership.unit
    while unit is not None and unit.kind == UnitKind.OFFICE:
        unit = unit.parent
    return unit


def visible_tasks(user, plan=None):
    tasks = Task.objects.all() if plan is None else plan.tasks.all()
    if sees_all(user):
        return tasks
    unit = plan_unit(user)
    if unit is None:
        return tasks.none()
    involving = Task.objects.filter(Q(lead_units=unit) | Q(coordinating_units=unit)).values("pk")
    return tasks.filter(pk__in=involving)


def can_update(user, task: Task) -> bool:
    unit = plan_unit(user)
    return (unit is not None and role_of(user) in UPDATERS
            and task.lead_units.filter(pk=unit.pk).exists())


def can_report(user) -> bool:
    return role_of(user) in REPORTERS and plan_unit(user) is not None
