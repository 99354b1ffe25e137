"""Who may see and set targets.

- The provincial monitor and the administrator see and set every target.
- A unit leader sees the province's targets, his units' (his unit and those below it) and his officers';
  he may set, change and withdraw the targets of the officers of his units, nothing else.
- Nobody else sees the target pages.
"""

from django.db.models import Q

from motcua.core.models import Role
from motcua.office.access import role_of, unit_ids_of
from motcua.targets.models import Scope, Target

MANAGERS = frozenset({Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR})


def may_view(user) -> bool:
    return role_of(user) in MANAGERS | {Role.UNIT_LEADER}


def may_create(user) -> bool:
    return may_view(user)


def visible_targets(user):
    """The targets `user` may see (all of their history)."""
    role = role_of(user)
    if role in MANAGERS:
        return Target.objects.all()
    if role == Role.UNIT_LEADER:
        units = unit_ids_of(user)
        return Target.objects.filter(Q(scope=Scope.PROVINCE) | Q(scope=Scope.UNIT, unit_id__in=units)
                                     | Q(scope=Scope.OFFICER, officer__membership__unit_id__in=units))
    return Target.objects.none()


def may_edit(user, target: Target) -> bool:
    """May change or withdraw `target` (current ones only)."""
    if not target.is_current:
        return False
    role = role_of(user)
    if role in MANAGERS:
        return True
    if role == Role.UNIT_LEADER and target.scope == Scope.OFFICER:
        membership = getattr(target.officer, "membership", None)
        return membership is not None and membership.unit_id in unit_ids_of(user)
    return False
