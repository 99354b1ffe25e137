"""Per-officer figures for a unit leader: what each officer of the unit did over a period, with the
officer's targets beside.

For each officer (desk officers, processing officers, leaders and viewers whose membership is in the unit,
or below it with `below=True`), over the local dates [date_from, date_to] judged at t (the earlier of now
and the period's end, as the index judges):

- `received`: dossiers the officer received at the desk — the "create" event of an in-person dossier, or
  the "receive" event that accepted an online submission — at a moment in the period;
- `resolved`: dossiers the officer marked resolved ("resolve" event) in the period;
- `late`: dossiers assigned to the officer (`Dossier.assignee`) under processing in the period (as
  indicator 2.1: received by t, not ended before the period, refused ones left out) that are late at t by
  the one definition (`motcua.office.clock.standing_of` → `motcua.lib.lateness`);
- `assisted`: online submissions the officer filed for an applicant (`Submission.assisted_by`) in the period;
- `digitised`: of the dossiers in `received`, those digitised (`Dossier.digitized`), and its share.

Each figure is one aggregate query over all the unit's officers; `late` reads only the candidates that can
be late (due before t, or two supplement requests), as the home page's overdue count does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from motcua.applications.models import Submission
from motcua.core.models import Role
from motcua.dossiers.constants import Channel, PauseKind
from motcua.dossiers.models import Dossier, DossierEvent, DossierPause
from motcua.lib.periods import Period
from motcua.office.clock import standing_of
from motcua.units.calendars import CalendarBook
from motcua.units.models import Unit

OFFICER_ROLES = (Role.DESK_OFFICER, Role.PROCESSING_OFFICER, Role.UNIT_LEADER, Role.VIEWER)
FIGURES = ("received", "resolved", "late", "assisted", "digitised")


@dataclass
class OfficerFigures:
    officer: object  # the user
    name: str
    role: str
    unit: Unit
    received: int = 0
    resolved: int = 0
    late: int = 0
    assisted: int = 0
    digitised: int = 0
    targets: list = field(default_factory=list)  # the officer's current targets overlapping the period

    @property
    def digitised_share(self) -> Decimal | None:
        """Digitised / received, a percentage with 2 decimals; None with nothing received."""
        if not self.received:
            return None
        return (Decimal(100 * self.digitised) / self.received).quantize(Decimal("0.01"))

    def figure(self, name: str):
        """A figure by its name in `measures` ("received", …, "digitised" = the share)."""
        return self.digitised_share if name == "digitised" else getattr(self, name)


def officers_of(unit: Unit, below: bool = True):
    """The officers of `unit` (and of the units below it), as users with their membership."""
    unit_ids = Unit.objects.subtree_ids(unit.pk) if below else {unit.pk}
    return (get_user_model().objects
            .filter(membership__unit_id__in=unit_ids, membership__role__in=OFFICER_ROLES, is_active=True)
            .select_related("membership", "membership__unit").order_by("membership__unit__position", "username"))


def _counts(queryset, key: str) -> dict[int, int]:
    return {row[key]: row["n"] for row in queryset.values(key).annotate(n=Count("dossier", distinct=True))}


def officer_figures(unit: Unit, date_from: date, date_to: date, now: datetime | None = None, *,
                    below: bool = True, officers=None, with_targets: bool = True) -> list[OfficerFigures]:
    """The figures of every officer of `unit` over the period (see the module's docstring)."""
    period = Period.of(date_from, date_to, now)
    t, start = period.t, period.start
    users = list(officers if officers is not None else officers_of(unit, below))
    ids = [u.pk for u in users]
    if not ids:
        return []
    upto = Q(at__gte=start, at__lte=t, at__lt=period.end)
    events = DossierEvent.objects.filter(upto, actor_id__in=ids)
    desk = events.filter(Q(action="create", dossier__channel=Channel.IN_PERSON) | Q(action="receive"))
    received = _counts(desk, "actor_id")
    digitised = _counts(desk.filter(dossier__digitized=True), "actor_id")
    resolved = _counts(events.filter(action="resolve"), "actor_id")
    assisted = {row["assisted_by"]: row["n"] for row in
                Submission.objects.filter(assisted_by_id__in=ids, submitted_at__gte=start, submitted_at__lte=t,
                                          submitted_at__lt=period.end)
                .values("assisted_by").annotate(n=Count("id"))}
    late = _late_counts(ids, period)

    targets_by_officer: dict[int, list] = defaultdict(list)
    if with_targets:
        from motcua.targets.models import Scope, Target

        for target in (Target.objects.current().filter(scope=Scope.OFFICER, officer_id__in=ids,
                                                       start__lte=date_to, end__gte=date_from)):
            targets_by_officer[target.officer_id].append(target)

    result = []
    for user in users:
        membership = user.membership
        result.append(OfficerFigures(
            officer=user, name=membership.full_name or user.get_username(), role=membership.get_role_display(),
            unit=membership.unit, received=received.get(user.pk, 0), resolved=resolved.get(user.pk, 0),
            late=late.get(user.pk, 0), assisted=assisted.get(user.pk, 0), digitised=digitised.get(user.pk, 0),
            targets=targets_by_officer.get(user.pk, [])))
    return result


def _late_counts(ids: list[int], period: Period) -> dict[int, int]:
    """Dossiers assigned to each officer, under processing in the period, late at t."""
    t = period.t
    twice = (DossierPause.objects.filter(kind=PauseKind.SUPPLEMENT, requested_at__lte=t).values("dossier")
             .annotate(n=Count("id")).filter(n__gte=2).values("dossier"))
    not_ended_before = (Q(resolved_at__isnull=True) | Q(resolved_at__gte=period.start) | Q(resolved_at__gt=t)) & \
                       (Q(returned_at__isnull=True) | Q(returned_at__gte=period.start) | Q(returned_at__gt=t)) & \
                       (Q(ended_at__isnull=True) | Q(ended_at__gte=period.start) | Q(ended_at__gt=t))
    candidates = (Dossier.objects.filter(assignee_id__in=ids, received_at__lte=t, received_at__lt=period.end)
                  .exclude(ended="refused")
                  .filter(not_ended_before)
                  .filter(Q(due_at__lt=t) | Q(pk__in=twice))
                  .select_related("unit").prefetch_related("pauses"))
    book = CalendarBook()
    counts: dict[int, int] = defaultdict(int)
    for dossier in candidates:
        if standing_of(dossier, book.for_unit(dossier.unit.code), t, pauses=dossier.pauses.all()).late:
            counts[dossier.assignee_id] += 1
    return counts


def figure_value(officer, measure_ref: str, date_from: date, date_to: date, now: datetime | None = None):
    """One officer's figure `measure_ref` over a period (a Decimal share for "digitised", else an int)."""
    membership = getattr(officer, "membership", None)
    if membership is None or membership.unit is None:
        return None, None, None
    [row] = officer_figures(membership.unit, date_from, date_to, now, officers=[officer], with_targets=False)
    if measure_ref == "digitised":
        return row.digitised_share, row.digitised, row.received
    return Decimal(row.figure(measure_ref)), None, None
