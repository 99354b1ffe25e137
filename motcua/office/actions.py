"""Back-office actions: each `do_*` makes one change atomically, through `lifecycle.transition`, which
writes the event row (the audit trail) in the same transaction.

Views check permissions and the shape of the input; these functions perform the change and enforce
the business rules, so a caller that bypasses the forms is refused too. The errors they raise are
`TransitionError`s: the state machine's, `ConcurrentChange`, and `RuleViolation` (a rule refused the input
given the dossier's state; the `check_*` function of each rule is the one definition, which a form may
call as well to show the message next to its field). A stale `version` (the form was opened before
someone else's change, or posted twice) is a `ConcurrentChange` and changes nothing.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.deadlines import DeadlinePolicy, ProcedureLimit
from motcua.datastore.store import report_result
from motcua.dossiers.constants import Channel, Status
from motcua.dossiers.lifecycle import ConcurrentChange, TransitionError, create_dossier, transition
from motcua.dossiers.models import Dossier, DossierComponent, Handover
from motcua.dossiers.numbering import next_dossier_code
from motcua.lib.filetypes import PDF, FileKind
from motcua.lib.storedfiles import StoredFiles
from motcua.lib.workingtime import LOCAL_TZ, time_limit_amount
from motcua.notify.notices import notify_applicant, recipients
from motcua.office.clock import clock_of
from motcua.office.models import DossierResult, SubmissionToken
from motcua.ratings import links as rating_links
from motcua.units.calendars import CalendarBook

# A receipt form left open longer than a working day is stale: its applicant has long gone home.
TOKEN_LIFETIME = timedelta(hours=12)
# The longest share of time a hand-over may give a unit, in working days (the form offers 0 to this).
MAX_STEP_DAYS = 60


class DuplicateSubmission(ConcurrentChange):
    """The one-time token of a form was already used: the form was posted twice."""


class RuleViolation(TransitionError):
    """A business rule refused the input, given the dossier's state; nothing was changed. `field` names the
    form field the message is about (None: the form as a whole)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_step_days(days) -> Decimal:
    """A hand-over step's share, in working days: a Decimal (or an int) from 0 to MAX_STEP_DAYS.
    Floats are refused (TypeError): the share is converted to working time exactly."""
    if isinstance(days, bool) or not isinstance(days, (Decimal, int)):
        raise TypeError(f"days must be a Decimal or an int, not {type(days).__name__}")
    days = Decimal(days)
    if not days.is_finite() or not 0 <= days <= MAX_STEP_DAYS:
        raise RuleViolation(_("Thời gian xử lý của bước phải từ 0 đến %(max)d ngày làm việc.")
                            % {"max": MAX_STEP_DAYS}, field="days")
    return days


def check_result_text(dossier: Dossier, result_text: str) -> str:
    """The result text, stripped; required when the procedure's result is a written document."""
    text = (result_text or "").strip()
    if not text and dossier.procedure.written_result:
        raise RuleViolation(_("Thủ tục này có kết quả bằng văn bản: vui lòng nhập nội dung kết quả."),
                            field="result_text")
    return text


def check_apology(dossier: Dossier, new_due: datetime, at: datetime) -> None:
    """The apology and new-appointment letter is issued before the effective due time (the due time moved
    by the completed pauses), and the new appointment is after it (rules.md, "Apology")."""
    effective_due = clock_of(dossier, CalendarBook().for_unit(dossier.unit.code), at).effective_due
    if at > effective_due:
        raise RuleViolation(
            _("Văn bản xin lỗi và hẹn lại phải được ban hành trước thời hạn trả kết quả; hồ sơ đã quá hạn."))
    if new_due <= effective_due:
        raise RuleViolation(_("Thời gian hẹn trả mới phải sau thời gian hẹn trả hiện tại."), field="new_due")


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""


@dataclass(frozen=True)
class ComponentInput:
    """One component as received at the desk: a checked upload (its real kind known) and/or paper."""

    name: str
    upload: object | None = None  # a Django UploadedFile whose content was checked by the form
    kind: FileKind | None = None
    paper: bool = False


def _expect_version(dossier: Dossier, version: int | None) -> None:
    if version is not None and dossier.version != version:
        raise ConcurrentChange(
            _("Hồ sơ %(code)s đã thay đổi sau khi bạn mở trang (biểu mẫu đã được gửi hoặc cán bộ khác vừa "
              "thao tác). Không có thay đổi nào được ghi; vui lòng xem lại hồ sơ.") % {"code": dossier.code})


def _consume_token(token: str, user) -> None:
    used = SubmissionToken.objects.filter(
        token=token, user=user, used_at__isnull=True, created_at__gte=timezone.now() - TOKEN_LIFETIME,
    ).update(used_at=timezone.now())
    if used != 1:
        raise DuplicateSubmission(
            _("Biểu mẫu này đã được gửi trước đó hoặc đã hết hiệu lực. Không có hồ sơ nào được tạo thêm; "
              "vui lòng kiểm tra hàng đợi hồ sơ."))


def issue_token(user) -> str:
    """A fresh one-time token for a form that creates a dossier (old ones are purged on the way)."""
    SubmissionToken.objects.filter(created_at__lt=timezone.now() - TOKEN_LIFETIME).delete()
    token = uuid.uuid4().hex
    SubmissionToken.objects.create(token=token, user=user)
    return token


def _release_current_step(dossier: Dossier, at: datetime) -> None:
    Handover.objects.filter(dossier=dossier, released_at__isnull=True).update(released_at=at)


def _save_upload(files: StoredFiles, component: ComponentInput) -> str:
    component.upload.seek(0)
    return files.save("components", component.kind.extension, component.upload)


def do_receive(*, actor, procedure, unit, received_by, applicant: Applicant, components: list[ComponentInput],
               token: str, refusal_reason: str = "", at: datetime | None = None) -> Dossier:
    """Receive a dossier at the desk of `received_by` for `procedure`, decided by `unit` (any unit with
    authority: the desk and the competent unit may differ). With `refusal_reason`, the dossier is
    recorded and refused at once (phiếu từ chối tiếp nhận)."""
    at = at or timezone.now()
    held = [c for c in components if c.upload is not None or c.paper]
    digitized = bool(held) and all(c.upload is not None for c in held)
    files = StoredFiles()  # the files before the transaction that records them (lib/storedfiles.py)
    stored = [_save_upload(files, component) if component.upload is not None else None for component in held]
    with files.recording():
        _consume_token(token, actor)
        due = DeadlinePolicy().due(ProcedureLimit.of(procedure), unit.code, at, online=False)
        # The lifecycle saves the dossier in its first status ("desk": received) with its event.
        dossier = create_dossier(Dossier(
            code=next_dossier_code(received_by.code, at.astimezone(LOCAL_TZ).date()),
            procedure=procedure, unit=unit, received_by=received_by, channel=Channel.IN_PERSON,
            full_online=False, received_at=at, due_at=due, due_given=True,
            fee_vnd=procedure.fee_vnd, digitized=digitized, holder=unit,
            applicant_name=applicant.name, applicant_id_number=applicant.id_number,
            applicant_phone=applicant.phone, applicant_address=applicant.address,
            applicant_email=applicant.email),
            "desk", actor=actor, at=at, data={"received_by": received_by.code, "unit": unit.code}).dossier
        for component, name in zip(held, stored, strict=True):
            row = DossierComponent(dossier=dossier, name=component.name, digitized=component.upload is not None)
            if name is not None:
                row.file.name = name
                row.content_type = component.kind.content_type
            row.save()
        Handover.objects.create(dossier=dossier, unit=unit, received_at=at, due_at=due)
        if refusal_reason:
            _release_current_step(dossier, at)
            transition(dossier, "refuse", actor=actor, note=refusal_reason, at=at)
        else:
            notify_applicant(dossier, "receipt", {}, at)
    return dossier


def do_accept_online(dossier: Dossier, *, actor, version: int | None, at=None) -> Dossier:
    """Receive an online submission (status 1) at the desk: the competent unit starts holding it."""
    at = at or timezone.now()
    _expect_version(dossier, version)
    with transaction.atomic():
        transition(dossier, "receive", actor=actor, at=at, changes={"holder": dossier.unit})
        Handover.objects.create(dossier=dossier, unit=dossier.unit, received_at=at, due_at=dossier.due_at)
        # The applicant who filed online hears of the receipt as one received at the desk does.
        notify_applicant(dossier, "receipt", {}, at)
    return dossier


def _leave_holder(dossier: Dossier, action: str, *, actor, version: int | None, at=None, note: str = "",
                  data: dict | None = None) -> Dossier:
    """An action after which the holding unit's step is over (refuse, withdraw, stop, resolve): the
    transition and the end of the control-sheet row happen together or not at all."""
    at = at or timezone.now()
    _expect_version(dossier, version)
    with transaction.atomic():
        transition(dossier, action, actor=actor, note=note, at=at, data=data)
        _release_current_step(dossier, at)
    return dossier


def do_refuse_at_receipt(dossier: Dossier, *, actor, reason: str, version: int | None, at=None) -> Dossier:
    return _leave_holder(dossier, "refuse", actor=actor, version=version, at=at, note=reason)


def do_withdraw(dossier: Dossier, *, actor, reason: str, version: int | None, at=None) -> Dossier:
    return _leave_holder(dossier, "withdraw", actor=actor, version=version, at=at, note=reason)


def do_assign(dossier: Dossier, *, actor, assignee, version: int | None, note: str = "", at=None) -> Dossier:
    """Assign an officer; a dossier still at "received" starts processing with it (action "start")."""
    _expect_version(dossier, version)
    action = "start" if dossier.status == Status.RECEIVED else "assign"
    transition(dossier, action, actor=actor, note=note, at=at, changes={"assignee": assignee},
               data={"assignee": assignee.get_username()})
    return dossier


def do_hand_over(dossier: Dossier, *, actor, to_unit, days: Decimal | int, version: int | None, note: str = "",
                 at=None) -> Dossier:
    """Hand the dossier over to another unit (liên thông) with `days` working days for its share (0: no
    deadline for the step). The share is exact working time of the receiving unit (1.5 days = 12 h with
    8-hour days), counted from its next working instant."""
    at = at or timezone.now()
    _expect_version(dossier, version)
    days = check_step_days(days)
    calendar = CalendarBook().for_unit(to_unit.code)
    step_due = calendar.add_working_time(calendar.next_working_instant(at),
                                         time_limit_amount(calendar, days, "working_days")) if days else None
    with transaction.atomic():
        transition(dossier, "hand_over", actor=actor, note=note, at=at,
                   changes={"holder": to_unit, "assignee": None},
                   data={"from": dossier.holder.code if dossier.holder else "", "to": to_unit.code,
                         "days": str(days)})  # JSON has no Decimal
        _release_current_step(dossier, at)
        Handover.objects.create(dossier=dossier, unit=to_unit, received_at=at, due_at=step_due, note=note)
    return dossier


def do_request_supplement(dossier: Dossier, *, actor, reason: str, version: int | None, at=None) -> Dossier:
    """Ask the applicant for a supplement (once only; the clock stops until it is completed)."""
    _expect_version(dossier, version)
    with transaction.atomic():
        transition(dossier, "request_supplement", actor=actor, note=reason, at=at)
        notify_applicant(dossier, "supplement", {"reason": reason}, at)
    return dossier


def do_complete_supplement(dossier: Dossier, *, actor, version: int | None, note: str = "",
                           component: ComponentInput | None = None, at=None) -> Dossier:
    at = at or timezone.now()
    _expect_version(dossier, version)
    files = StoredFiles()
    uploaded = component is not None and component.upload is not None
    name = _save_upload(files, component) if uploaded else None
    with files.recording():
        transition(dossier, "complete_supplement", actor=actor, note=note, at=at)
        if uploaded:
            row = DossierComponent(dossier=dossier, name=component.name, digitized=True,
                                   content_type=component.kind.content_type)
            row.file.name = name
            row.save()
    return dossier


def do_request_fees(dossier: Dossier, *, actor, amount_vnd: int, note: str, version: int | None,
                    at=None) -> Dossier:
    _expect_version(dossier, version)
    with transaction.atomic():
        transition(dossier, "request_fees", actor=actor, note=note, at=at, changes={"fee_vnd": amount_vnd},
                   data={"amount_vnd": amount_vnd})
        notify_applicant(dossier, "fees", {"amount_vnd": amount_vnd, "note": note}, at)
    return dossier


def do_fees_paid(dossier: Dossier, *, actor, version: int | None, note: str = "", at=None) -> Dossier:
    _expect_version(dossier, version)
    transition(dossier, "fees_paid", actor=actor, note=note, at=at)
    return dossier


def do_stop(dossier: Dossier, *, actor, reason: str, version: int | None, at=None) -> Dossier:
    return _leave_holder(dossier, "stop", actor=actor, version=version, at=at, note=reason)


def do_resolve(dossier: Dossier, *, actor, result_text: str, version: int | None, at=None) -> Dossier:
    """The holder's officer finishes processing; `result_text` is what the result document will say
    (required when the result is a written document)."""
    _expect_version(dossier, version)
    text = check_result_text(dossier, result_text)
    return _leave_holder(dossier, "resolve", actor=actor, version=version, at=at, data={"result_text": text})


def do_apologize(dossier: Dossier, *, actor, reason: str, new_due: datetime, version: int | None,
                 at=None) -> Dossier:
    """Record the apology and new-appointment letter, issued before the effective due time with a later new
    time (`check_apology`). `due_at` stays: the dossier still counts as late."""
    at = at or timezone.now()
    _expect_version(dossier, version)
    # Read before the transition: a pause completed meanwhile bumps the version, which the transition refuses.
    check_apology(dossier, new_due, at)
    with transaction.atomic():
        transition(dossier, "apologize", actor=actor, note=reason, at=at,
                   data={"new_due_at": new_due.isoformat(), "reason": reason})
        notify_applicant(dossier, "apology", {"new_due": new_due, "reason": reason}, at)
    return dossier


def result_code(dossier: Dossier) -> str:
    return f"KQ-{dossier.code}"


def check_signable(dossier: Dossier, version: int | None) -> None:
    """Refuse early (before the slow rendering and signing) what the signing would refuse anyway."""
    _expect_version(dossier, version)
    if DossierResult.objects.filter(dossier=dossier).exists():
        raise TransitionError(_("Kết quả của hồ sơ %(code)s đã được ký số.") % {"code": dossier.code})


def do_approve_and_sign(dossier: Dossier, *, actor, version: int | None, signed_pdf: bytes, signer_name: str,
                        at=None, signing: dict | None = None) -> DossierResult:
    """The leader approves: store the signed result, give it its result code, queue its copy for the
    holder's personal data store (when the applicant has an identity number; `result_to_data_store` becomes
    true only when the store acknowledges it, interop.md §3). The PDF is rendered and signed before
    (`pdfs.signed_result`), outside the transaction, because signing is slow and touches no table. `signing`
    (`pdfs.signing_method`: unit's certificate, token, or remote service and its transaction) goes into the event."""
    at = at or timezone.now()
    check_signable(dossier, version)
    code = result_code(dossier)
    files = StoredFiles()
    name = files.save("results", PDF.extension, ContentFile(signed_pdf))
    with files.recording():
        transition(dossier, "sign_result", actor=actor, at=at,
                   changes={"e_result_code": code, "e_result_issued_at": at},
                   data={"result_code": code, "signer": signer_name, **(signing or {})})
        result = DossierResult(dossier=dossier, code=code, sha256=hashlib.sha256(signed_pdf).hexdigest(),
                               signer_name=signer_name, signed_by=actor, issued_at=at)
        result.file.name = name
        result.save()
        report_result(result_code=code, dossier_code=dossier.code, procedure=dossier.procedure.code,
                      id_number=dossier.applicant_id_number, issued_at=at, sha256=result.sha256,
                      file_name=name, at=at)
        notify_applicant(dossier, "result", {"result_code": code}, at)
    return result


def do_return(dossier: Dossier, *, actor, version: int | None, note: str = "", at=None) -> Dossier:
    """Return the result to the applicant: the dossier ends (status 10). In the same transaction the
    applicant is invited to rate the service through a one-use link (motcua.ratings.links)."""
    at = at or timezone.now()
    _expect_version(dossier, version)
    if dossier.procedure.written_result and not DossierResult.objects.filter(dossier=dossier).exists():
        raise TransitionError(_("Kết quả chưa được lãnh đạo phê duyệt và ký số, chưa thể trả kết quả."))
    with transaction.atomic():
        transition(dossier, "return_result", actor=actor, note=note, at=at)
        if recipients(dossier):
            link = rating_links.link_url(rating_links.issue_link(dossier, at))
            notify_applicant(dossier, "rating", {"link": link, "link_days": settings.MOTCUA_RATING_LINK_DAYS}, at)
    return dossier

