"""Every change to a feedback item from the back office and the portal, each atomic, each through the
record layer's lifecycle (`motcua.feedback.lifecycle`). The answer is a Vietnamese letter rendered and
signed (PAdES) with the handling unit's certificate before the transaction, as a dossier's result is;
the submitter is told of the answer, a refusal and a request for information by e-mail and SMS through
the outbox, in the step's own transaction, when he left an address.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.constants import Rating
from motcua.feedback import lifecycle
from motcua.feedback.constants import About, Channel
from motcua.feedback.lifecycle import ConcurrentChange, TransitionError
from motcua.feedback.masking import mask_personal_data
from motcua.feedback.models import Feedback
from motcua.lib.storedfiles import StoredFiles
from motcua.lib.vnformat import long_moment, padded_date
from motcua.lib.workingtime import LOCAL_TZ
from motcua.notify.notices import KINDS, SMS_MAX_CHARS
from motcua.outbox.queue import enqueue
from motcua.results.documents import render_official_document

logger = logging.getLogger(__name__)
PHONE = re.compile(r"^(?:\+84|0)\d{9,10}$")


class FeedbackRefused(TransitionError):
    """What the submitter or officer gave cannot be accepted (a sentence in Vietnamese); nothing was written."""


def _expect_version(item: Feedback, version: int | None) -> None:
    if version is not None and item.version != version:
        raise ConcurrentChange(
            _("Phản ánh %(code)s đã thay đổi sau khi bạn mở trang (biểu mẫu đã được gửi hoặc người khác vừa "
              "thao tác). Không có thay đổi nào được ghi; vui lòng xem lại.") % {"code": item.code})


# -- filing -------------------------------------------------------------------------------------------


@dataclass
class Submission:
    """What a submitter files: the subject, the routing and who he is."""

    unit: object
    about: str
    subject: str
    content: str
    procedure: object = None
    dossier: object = None
    officer: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    user: object = None  # the signed-in citizen, None when anonymous or filed at a desk


def check_submission(s: Submission) -> None:
    """The rules of a filing, before anything is written: a name and a way to answer (phone or e-mail);
    the subject it is about; a dossier only the signed-in citizen's own (the caller passes only those)."""
    phone = re.sub(r"[\s.-]", "", s.phone or "")
    if not (s.name or "").strip():
        raise FeedbackRefused(_("Vui lòng cho biết họ và tên người phản ánh."))
    if not phone and not (s.email or "").strip():
        raise FeedbackRefused(_("Vui lòng cho biết số điện thoại hoặc thư điện tử để nhận kết quả trả lời."))
    if phone and not PHONE.match(phone):
        raise FeedbackRefused(_("Số điện thoại không hợp lệ."))
    if not (s.content or "").strip():
        raise FeedbackRefused(_("Vui lòng ghi nội dung phản ánh, kiến nghị."))
    if s.about == About.PROCEDURE and s.procedure is None:
        raise FeedbackRefused(_("Vui lòng chọn thủ tục hành chính được phản ánh."))
    if s.about == About.DOSSIER and s.dossier is None:
        raise FeedbackRefused(_("Vui lòng chọn hồ sơ được phản ánh."))
    if s.about == About.CONDUCT and not (s.officer or "").strip():
        raise FeedbackRefused(_("Vui lòng cho biết cán bộ hoặc bộ phận bị phản ánh."))
    if s.about not in About.values:
        raise FeedbackRefused(_("Vui lòng chọn nội dung phản ánh về."))


def _new_item(s: Submission, channel: str) -> Feedback:
    return Feedback(
        unit=s.unit, channel=channel, about=s.about, subject=(s.subject or "").strip()[:500],
        content=s.content.strip(), procedure=s.procedure or (s.dossier.procedure if s.dossier else None),
        dossier=s.dossier, officer=(s.officer or "").strip()[:255], submitter_name=s.name.strip()[:255],
        submitter_phone=re.sub(r"[\s.-]", "", s.phone or ""), submitter_email=(s.email or "").strip(),
        submitted_by=s.user)


def do_file(s: Submission, *, channel: str, actor=None, at=None) -> Feedback:
    """File a new item: from the portal (`actor` None; `s.user` the citizen or None) or at a desk on the
    submitter's behalf (`actor` the officer). Received at once, in the competent unit `s.unit`."""
    check_submission(s)
    if channel not in (Channel.PORTAL, Channel.DESK):
        raise ValueError(channel)
    label = "" if actor else (s.name if s.user is None else str(s.user))
    return lifecycle.receive(_new_item(s, channel), actor=actor or s.user, actor_label=label, at=at).feedback


def do_raise_again(item: Feedback, s: Submission, *, actor=None, version: int | None = None, at=None) -> Feedback:
    """The submitter is not satisfied: a new item, to the same unit, linked to `item`, which is marked raised
    again (indicator 4.2)."""
    _expect_version(item, version)
    check_submission(s)
    channel = Channel.DESK if actor is not None else Channel.PORTAL
    return lifecycle.raise_again(item, _new_item(s, channel), actor=actor or s.user,
                                 actor_label="" if actor else str(s.user or s.name), at=at).feedback


# -- handling -----------------------------------------------------------------------------------------


def do_assign(item: Feedback, *, actor, assignee, version: int | None, at=None) -> Feedback:
    _expect_version(item, version)
    lifecycle.transition(item, "assign", actor=actor, at=at, changes={"assignee": assignee},
                         data={"assignee": assignee.get_username()})
    return item


def do_request_info(item: Feedback, *, actor, note: str, version: int | None, at=None) -> Feedback:
    _expect_version(item, version)
    at = at or timezone.now()
    if not note.strip():
        raise FeedbackRefused(_("Vui lòng ghi rõ thông tin cần bổ sung."))
    with transaction.atomic():
        lifecycle.transition(item, "request_info", actor=actor, note=note, at=at)
        notify_submitter(item, INFO, at, note=note)
    return item


def do_add_info(item: Feedback, *, actor=None, note: str, version: int | None, actor_label: str = "",
                at=None) -> Feedback:
    """The submitter's information (through the portal, or told to an officer): the item is handled again."""
    _expect_version(item, version)
    if not note.strip():
        raise FeedbackRefused(_("Vui lòng ghi nội dung thông tin bổ sung."))
    at = at or timezone.now()
    day = padded_date(at.astimezone(LOCAL_TZ).date())
    content = _("%(content)s\n\n[Bổ sung ngày %(day)s] %(note)s") % {
        "content": item.content, "day": day, "note": note.strip()}
    lifecycle.transition(item, "add_info", actor=actor, actor_label=actor_label, note=note, at=at,
                         changes={"content": content})
    return item


def do_refuse(item: Feedback, *, actor, reason: str, version: int | None, at=None) -> Feedback:
    _expect_version(item, version)
    at = at or timezone.now()
    if not reason.strip():
        raise FeedbackRefused(_("Vui lòng ghi lý do từ chối xử lý phản ánh."))
    with transaction.atomic():
        lifecycle.transition(item, "refuse", actor=actor, note=reason, at=at,
                             changes={"refusal_reason": reason.strip()})
        notify_submitter(item, REFUSED, at, note=reason)
    return item


def do_transfer(item: Feedback, *, actor, unit, note: str, version: int | None, at=None) -> Feedback:
    """Hand the item to the competent unit; its deadlines keep counting from the first receipt."""
    _expect_version(item, version)
    if unit.pk == item.unit_id:
        raise FeedbackRefused(_("Phản ánh đang do chính đơn vị này xử lý."))
    if not note.strip():
        raise FeedbackRefused(_("Vui lòng ghi lý do chuyển đơn vị có thẩm quyền."))
    lifecycle.transition(item, "transfer", actor=actor, note=note, at=at,
                         changes={"unit": unit, "assignee": None},
                         data={"from": item.unit.code, "to": unit.code})
    return item


def answer_letter(item: Feedback, text: str, at: datetime, approver: str | None) -> bytes:
    """The answer, as the unit issues it (before signing)."""
    about = {About.PROCEDURE: _("thủ tục %(name)s") % {"name": item.procedure.name} if item.procedure else "",
             About.DOSSIER: _("hồ sơ %(code)s") % {"code": item.dossier.code} if item.dossier else "",
             About.CONDUCT: _("cán bộ, bộ phận: %(who)s") % {"who": item.officer}}.get(item.about, "")
    paragraphs = [
        _("Kính gửi: %(name)s.") % {"name": item.submitter_name or _("Ông/Bà")},
        _("Ngày %(day)s, %(unit)s tiếp nhận phản ánh, kiến nghị mã %(code)s của Ông/Bà%(about)s với nội dung "
          "tóm tắt: %(subject)s") % {
            "day": padded_date(item.received_at.astimezone(LOCAL_TZ).date()), "unit": item.unit.name,
            "code": item.code, "about": f" về {about}" if about else "",
            "subject": (item.subject or item.content[:300]).strip()},
        _("Sau khi xem xét, %(unit)s trả lời như sau:") % {"unit": item.unit.name},
        *[line for line in text.splitlines() if line.strip()],
        _("Nếu chưa đồng ý với nội dung trả lời, Ông/Bà có thể phản ánh lại trên Cổng dịch vụ công của tỉnh "
          "hoặc tại Bộ phận Một cửa, ghi rõ mã phản ánh %(code)s.") % {"code": item.code},
    ]
    return render_official_document(
        _("VĂN BẢN TRẢ LỜI PHẢN ÁNH, KIẾN NGHỊ"), item.unit.name, f"{item.code}/TLPA",
        at.astimezone(LOCAL_TZ).date(), paragraphs, qr_text=item.code, qr_caption=f"Mã phản ánh {item.code}",
        signer_title=_("Thủ trưởng cơ quan"), signer_name=approver)


def signed_answer(item: Feedback, text: str, at: datetime, approver: str | None) -> tuple[bytes, str]:
    """The answer letter signed (PAdES) with the handling unit's certificate: (bytes, signer name), by the
    back office's one signing edge (`pdfs.sign_for_unit`: the certificate checked as for a dossier's result;
    each failure raises `pdfs.SigningUnavailable` with a sentence for the leader, and nothing is written)."""
    from motcua.office import pdfs  # pyHanko is loaded only by the signing step

    return pdfs.sign_for_unit(item.unit, lambda: answer_letter(item, text, at, approver),
                              reason=f"Trả lời phản ánh, kiến nghị {item.code}",
                              failed=f"Không ký số được văn bản trả lời phản ánh {item.code}", changed="Phản ánh")


def check_answerable(item: Feedback, text: str, version: int | None) -> None:
    _expect_version(item, version)
    if len(text.strip()) < 20:
        raise FeedbackRefused(_("Nội dung trả lời quá ngắn (ít nhất 20 ký tự)."))
    if (item.current_status, "answer") not in lifecycle.TRANSITIONS:
        raise TransitionError(_("Phản ánh %(code)s không ở trạng thái có thể trả lời.") % {"code": item.code})


def do_answer(item: Feedback, *, actor, text: str, signed_pdf: bytes, signer_name: str, version: int | None,
              at=None) -> Feedback:
    """Store the signed answer (ready for publication) and tell the submitter. The PDF is signed before
    (`signed_answer`), outside the transaction, because signing is slow and touches no table."""
    check_answerable(item, text, version)
    at = at or timezone.now()
    files = StoredFiles()  # the file before the transaction that records it (lib/storedfiles.py)
    name = files.save("feedback", "pdf", ContentFile(signed_pdf), day=at.astimezone(LOCAL_TZ).date())
    with files.recording():
        digest = hashlib.sha256(signed_pdf).hexdigest()
        lifecycle.transition(item, "answer", actor=actor, at=at, changes={
            "answer_text": text.strip(), "answer_file": name, "answer_sha256": digest,
            "answer_signer": signer_name}, data={"sha256": digest, "signer": signer_name})
        notify_submitter(item, ANSWERED, at)
    return item


def publication_draft(item: Feedback) -> str:
    """The text proposed for publication: the question and the answer, personal data hidden."""
    names = [item.submitter_name, item.officer]
    if item.submitted_by is not None and hasattr(item.submitted_by, "citizen"):
        names.append(item.submitted_by.citizen.full_name)
    text = _("Nội dung phản ánh: %(content)s\n\nTrả lời của %(unit)s: %(answer)s") % {
        "content": item.content.strip(), "unit": item.unit.name, "answer": item.answer_text.strip()}
    return mask_personal_data(text, names)


def do_publish(item: Feedback, *, actor, text: str, version: int | None, at=None) -> Feedback:
    """Publish the answer; the text is masked again, whatever the officer edited."""
    _expect_version(item, version)
    names = [item.submitter_name, item.officer]
    masked = mask_personal_data(text.strip() or publication_draft(item), names)
    lifecycle.transition(item, "publish", actor=actor, at=at, changes={"published_text": masked})
    return item


def do_rate(item: Feedback, *, user, rating: str, version: int | None, at=None) -> Feedback:
    _expect_version(item, version)
    if rating not in (Rating.SATISFIED, Rating.UNSATISFIED):
        raise FeedbackRefused(_("Vui lòng chọn Hài lòng hoặc Không hài lòng."))
    at = at or timezone.now()
    lifecycle.transition(item, "rate", actor=user, at=at, changes={"rating": rating, "rated_at": at},
                         data={"rating": rating})
    return item


# -- telling the submitter ----------------------------------------------------------------------------

INFO, ANSWERED, REFUSED = "feedback_info", "feedback_answered", "feedback_refused"
SUBJECTS = {
    INFO: "Đề nghị bổ sung thông tin phản ánh {code}",
    ANSWERED: "Đã có văn bản trả lời phản ánh {code}",
    REFUSED: "Phản ánh {code} không được xử lý",
}


def _texts(item: Feedback, event: str, note: str) -> tuple[str, str, str]:
    """(subject, e-mail body, SMS text) in Vietnamese."""
    name = item.submitter_name or "Ông/Bà"
    where = f"{settings.MOTCUA_SITE_URL}/dich-vu-cong/phan-anh/cua-toi/"
    if event == ANSWERED:
        lead = (f"{item.unit.name} đã trả lời phản ánh, kiến nghị mã {item.code} của Ông/Bà bằng văn bản ký số "
                f"lúc {long_moment(item.answered_at)}.")
        detail = f"Nội dung trả lời:\n{item.answer_text}\n\nXem và đánh giá kết quả trả lời tại: {where}"
        sms = f"{item.unit.name} đã trả lời phản ánh {item.code}. Mời Ông/Bà xem và đánh giá tại {where}"
    elif event == REFUSED:
        lead = f"{item.unit.name} không xử lý phản ánh, kiến nghị mã {item.code} của Ông/Bà."
        detail = f"Lý do: {note.strip()}"
        sms = f"Phản ánh {item.code} không được xử lý. Lý do: {note.strip()}"
    else:
        lead = f"{item.unit.name} đề nghị Ông/Bà bổ sung thông tin cho phản ánh, kiến nghị mã {item.code}."
        detail = f"Thông tin cần bổ sung: {note.strip()}\n\nÔng/Bà bổ sung tại: {where}"
        sms = f"Đề nghị bổ sung thông tin phản ánh {item.code}: {note.strip()}"
    body = (f"Kính gửi {name},\n\n{lead}\n\n{detail}\n\nTrân trọng,\n{item.unit.name}\n\n"
            "Đây là thư gửi tự động từ hệ thống một cửa; vui lòng không trả lời thư này.\n")
    if len(sms) > SMS_MAX_CHARS:
        sms = sms[:SMS_MAX_CHARS - 1].rstrip() + "…"
    return SUBJECTS[event].format(code=item.code), body, sms


def notify_submitter(item: Feedback, event: str, at: datetime, note: str = "") -> list:
    """Enqueue the e-mail and SMS of `event` to the submitter's addresses, inside the step's transaction
    (a rolled-back step tells nobody). The key `{code}:{event}:{version}:{channel}` sends each once."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify_submitter must be called inside the transaction of the change it reports")
    email = (item.submitter_email or "").strip()
    phone = (item.submitter_phone or "").strip()
    if item.submitted_by is not None and hasattr(item.submitted_by, "citizen"):
        email = email or (item.submitted_by.citizen.email or "")
        phone = phone or (item.submitted_by.citizen.phone or "")
    subject, body, sms = _texts(item, event, note)
    created = []
    for channel, address, payload in (("email", email, {"subject": subject, "body": body}),
                                      ("sms", phone, {"text": sms})):
        if not address:
            continue
        new = enqueue(KINDS[channel], f"{item.code}:{event}:{item.version}:{channel}",
                      {"feedback": item.code, "event": event, "channel": channel, "to": address, **payload},
                      group=item.code, at=at)
        if new is not None:
            created.append(new)
    return created
