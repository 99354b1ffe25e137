"""Remaining working time of dossiers and the control sheet's time shares, over the units' calendars.

Pauses (supplement requested, waiting for fees) stop the clock: the due time moves by the working time
they lasted, and a dossier paused now keeps the remaining time it had when the pause began. The stored
`due_at` is never moved: the index measures lateness against it with the pauses deducted.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from motcua.dossiers.constants import Status
from motcua.indicators.semantics import merge_intervals

IN_TIME, DUE_SOON, OVERDUE, PAUSED, DONE = "in_time", "due_soon", "overdue", "paused", "done"
URGENCY_LABELS = {
    IN_TIME: gettext_lazy("Trong hạn"),
    DUE_SOON: gettext_lazy("Đến hạn trong 1 ngày làm việc"),
    OVERDUE: gettext_lazy("Quá hạn"),
    PAUSED: gettext_lazy("Đang tạm dừng"),
    DONE: gettext_lazy("Đã xử lý xong"),
}
# One place for the queue's colours (background, text), like the status colours in dossiers.constants.
URGENCY_COLOURS = {
    IN_TIME: ("#d1e7dd", "#0f5132"),
    DUE_SOON: ("#fff3cd", "#664d03"),
    OVERDUE: ("#f8d7da", "#842029"),
    PAUSED: ("#e2e3e5", "#41464b"),
    DONE: ("#cfe2ff", "#084298"),
}
OPEN_STATUSES = (Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED,
                 Status.WAITING_FEES)
PAUSED_STATUSES = (Status.SUPPLEMENT_REQUESTED, Status.WAITING_FEES)


@dataclass(frozen=True)
class Clock:
    """Where a dossier stands against its due time, in working time."""

    effective_due: datetime
    remaining: timedelta  # negative when overdue
    urgency: str
    hours_per_day: timedelta

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
        return _("còn %(time)s") % {"time": text}


def clock_of(dossier, calendar, now: datetime, pauses=None) -> Clock:
    """The dossier's clock at `now`; `pauses` may be passed prefetched."""
    pauses = list(dossier.pauses.all() if pauses is None else pauses)
    completed = [p for p in pauses if p.completed_at is not None]
    open_pause = next((p for p in pauses if p.completed_at is None), None)
    shift = sum((calendar.working_time_between(start, stop)
                 for start, stop in merge_intervals((p.requested_at, p.completed_at) for p in completed)),
                timedelta(0))
    effective_due = calendar.add_working_time(dossier.due_at, shift) if shift else dossier.due_at
    reference = open_pause.requested_at if open_pause is not None else now
    if dossier.status not in OPEN_STATUSES:
        reference = dossier.end_at or now
    if reference <= effective_due:
        remaining = calendar.working_time_between(reference, effective_due)
    else:
        # working_time_between is 0 for an instant after the last session of the due day, so an
        # overdue dossier still needs a strictly negative value to sort before the others.
        remaining = -max(calendar.working_time_between(effective_due, reference), timedelta(microseconds=1))
    if dossier.status not in OPEN_STATUSES:
        urgency = DONE
    elif remaining < timedelta(0):
        urgency = OVERDUE
    elif dossier.status in PAUSED_STATUSES:
        urgency = PAUSED
    elif remaining <= calendar.hours_per_day:
        urgency = DUE_SOON
    else:
        urgency = IN_TIME
    return Clock(effective_due, remaining, urgency, calendar.hours_per_day)


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
    paused = merge_intervals((p.requested_at, p.completed_at or now) for p in pauses)
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
