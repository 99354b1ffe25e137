"""Who may see what on the index pages.

- Scores (the table, the ranking, the counts) are aggregates: every back-office officer sees them for
  every unit, as the province publishes them to all its units.
- The lists behind a number name individual dossiers and feedback items, so they are scoped: dossiers
  through the one scoping method `Dossier.objects.visible_to(user)` (provincial monitors and
  administrators see all; an officer the dossiers his unit or a unit below it received, decides or held),
  feedback items by the same rule on the unit that handles them. Items outside the scope are counted but
  not listed. Procedures and communes are public catalog data and always listed.
"""

from motcua.core.models import Role
from motcua.dossiers.models import Dossier
from motcua.feedback.models import Feedback
from motcua.office.access import role_of, unit_ids_of

SEES_EVERYTHING = frozenset({Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR})


def dossiers_visible_to(user):
    return Dossier.objects.visible_to(user)


def feedback_visible_to(user):
    """Feedback items handled by the officer's unit or a unit below it; all for the province's monitors."""
    if role_of(user) in SEES_EVERYTHING:
        return Feedback.objects.all()
    units = unit_ids_of(user)
    return Feedback.objects.filter(unit_id__in=units) if units else Feedback.objects.none()
