"""The steps of the back office and the portal: filing rules, the signed answer, telling the submitter,
publication without personal data, and indicators 4.1 and 4.2 following each step live."""

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.feedback.constants import About, Status
from motcua.feedback.lifecycle import TransitionError
from motcua.feedback.models import Feedback
from motcua.indicators import service
from motcua.office import feedback_actions as fa
from motcua.outbox.models import Item
from tests.feedback.conftest import AT, file_item

LATER = AT + timedelta(days=2)


@pytest.mark.parametrize(("name", "phone", "email", "message"), [
    ("", "0912345678", "", "họ và tên"),
    ("Nguyễn Văn An", "", "", "số điện thoại hoặc thư điện tử"),
    ("Nguyễn Văn An", "12345", "", "Số điện thoại không hợp lệ"),
])
def test_an_anonymous_filing_needs_a_name_and_a_way_to_answer(world, name, phone, email, message):
    with pytest.raises(fa.FeedbackRefused, match=message):
        file_item(world, name=name, phone=phone, email=email)
    assert not Feedback.objects.exists()


def test_contact_by_email_alone_is_enough(world):
    assert file_item(world, phone="", email="an@example.vn").submitter_email == "an@example.vn"


def test_a_conduct_complaint_names_the_officer(world):
    with pytest.raises(fa.FeedbackRefused, match="cán bộ hoặc bộ phận"):
        fa.do_file(fa.Submission(unit=world.commune_a, about=About.CONDUCT, subject="", content="Hách dịch",
                                 name="An", phone="0912345678"), channel="portal")
    item = file_item(world, about=About.CONDUCT)
    assert item.officer == "Trần Văn Xử" and item.procedure is None


def _pyhanko_status(content: bytes, root_path):
    root = load_cert_from_pemder(str(root_path))
    signature = PdfFileReader(BytesIO(content), strict=False).embedded_signatures[0]
    context = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
    return validate_pdf_signature(signature, signer_validation_context=context)


def test_the_answer_is_signed_with_the_units_certificate_and_the_submitter_told(world, item, pki):
    _directory, root = pki
    text = "Hồ sơ khai sinh của Ông đã được giải quyết ngày 06/11/2025; xin lỗi Ông vì sự chậm trễ."
    signed, signer = fa.signed_answer(item, text, LATER, world.leader_a.membership.full_name)
    fa.do_answer(item, actor=world.leader_a, text=text, signed_pdf=signed, signer_name=signer,
                 version=item.version, at=LATER)
    fresh = Feedback.objects.get(pk=item.pk)
    assert (fresh.status, fresh.answered_at, fresh.answer_signer) == (Status.ANSWERED, LATER,
                                                                      "UBND phường Phan Đình Phùng")
    stored = default_storage.open(fresh.answer_file.name).read()
    assert stored == signed and len(fresh.answer_sha256) == 64
    status = _pyhanko_status(stored, root)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == "UBND phường Phan Đình Phùng"
    sent = {i.payload["channel"]: i.payload for i in Item.objects.filter(group=item.code)}
    assert sent["email"]["to"] == "an@example.vn" and sent["sms"]["to"] == "0912345678"
    assert item.code in sent["email"]["subject"] and "sự chậm trễ" in sent["email"]["body"]


def test_a_failed_answer_leaves_no_file(world, item, pki):
    signed, signer = fa.signed_answer(item, "Nội dung trả lời đầy đủ cho Ông.", LATER, "Lê Văn Lãnh")
    with pytest.raises(TransitionError):
        fa.do_answer(item, actor=world.leader_a, text="Nội dung trả lời đầy đủ cho Ông.", signed_pdf=signed,
                     signer_name=signer, version=item.version + 1)
    with pytest.raises(fa.FeedbackRefused):
        fa.do_answer(item, actor=world.leader_a, text="Ngắn", signed_pdf=signed, signer_name=signer,
                     version=item.version)
    assert Feedback.objects.get(pk=item.pk).answer_file == ""
    assert not Item.objects.exists()


def test_a_refusal_tells_the_submitter_and_a_rolled_back_one_tells_nobody(world, item):
    fa.do_refuse(item, actor=world.processor_a, reason="Nội dung không thuộc phạm vi tiếp nhận.",
                 version=item.version, at=LATER)
    texts = [i.payload for i in Item.objects.filter(group=item.code)]
    assert len(texts) == 2 and all("không thuộc phạm vi" in (p.get("body") or p["text"]) for p in texts)
    with pytest.raises(TransitionError):
        fa.do_refuse(item, actor=world.processor_a, reason="Lần nữa", version=item.version)
    assert Item.objects.filter(group=item.code).count() == 2


def test_an_item_without_addresses_notifies_nobody(world, item):
    Feedback.objects.filter(pk=item.pk).update(submitter_phone="", submitter_email="")
    item.refresh_from_db()
    fa.do_request_info(item, actor=world.processor_a, note="Cho biết mã hồ sơ.", version=item.version)
    assert not Item.objects.exists() and item.status == Status.INFO_REQUESTED


def test_publication_hides_personal_data_even_when_the_officer_leaves_it(world, item):
    Feedback.objects.filter(pk=item.pk).update(status=Status.ANSWERED, answered_at=LATER,
                                               answer_text="Đã liên hệ ông Nguyễn Văn An qua số 0912345678.")
    item.refresh_from_db()
    draft = fa.publication_draft(item)
    assert "0912345678" not in draft and "Nguyễn Văn An" not in draft and "N.V.A." in draft
    fa.do_publish(item, actor=world.processor_a, text="Ông Nguyễn Văn An (an@example.vn) đã được trả lời.",
                  version=item.version)
    assert Feedback.objects.get(pk=item.pk).published_text == "Ông N.V.A. ([thư điện tử đã ẩn]) đã được trả lời."


def test_a_transfer_keeps_the_first_receipt(world, item):
    fa.do_transfer(item, actor=world.processor_a, unit=world.commune_b, note="Thuộc thẩm quyền phường Linh Sơn",
                   version=item.version)
    fresh = Feedback.objects.get(pk=item.pk)
    assert (fresh.unit, fresh.received_at, fresh.status) == (world.commune_b, AT, Status.RECEIVED)
    assert fresh.events.last().data == {"from": "05443", "to": "05710"}


def _indicator(unit, ident, now):
    numbers = service.index_json(date(2025, 11, 1), date(2025, 11, 30), unit_code=unit, now=now)
    found = next(i for i in numbers["units"][0]["indicators"] if i["id"] == ident)
    return found["numerator"], found["denominator"]


def test_indicators_4_1_and_4_2_follow_each_step_live(world, pki):
    now = datetime.fromisoformat("2025-12-10T09:00:00+07:00")  # past the 15 working days of the late one
    assert _indicator("05443", "4.1", now) == (0, 0)
    on_time, late = file_item(world), file_item(world)
    assert _indicator("05443", "4.1", now) == (0, 2)  # both overdue, unanswered
    text = "Hồ sơ đã được giải quyết; xin lỗi Ông vì sự chậm trễ."
    signed, signer = fa.signed_answer(on_time, text, LATER, "Lê Văn Lãnh")
    fa.do_answer(on_time, actor=world.leader_a, text=text, signed_pdf=signed, signer_name=signer,
                 version=on_time.version, at=LATER)
    assert _indicator("05443", "4.1", now) == (1, 2)
    assert _indicator("05443", "4.2", now) == (1, 2)
    fa.do_rate(on_time, user=world.citizen, rating="unsatisfied", version=on_time.version)
    assert _indicator("05443", "4.2", now) == (0, 2)
    fa.do_rate(on_time, user=world.citizen, rating="satisfied", version=on_time.version)
    assert _indicator("05443", "4.2", now) == (1, 2)
    again = fa.do_raise_again(on_time, fa.Submission(
        unit=on_time.unit, about=About.PROCEDURE, subject="", content="Chưa thỏa đáng", procedure=world.birth,
        name="Nguyễn Văn An", phone="0912345678"), at=AT + timedelta(days=3))
    assert again.previous_id == on_time.pk
    # The first item is raised again (no longer counted in 4.2's numerator); the new one counts in both
    # populations, late at 10/12 (received Saturday 8/11, its 15th working day is 28/11).
    assert _indicator("05443", "4.2", now) == (0, 3)
    assert _indicator("05443", "4.1", now) == (1, 3)
    fa.do_transfer(late, actor=world.processor_a, unit=world.commune_b, note="Thẩm quyền của phường Linh Sơn",
                   version=late.version)
    assert _indicator("05443", "4.1", now) == (1, 2)
    assert _indicator("05710", "4.1", now) == (0, 1)
    # The live engine and the reference engine read the same record.
    assert service.index_json(date(2025, 11, 1), date(2025, 11, 30), now=now) == service.index_json(
        date(2025, 11, 1), date(2025, 11, 30), now=now, from_scratch=True)
