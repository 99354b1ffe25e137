"""Who may open which dashboard.

- The province's dashboard: provincial monitors and administrators.
- A unit's dashboard: the same, for every department, commune or office; a unit's leader for his own unit
  and the units below it. Anyone else of the back office gets 403 (unit codes are public catalog data, so
  refusing does not reveal anything), a citizen too.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from motcua.core.models import Role
from motcua.office.access import role_of, unit_ids_of, unit_of
from motcua.units.models import Unit, UnitKind

SEES_PROVINCE = frozenset({Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR})


def sees_province(user) -> bool:
    return role_of(user) in SEES_PROVINCE


def home_unit(user) -> Unit | None:
    """The unit whose dashboard a leader opens by default (None for anyone else)."""
    return unit_of(user) if role_of(user) == Role.UNIT_LEADER else None


def may_see_unit(user, unit: Unit) -> bool:
    if sees_province(user):
        return True
    return role_of(user) == Role.UNIT_LEADER and unit.pk in unit_ids_of(user)


def unit_or_deny(user, code: str) -> Unit:
    """The unit of `code` if the user may open its dashboard: 404 for an unknown code or the province
    (whose dashboard is the province's), 403 for a unit outside the user's reach."""
    unit = Unit.objects.filter(code=code).exclude(kind=UnitKind.PROVINCE).first()
    if unit is None:
        raise Http404
    if not may_see_unit(user, unit):
        raise PermissionDenied
    return unit
