"""The dossier state machine: statuses, the literal table of allowed transitions, and the one function
that changes a status (`transition`). Nothing else writes `Dossier.status`.

Every transition is a compare-and-update on (pk, status, version) and writes its event row in the same
transaction, so two officers can never both move the same dossier and no change is half done.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.changes.tracking import dossiers_changed
from motcua.dossiers.constants import Ending, PauseKind, Status
from motcua.dossiers.models import Dossier, DossierEvent, DossierPause

S = Status

# (status, action) -> new status. This table also drives the buttons of the back office and the docs.
TRANSITIONS: dict[tuple[Status, str], Status] = {
    (S.SUBMITTED, "receive"): S.RECEIVED,
    (S.SUBMITTED, "refuse"): S.REFUSED,
    (S.SUBMITTED, "withdraw"): S.WITHDRAWN,
    (S.RECEIVED, "start"): S.PROCESSING,
    (S.RECEIVED, "refuse"): S.REFUSED,
    (S.RECEIVED, "request_supplement"): S.SUPPLEMENT_REQUESTED,
    (S.RECEIVED, "withdraw"): S.WITHDRAWN,
    (S.PROCESSING, "assign"): S.PROCESSING,
    (S.PROCESSING, "hand_over"): S.PROCESSING,
    (S.PROCESSING, "request_supplement"): S.SUPPLEMENT_REQUESTED,
    (S.PROCESSING, "request_fees"): S.WAITING_FEES,
    (S.PROCESSING, "apologize"): S.PROCESSING,
    (S.PROCESSING, "stop"): S.STOPPED,
    (S.PROCESSING, "withdraw"): S.WITHDRAWN,
    (S.PROCESSING, "resolve"): S.RESOLVED,
    (S.SUPPLEMENT_REQUESTED, "complete_supplement"): S.PROCESSING,
    (S.SUPPLEMENT_REQUESTED, "withdraw"): S.WITHDRAWN,
    (S.SUPPLEMENT_REQUESTED, "stop"): S.STOPPED,
    (S.WAITING_FEES, "fees_paid"): S.PROCESSING,
    (S.WAITING_FEES, "withdraw"): S.WITHDRAWN,
    (S.WAITING_FEES, "stop"): S.STOPPED,
    (S.RESOLVED, "sign_result"): S.RESOLVED,
    (S.RESOLVED, "return_result"): S.RETURNED,
}

ACTION_LABELS = {
    "create": gettext_lazy("Tạo hồ sơ"),
    "receive": gettext_lazy("Tiếp nhận"),
    "refuse": gettext_lazy("Từ chối tiếp nhận"),
    "start": gettext_lazy("Chuyển xử lý"),
    "assign": gettext_lazy("Phân công"),
    "hand_over": gettext_lazy("Chuyển liên thông"),
    "request_supplement": gettext_lazy("Yêu cầu bổ sung"),
    "complete_supplement": gettext_lazy("Đã bổ sung"),
    "request_fees": gettext_lazy("Yêu cầu thực hiện nghĩa vụ tài chính"),
    "fees_paid": gettext_lazy("Đã thực hiện nghĩa vụ tài chính"),
    "apologize": gettext_lazy("Xin lỗi và hẹn lại"),
    "stop": gettext_lazy("Dừng xử lý"),
    "withdraw": gettext_lazy("Rút hồ sơ"),
    "resolve": gettext_lazy("Xử lý xong"),
    "sign_result": gettext_lazy("Phê duyệt và ký số kết quả"),
    "return_result": gettext_lazy("Trả kết quả"),
}


class TransitionError(Exception):
    """The action is not allowed from the dossier's status (a user error, shown as is)."""


class ConcurrentChange(TransitionError):
    """Another officer changed the dossier first; nothing was written."""


def allowed_actions(status: int) -> list[str]:
    return [action for (state, action) in TRANSITIONS if state == status]


@dataclass(frozen=True)
class Outcome:
    dossier: Dossier
    event: DossierEvent


def _field_changes(dossier: Dossier, action: str, at) -> dict:
    """The dossier fields that an action sets besides the status."""
    if action == "resolve":
        return {"resolved_at": at}
    if action == "return_result":
        return {"returned_at": at}
    if action in ("refuse", "withdraw", "stop"):
        ending = {"refuse": Ending.REFUSED, "withdraw": Ending.WITHDRAWN, "stop": Ending.STOPPED}[action]
        return {"ended": ending.value, "ended_at": at}
    return {}


def _pause_effects(dossier: Dossier, action: str, at, note: str):
    if action == "request_supplement":
        if dossier.pauses.filter(kind=PauseKind.SUPPLEMENT).exists():
            # Decree 118: a dossier may be asked for a supplement only once.
            raise TransitionError(_("Hồ sơ chỉ được yêu cầu bổ sung một lần."))
        DossierPause.objects.create(dossier=dossier, kind=PauseKind.SUPPLEMENT, requested_at=at, reason=note)
    elif action == "request_fees":
        DossierPause.objects.create(dossier=dossier, kind=PauseKind.FEE_WAIT, requested_at=at, reason=note)
    elif action in ("complete_supplement", "fees_paid"):
        kind = PauseKind.SUPPLEMENT if action == "complete_supplement" else PauseKind.FEE_WAIT
        open_pause = dossier.pauses.filter(kind=kind, completed_at__isnull=True).order_by("-requested_at").first()
        if open_pause is None:
            raise TransitionError(_("Không có yêu cầu nào đang chờ hoàn thành."))
        open_pause.completed_at = at
        open_pause.save(update_fields=["completed_at"])


def transition(dossier: Dossier, action: str, actor=None, note: str = "", at=None, data=None,
               changes: dict | None = None) -> Outcome:
    """Move `dossier` by `action`, atomically, or raise TransitionError and change nothing.

    `changes` are extra dossier fields set in the same update (e.g. the new holder on a hand-over).
    """
    at = at or timezone.now()
    old = Status(dossier.status)
    new = TRANSITIONS.get((old, action))
    if new is None:
        raise TransitionError(
            _("Không thể thực hiện “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": ACTION_LABELS.get(action, action), "status": old.label})
    fields = {**_field_changes(dossier, action, at), **(changes or {})}
    with transaction.atomic():
        updated = Dossier.objects.filter(pk=dossier.pk, status=old, version=dossier.version).update(
            status=new, version=dossier.version + 1, **fields)
        if updated != 1:
            raise ConcurrentChange(_("Hồ sơ %(code)s vừa được người khác cập nhật. Vui lòng tải lại trang.")
                                   % {"code": dossier.code})
        _pause_effects(dossier, action, at, note)
        event = DossierEvent.objects.create(
            dossier=dossier, actor=actor, actor_label=str(actor or ""), action=action,
            old_status=old, new_status=new, at=at, note=note, data=data or {})
        # The live index re-reads this dossier on its next request (committed with the change or not at all).
        dossiers_changed([dossier.pk])
    dossier.status = new
    dossier.version += 1
    for name, value in fields.items():
        setattr(dossier, name, value)
    return Outcome(dossier=dossier, event=event)


def record_creation(dossier: Dossier, actor=None, note: str = "", at=None, data=None) -> DossierEvent:
    """The first event of a dossier created in this system (online submission or receipt at a desk)."""
    with transaction.atomic():
        event = DossierEvent.objects.create(
            dossier=dossier, actor=actor, actor_label=str(actor or ""), action="create", old_status=None,
            new_status=dossier.status, at=at or dossier.received_at, note=note, data=data or {})
        dossiers_changed([dossier.pk])
    return event


def status_from_facts(*, resolved_at, returned_at, ended, supplements, fee_waits) -> Status:
    """The status an imported dossier is in, from the facts the exchange format records."""
    if ended:
        return {Ending.REFUSED: S.REFUSED, Ending.WITHDRAWN: S.WITHDRAWN, Ending.STOPPED: S.STOPPED}[Ending(ended)]
    if returned_at is not None:
        return S.RETURNED
    if resolved_at is not None:
        return S.RESOLVED
    if any(completed is None for _requested, completed in supplements):
        return S.SUPPLEMENT_REQUESTED
    if any(completed is None for _requested, completed in fee_waits):
        return S.WAITING_FEES
    return S.PROCESSING
