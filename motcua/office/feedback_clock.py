"""The back office's reading of a feedback item's deadlines (`motcua.feedback.deadlines`): the urgency
of the work queue, with the dossier queue's labels and colours (`motcua.office.clock`), and the overdue
items the provincial monitors follow."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.feedback.constants import OPEN_STATUSES, Status
from motcua.feedback.deadlines import ANSWER, PUBLISH, Standing, standing
from motcua.feedback.models import Feedback
from motcua.lib.vnformat import padded_date
from motcua.office.clock import DONE, DUE_SOON, IN_TIME, OVERDUE, URGENCY_COLOURS, URGENCY_LABELS

STEP_LABELS = {ANSWER: gettext_lazy("Trả lời"), PUBLISH: gettext_lazy("Công khai")}


@dataclass(frozen=True)
class FeedbackClock:
    standing: Standing
    urgency: str

    @property
    def label(self) -> str:
        return URGENCY_LABELS[self.urgency]

    @property
    def colours(self) -> tuple[str, str]:
        return URGENCY_COLOURS[self.urgency]

    @property
    def step_label(self) -> str:
        return STEP_LABELS.get(self.standing.step, "—")

    @property
    def remaining_text(self) -> str:
        left = self.standing.days_left
        if left is None:
            return "—"
        if left < 0:
            return _("quá hạn %(n)d ngày làm việc") % {"n": -left}
        if left == 0:
            return _("hạn cuối hôm nay")
        return _("còn %(n)d ngày làm việc") % {"n": left}

    @property
    def due_text(self) -> str:
        return padded_date(self.standing.due) if self.standing.due else "—"


def urgency_of(found: Standing) -> str:
    """Overdue once the next step's last day has passed; due soon on its last day or the working day before
    (the dossier queue's "within 1 working day"); done when nothing is due."""
    if found.step is None:
        return DONE
    if found.days_left < 0:
        return OVERDUE
    if found.days_left <= 1:
        return DUE_SOON
    return IN_TIME


def feedback_clock(item: Feedback, calendar, now: datetime) -> FeedbackClock:
    found = standing(item, calendar, now)
    return FeedbackClock(found, urgency_of(found))


def overdue_feedback(items, calendars, now: datetime) -> list[tuple[Feedback, FeedbackClock]]:
    """The items of the queryset `items` whose next step (answer or publication) is past its last day at
    `now`; an open item is in this list exactly when indicator 4.1 counts it late."""
    # Imported items have a blank status (read from their moments): those not yet published are candidates.
    candidates = items.filter(Q(status__in=(*OPEN_STATUSES, Status.ANSWERED)) | Q(status="", published_at=None)
                              ).select_related("unit", "assignee")
    rows = []
    for item in candidates.order_by("received_at", "id"):
        clock = feedback_clock(item, calendars.for_unit(item.unit.code), now)
        if clock.urgency == OVERDUE:
            rows.append((item, clock))
    rows.sort(key=lambda row: (row[1].standing.days_left, row[0].code))
    return rows
