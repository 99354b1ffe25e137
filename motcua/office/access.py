"""Who may see and do what in the back office. Every view reads dossiers through
`Dossier.objects.visible_to(user)` (here wrapped as `dossier_or_404`) and asks `can_act` before a change.

Seeing is one rule (the scoping method); acting adds the role and which of the dossier's units the
officer must belong to: the desk acts for the receiving unit, officers and leaders for the unit that
holds the dossier, leaders sign for the competent unit.
"""

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from motcua.core.models import Role
from motcua.dossiers.models import Dossier
from motcua.office.security import otp_satisfied
from motcua.units.models import Unit

OFFICE_ROLES = frozenset({Role.DESK_OFFICER, Role.PROCESSING_OFFICER, Role.UNIT_LEADER, Role.VIEWER,
                          Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR})
DESK = frozenset({Role.DESK_OFFICER, Role.UNIT_LEADER})
PROCESSING = frozenset({Role.PROCESSING_OFFICER, Role.UNIT_LEADER})
ANY_OFFICER = frozenset({Role.DESK_OFFICER, Role.PROCESSING_OFFICER, Role.UNIT_LEADER})

# action -> (roles allowed, dossier unit fields of which one must be within the officer's units)
ACTION_RULES = {
    "receive": (DESK, ("received_by",)),
    "refuse": (DESK, ("received_by",)),
    "withdraw": (DESK, ("received_by",)),
    "start": (PROCESSING, ("holder",)),
    "assign": (PROCESSING, ("holder",)),
    "hand_over": (PROCESSING, ("holder",)),
    "request_supplement": (PROCESSING, ("holder",)),
    # The citizen brings the supplement or the receipt of payment to the desk that received the dossier.
    "complete_supplement": (ANY_OFFICER, ("received_by", "holder")),
    "request_fees": (PROCESSING, ("holder",)),
    "fees_paid": (ANY_OFFICER, ("received_by", "holder")),
    "apologize": (PROCESSING, ("holder", "unit")),
    "stop": (PROCESSING, ("holder",)),
    "resolve": (PROCESSING, ("holder",)),
    "sign_result": (frozenset({Role.UNIT_LEADER}), ("unit", "holder")),
    "return_result": (DESK, ("received_by",)),
}


def role_of(user) -> str | None:
    if not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    if membership is not None:
        return membership.role
    return Role.ADMINISTRATOR if user.is_superuser else None


def unit_of(user) -> Unit | None:
    membership = getattr(user, "membership", None)
    return membership.unit if membership is not None else None


def unit_ids_of(user) -> set[int]:
    """The officer's unit and the units below it (empty for users without a unit)."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.unit_id is None:
        return set()
    return Unit.objects.subtree_ids(membership.unit_id)


def office_required(view):
    """Login, a back-office role and, for administrators, the second factor."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            # After an expired session, come back to a page that can be shown: a POST-only action URL
            # would answer 405 to the GET that follows the login, so send the officer to its dossier.
            if request.method in ("GET", "HEAD"):
                target = request.get_full_path()
            elif "code" in kwargs:
                target = reverse("office:dossier", args=[kwargs["code"]])
            else:
                target = request.path
            return redirect_to_login(target)
        if not otp_satisfied(request):
            return redirect("office:otp")
        if role_of(request.user) not in OFFICE_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped


def dossier_or_404(user, code: str) -> Dossier:
    """The dossier if the user may see it; otherwise "not found", never "forbidden", so that a code
    outside one's scope does not even confirm that the dossier exists."""
    dossier = (Dossier.objects.visible_to(user)
               .select_related("procedure", "unit", "received_by", "holder", "assignee")
               .filter(code=code).first())
    if dossier is None:
        raise Http404
    return dossier


def can_act(user, dossier: Dossier, action: str) -> bool:
    rule = ACTION_RULES.get(action)
    if rule is None or role_of(user) not in rule[0]:
        return False
    units = unit_ids_of(user)
    return any(getattr(dossier, f"{field}_id") in units for field in rule[1])


def can_receive(user) -> bool:
    """Desk officers and leaders of a unit receive dossiers at their desk, for any procedure."""
    return role_of(user) in DESK and unit_of(user) is not None


def officers_for_assignment(dossier: Dossier):
    """Processing officers and leaders of the unit holding the dossier and of the units below it."""
    units = Unit.objects.subtree_ids(dossier.holder_id or dossier.unit_id)
    return (get_user_model().objects.filter(is_active=True, membership__unit_id__in=units,
                                            membership__role__in=PROCESSING)
            .select_related("membership").order_by("membership__full_name", "username"))
