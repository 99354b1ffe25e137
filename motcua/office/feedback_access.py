"""Who may see and act on a feedback item in the back office. Views read items through
`Feedback.objects.visible_to(user)` (wrapped as `feedback_or_404`) and ask `can_act_on_feedback` before a
step: the officers of the unit that handles the item (or of a unit above it) act by their role."""

from django.http import Http404

from motcua.core.models import Role
from motcua.feedback.models import Feedback
from motcua.office.access import ANY_OFFICER, DESK, PROCESSING, role_of, unit_ids_of

LEADER = frozenset({Role.UNIT_LEADER})

# action -> roles allowed (within the unit handling the item or above it)
FEEDBACK_RULES = {
    "assign": PROCESSING,
    "request_info": PROCESSING,
    "add_info": ANY_OFFICER,  # the submitter brings or phones in the information
    "answer": LEADER,  # the answer is a letter signed with the unit's certificate
    "refuse": PROCESSING,
    "transfer": PROCESSING,
    "publish": PROCESSING,
    "raise_again": DESK,  # on behalf of a submitter at the desk
}
RECEIVE_ROLES = DESK | PROCESSING


def feedback_or_404(user, code: str) -> Feedback:
    """The item if the user may see it; otherwise 404, so that a code outside one's scope is not confirmed."""
    item = (Feedback.objects.visible_to(user)
            .select_related("unit", "procedure", "dossier", "assignee__membership", "previous", "submitted_by")
            .filter(code=code).first())
    if item is None:
        raise Http404
    return item


def can_act_on_feedback(user, item: Feedback, action: str) -> bool:
    roles = FEEDBACK_RULES.get(action)
    if roles is None or role_of(user) not in roles:
        return False
    return item.unit_id in unit_ids_of(user)


def can_receive_feedback(user) -> bool:
    membership = getattr(user, "membership", None)
    return role_of(user) in RECEIVE_ROLES and membership is not None and membership.unit_id is not None
