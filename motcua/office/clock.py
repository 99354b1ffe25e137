"""The back office's reading of the one definition of late (`motcua.lib.lateness`): each dossier's
standing, remaining working time and urgency colour for the work queue and the dossier page, and the
control sheet's time shares, over the units' calendars.

Pauses (supplement requested, waiting for fees) stop the clock: the due time moves by the working time
they lasted, and a dossier paused now keeps the remaining time it had when the pause began. The stored
`due_at` is never moved.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from motcua.dossiers.constants import OPEN_STATUSES, PauseKind
from motcua.dossiers.models import DossierPause
from motcua.lib import lateness

IN_TIME, DUE_SOON, OVERDUE, PAUSED, DONE = "in_time", "due_soon", "overdue", "paused", "done"
URGENCY_LABELS = {
    IN_TIME: gettext_lazy("Trong hạn"),
    DUE_SOON: gettext_lazy("Đến hạn trong 1 ngày làm việc"),
    OVERDUE: gettext_lazy("Quá hạn"),
    PAUSED: gettext_lazy("Đang tạm dừng"),
    DONE: gettext_lazy("Đã kết thúc xử lý"),  # any end of processing (rules.md): resolved, returned, refused, …
}
# One place for the queue's colours (background, text), like the status colours in dossiers.constants.
URGENCY_COLOURS = {
    IN_TIME: ("#d1e7dd", "#0f5132"),
    DUE_SOON: ("#fff3cd", "#664d03"),
    OVERDUE: ("#f8d7da", "#842029"),
    PAUSED: ("#e2e3e5", "#41464b"),
    DONE: ("#cfe2ff", "#084298"),
}


@dataclass(frozen=True)
class Clock:
    """Where a dossier stands against its due time, in working time."""

    effective_due: datetime
    remaining: timedelta  # negative when past the effective due
    urgency: str
    hours_per_day: timedelta
    late: bool  # late or overdue by the one definition; for an ended dossier, whether it ended late

    @property
    def label(self) -> str:
        return URGENCY_LABELS[self.urgency]

    @property
    def colours(self) -> tuple[str, str]:
        return URGENCY_COLOURS[self.urgency]

    @property
    def remaining_text(self) -> str:
        text = format_working_time(abs(self.remaining), self.hours_per_day)
        if self.urgency == DONE:
            return "—"
        if self.remaining < timedelta(0):
            return _("quá hạn %(time)s") % {"time": text}
        if self.late:  # two supplement requests: late by rule whatever the time left
            return _("trễ hạn (yêu cầu bổ sung lần thứ hai)")
        return _("còn %(time)s") % {"time": text}


def standing_of(dossier, calendar, now: datetime, pauses=None) -> lateness.Standing:
    """The dossier's standing at `now` by the one definition (`motcua.lib.lateness`); `pauses` may be
    passed prefetched."""
    pauses = list(dossier.pauses.all() if pauses is None else pauses)
    supplements = [(p.requested_at, p.completed_at) for p in pauses if p.kind == PauseKind.SUPPLEMENT]
    fee_waits = [(p.requested_at, p.completed_at) for p in pauses if p.kind == PauseKind.FEE_WAIT]
    return lateness.standing(dossier.due_at, supplements, fee_waits, dossier.end_at, now, calendar)


def clock_of(dossier, calendar, now: datetime, pauses=None) -> Clock:
    """The dossier's clock at `now`: its standing, the working time left and the queue's urgency."""
    standing = standing_of(dossier, calendar, now, pauses)
    remaining = standing.remaining(calendar)
    if standing.ended or dossier.status not in OPEN_STATUSES:
        urgency = DONE
    elif standing.late:
        urgency = OVERDUE
    elif standing.paused:
        urgency = PAUSED
    elif remaining <= calendar.hours_per_day:
        urgency = DUE_SOON
    else:
        urgency = IN_TIME
    return Clock(standing.effective_due, remaining, urgency, calendar.hours_per_day, standing.late)


def overdue_open_dossiers(dossiers, calendars, now: datetime) -> list:
    """The dossiers of the queryset `dossiers` still open and overdue at `now`, by the one definition.

    Only candidates are read: a dossier can be late at `now` only if its `due_at` is before `now` (the
    moment it is judged at is never after `now`, and its effective due never before `due_at`), or if it
    has two supplement requests.
    """
    twice = (DossierPause.objects.filter(kind=PauseKind.SUPPLEMENT).values("dossier")
             .annotate(n=Count("id")).filter(n__gte=2).values("dossier"))
    candidates = (dossiers.filter(status__in=OPEN_STATUSES)
                  .filter(Q(due_at__lt=now) | Q(pk__in=twice))
                  .select_related("unit").prefetch_related("pauses"))
    return [d for d in candidates
            if standing_of(d, calendars.for_unit(d.unit.code), now, pauses=d.pauses.all()).late]


def format_working_time(amount: timedelta, hours_per_day: timedelta) -> str:
    """"2 ngày 3 giờ làm việc": whole working days of the unit, then hours, then minutes."""
    minutes = int(amount.total_seconds() // 60)
    day_minutes = max(int(hours_per_day.total_seconds() // 60), 1)
    days, rest = divmod(minutes, day_minutes)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d ngày", "%(n)d ngày", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d giờ", "%(n)d giờ", hours) % {"n": hours})
    if mins and not days:
        parts.append(ngettext("%(n)d phút", "%(n)d phút", mins) % {"n": mins})
    if not parts:
        return _("0 phút làm việc")
    return _("%(parts)s làm việc") % {"parts": " ".join(parts)}


@dataclass(frozen=True)
class ControlSheetRow:
    """One line of the control sheet: a unit's share of the time and whether it kept to it."""

    handover: object
    used: timedelta
    allowed: timedelta | None
    on_time: bool | None  # None while the step is open and still in time
    open: bool
    used_text: str
    verdict: str


def control_sheet(dossier, calendars, now: datetime, handovers=None, pauses=None) -> list[ControlSheetRow]:
    """The rows of the processing control sheet: each hand-over with its working time, pauses deducted."""
    pauses = list(dossier.pauses.all() if pauses is None else pauses)
    paused = lateness.merge_intervals((p.requested_at, p.completed_at or now) for p in pauses)
    rows = []
    for step in (dossier.handovers.select_related("unit").all() if handovers is None else handovers):
        calendar = calendars.for_unit(step.unit.code)
        end = step.released_at or now
        used = calendar.working_time_between(step.received_at, end)
        for start, stop in paused:
            p_start, p_end = max(start, step.received_at), min(stop, end)
            if p_end > p_start:
                used -= calendar.working_time_between(p_start, p_end)
        used = max(used, timedelta(0))
        allowed = calendar.working_time_between(step.received_at, step.due_at) if step.due_at else None
        within = allowed is None or used <= allowed
        if step.released_at is None:
            on_time = None if within else False
            verdict = _("Đang xử lý, trong hạn") if within else _("Đang xử lý, quá hạn")
        else:
            on_time = within
            verdict = _("Đúng hạn") if within else _("Trễ hạn")
        rows.append(ControlSheetRow(step, used, allowed, on_time, step.released_at is None,
                                    format_working_time(used, calendar.hours_per_day), verdict))
    return rows
