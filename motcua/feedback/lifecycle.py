"""The feedback state machine: the statuses' literal transition table and the only code that writes a
feedback item's `status`, `version` and the moments indicators 4.1 and 4.2 read (the importer aside,
which writes the moments of imported items as the exchange format gives them).

Every step is a compare-and-update on (pk, version), writes its `FeedbackEvent` and calls
`catalog_changed()` in the same transaction, so two officers can never both act on one version, no step
is half done, and the live index re-reads feedback on its next request.

Raising an item again (the citizen is not satisfied with the answer) creates a NEW item linked to the first
by `previous` and sets the first item's `raised_again` (docs/feedback.md: which item counts in 4.2).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.changes.tracking import catalog_changed
from motcua.dossiers import lifecycle as dossier_lifecycle
from motcua.dossiers.constants import Rating
from motcua.feedback.constants import Status
from motcua.feedback.models import Feedback, FeedbackEvent
from motcua.lib.periods import local_date

S = Status

# (status, action) -> new status. It drives the back office's buttons, a parametrised test and the docs.
TRANSITIONS: dict[tuple[Status, str], Status] = {
    (S.RECEIVED, "assign"): S.RECEIVED,
    (S.RECEIVED, "request_info"): S.INFO_REQUESTED,
    (S.RECEIVED, "answer"): S.ANSWERED,
    (S.RECEIVED, "refuse"): S.REFUSED,
    (S.RECEIVED, "transfer"): S.RECEIVED,
    (S.INFO_REQUESTED, "assign"): S.INFO_REQUESTED,
    (S.INFO_REQUESTED, "add_info"): S.RECEIVED,
    (S.INFO_REQUESTED, "answer"): S.ANSWERED,
    (S.INFO_REQUESTED, "refuse"): S.REFUSED,
    (S.INFO_REQUESTED, "transfer"): S.INFO_REQUESTED,
    (S.ANSWERED, "publish"): S.PUBLISHED,
    (S.ANSWERED, "rate"): S.ANSWERED,
    (S.PUBLISHED, "rate"): S.PUBLISHED,
    (S.ANSWERED, "raise_again"): S.ANSWERED,
    (S.PUBLISHED, "raise_again"): S.PUBLISHED,
    (S.REFUSED, "raise_again"): S.REFUSED,
}

ACTION_LABELS = {
    "receive": gettext_lazy("Tiếp nhận phản ánh"),
    "assign": gettext_lazy("Phân công xử lý"),
    "request_info": gettext_lazy("Đề nghị bổ sung thông tin"),
    "add_info": gettext_lazy("Người phản ánh bổ sung thông tin"),
    "answer": gettext_lazy("Trả lời (văn bản ký số)"),
    "refuse": gettext_lazy("Từ chối xử lý"),
    "transfer": gettext_lazy("Chuyển đơn vị có thẩm quyền"),
    "publish": gettext_lazy("Công khai kết quả trả lời"),
    "rate": gettext_lazy("Người phản ánh đánh giá"),
    "raise_again": gettext_lazy("Phản ánh lại"),
}


class TransitionError(Exception):
    """The step is not allowed now (a user error, shown as is); nothing was written."""


class ConcurrentChange(TransitionError):
    """Someone changed the item first; nothing was written."""


@dataclass(frozen=True)
class Outcome:
    feedback: Feedback
    event: FeedbackEvent


def allowed_actions(status: str) -> list[str]:
    return [action for (state, action) in TRANSITIONS if state == status]


def _moments(feedback: Feedback, action: str, at) -> dict:
    """The fields a step sets besides the status."""
    if action == "request_info" and feedback.info_requested_at is None:
        return {"info_requested_at": at}  # the first request is the one with a deadline
    if action == "answer":
        return {"answered_at": at}
    if action == "refuse":
        return {"refused_at": at}
    if action == "publish":
        return {"published_at": at}
    return {}


def _check(feedback: Feedback, action: str, changes: dict) -> None:
    if action == "rate" and changes.get("rating") not in (Rating.SATISFIED, Rating.UNSATISFIED):
        raise ValueError("rate needs rating=satisfied or unsatisfied")
    if action == "raise_again" and feedback.raised_again:
        raise TransitionError(_("Phản ánh %(code)s đã được phản ánh lại; vui lòng theo dõi phản ánh mới.")
                              % {"code": feedback.code})
    if action == "transfer" and changes.get("unit") is None:
        raise ValueError("transfer needs unit=")


def transition(feedback: Feedback, action: str, *, actor=None, actor_label: str = "", note: str = "", at=None,
               data=None, changes: dict | None = None) -> Outcome:
    """Move `feedback` by `action`, atomically, or raise TransitionError and change nothing. `changes` are
    further fields of the same update (the answer's text and file, the new unit, the rating, ...)."""
    at = at or timezone.now()
    changes = dict(changes or {})
    if {"status", "version", "received_at"} & set(changes):
        raise ValueError("the lifecycle sets status, version and received_at itself")
    old = feedback.current_status
    new = TRANSITIONS.get((old, action))
    if new is None:
        raise TransitionError(
            _("Không thể thực hiện “%(action)s” khi phản ánh đang ở trạng thái “%(status)s”.")
            % {"action": ACTION_LABELS.get(action, action), "status": old.label})
    _check(feedback, action, changes)
    fields = {**_moments(feedback, action, at), **changes}
    with transaction.atomic():
        updated = Feedback.objects.filter(pk=feedback.pk, version=feedback.version).update(
            status=new, version=feedback.version + 1, **fields)
        if updated != 1:
            raise ConcurrentChange(_("Phản ánh %(code)s vừa được người khác cập nhật. Vui lòng tải lại trang.")
                                   % {"code": feedback.code})
        event = FeedbackEvent.objects.create(
            feedback=feedback, actor=actor, actor_label=str(actor_label or actor or ""), action=action,
            old_status=old, new_status=new, at=at, note=note, data=data or {})
        catalog_changed()  # indicators 4.1 and 4.2 of the unit (and of the old one on a transfer) follow
    feedback.status, feedback.version = new, feedback.version + 1
    for name, value in fields.items():
        setattr(feedback, name, value)
    return Outcome(feedback, event)


def next_code(unit_code: str, day) -> str:
    """`PA-{unit}-{YYMMDD}-{NNNN}`: the next number of the unit's day (made unique by the retry in
    `receive` when two items are received at once)."""
    prefix = f"PA-{unit_code}-{day:%y%m%d}-"
    last = (Feedback.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True)
            .first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def receive(feedback: Feedback, *, actor=None, actor_label: str = "", note: str = "", at=None,
            data=None) -> Outcome:
    """Save the new, unsaved `feedback` (channel, unit, contents and submitter set by the caller) as received
    at `at`, with its code, version 0 and its "receive" event, in one transaction."""
    if feedback.pk is not None or feedback.status:
        raise ValueError("receive takes a new feedback item without a status: the lifecycle sets it")
    at = at or timezone.now()
    feedback.received_at, feedback.status, feedback.version = at, S.RECEIVED, 0
    for attempt in range(5):
        feedback.code = next_code(feedback.unit.code, local_date(at))
        try:
            with transaction.atomic():
                feedback.save(force_insert=True)
                event = FeedbackEvent.objects.create(
                    feedback=feedback, actor=actor, actor_label=str(actor_label or actor or ""), action="receive",
                    old_status="", new_status=S.RECEIVED, at=at, note=note,
                    data={"channel": feedback.channel, **(data or {})})
                _mark_complaint(feedback, actor, actor_label, at)
                catalog_changed()
            return Outcome(feedback, event)
        except IntegrityError:
            feedback.pk = None  # the code was taken meanwhile: the next number
            if attempt == 4:
                feedback.status = ""
                raise
    raise AssertionError("unreachable")


def _mark_complaint(feedback: Feedback, actor, actor_label: str, at) -> None:
    """An item about a dossier is a complaint about it (rules.md "Satisfaction": it counts against 4.3):
    the dossier's `complaint` flag is set through the dossier lifecycle, in the filing's transaction."""
    if feedback.dossier_id is not None:
        dossier_lifecycle.mark_complaint(feedback.dossier_id, actor=actor, actor_label=str(actor_label or ""),
                                         note=feedback.code, at=at, data={"feedback": feedback.code})


def raise_again(previous: Feedback, feedback: Feedback, *, actor=None, actor_label: str = "", note: str = "",
                at=None) -> Outcome:
    """The submitter raises `previous` again: `feedback` (new, unsaved) is received linked to it, and
    `previous.raised_again` becomes true, both or neither. Returns the new item's outcome."""
    at = at or timezone.now()
    try:
        with transaction.atomic():
            transition(previous, "raise_again", actor=actor, actor_label=actor_label, note=note, at=at,
                       changes={"raised_again": True})
            feedback.previous = previous
            return receive(feedback, actor=actor, actor_label=actor_label, note=note, at=at,
                           data={"previous": previous.code})
    except BaseException:
        feedback.pk, feedback.status = None, ""  # nothing was saved: the object is new again
        raise
