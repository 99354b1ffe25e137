"""Who may see a unit's fix-first list: it names dossiers and feedback items, so it is scoped.

- provincial monitors and administrators: every unit;
- a unit leader: his unit and the units below it (an office of his department), no other;
- every other role (desk, processing officer, viewer, citizen): nobody's.

Listed dossiers are linked only when `Dossier.objects.visible_to(user)` holds them (for a leader, every
dossier his subtree decides is in it); feedback items by the rule of `indicators.access`.
"""

from motcua.core.models import Role
from motcua.indicators import access as index_access
from motcua.office.access import role_of, unit_ids_of, unit_of
from motcua.units.models import Unit, UnitKind

SEES_EVERY_UNIT = frozenset({Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR})
MAY_USE = SEES_EVERY_UNIT | {Role.UNIT_LEADER}


def may_use(user) -> bool:
    return role_of(user) in MAY_USE


def units_for(user):
    """The units whose list the user may see, in file order."""
    units = Unit.objects.order_by("position", "id")
    if role_of(user) in SEES_EVERY_UNIT:
        return units
    if role_of(user) == Role.UNIT_LEADER:
        return units.filter(id__in=unit_ids_of(user))
    return units.none()


def may_see(user, unit_code: str) -> bool:
    return units_for(user).filter(code=unit_code).exists()


def default_unit(user) -> str | None:
    """The leader's own unit; the province for the province's monitors."""
    if role_of(user) == Role.UNIT_LEADER:
        unit = unit_of(user)
        return unit.code if unit else None
    return Unit.objects.filter(kind=UnitKind.PROVINCE).values_list("code", flat=True).first()


def visible_dossiers(user, codes) -> dict[str, int]:
    """code -> id of the listed dossiers the user may open."""
    return dict(index_access.dossiers_visible_to(user).filter(code__in=list(codes)).values_list("code", "id"))


def visible_feedback(user, codes) -> set[str]:
    return set(index_access.feedback_visible_to(user).filter(code__in=list(codes)).values_list("code", flat=True))
