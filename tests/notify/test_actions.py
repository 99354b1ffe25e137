"""Each of the five office actions tells the applicant, in the transaction of the change: receipt, supplement
request, fee request, result ready (signed), apology. Other actions, a refusal at receipt and a rolled-back
action tell nobody."""

from datetime import datetime, timedelta

import pytest

from motcua.dossiers.lifecycle import TransitionError
from motcua.dossiers.models import Dossier
from motcua.lib.filetypes import PDF
from motcua.office import actions
from motcua.outbox.models import Item
from tests.office.conftest import AT, MINIMAL_PDF, pdf_upload

pytestmark = pytest.mark.django_db
EMAIL = "an.nguyen@example.vn"


def receive(world, email=EMAIL, phone="0912345678", refusal_reason=""):
    desk = world.desk_a
    components = [actions.ComponentInput(c.name, upload=pdf_upload(), kind=PDF)
                  for c in world.birth.components.order_by("position")]
    return actions.do_receive(
        actor=desk, procedure=world.birth, unit=world.commune_a, received_by=world.commune_a,
        applicant=actions.Applicant("Nguyễn Văn An", "019090001234", phone, "Tổ 5", email=email),
        components=components, token=actions.issue_token(desk), refusal_reason=refusal_reason, at=AT)


def notices(dossier, event=None):
    items = Item.objects.filter(kind__startswith="notify.", group=dossier.code).order_by("id")
    rows = [(i.payload["event"], i.kind, i.key) for i in items]
    return [row for row in rows if event is None or row[0] == event]


def fresh(dossier):
    return Dossier.objects.select_related("procedure", "unit", "received_by").get(pk=dossier.pk)


def processing(world, dossier):
    actions.do_assign(dossier, actor=world.leader_a, assignee=world.processor_a, version=dossier.version,
                      at=AT + timedelta(minutes=5))
    return fresh(dossier)


def test_receipt_tells_the_applicant_by_email_and_sms_with_the_code(world):
    dossier = receive(world)
    assert dossier.applicant_email == EMAIL and fresh(dossier).applicant_email == EMAIL
    assert notices(dossier) == [
        ("receipt", "notify.email", f"{dossier.code}:receipt:{dossier.version}:email"),
        ("receipt", "notify.sms", f"{dossier.code}:receipt:{dossier.version}:sms")]
    item = Item.objects.get(kind="notify.email", group=dossier.code)
    assert item.payload["to"] == EMAIL and item.created_at == AT
    assert "Hẹn trả kết quả" in Item.objects.get(kind="notify.sms", group=dossier.code).payload["text"]


def test_a_dossier_refused_at_receipt_gets_no_receipt_notice(world):
    dossier = receive(world, refusal_reason="Tờ khai không có chữ ký.")
    assert notices(dossier) == []


def test_supplement_request_says_what_is_asked(world):
    dossier = receive(world)
    actions.do_request_supplement(dossier, actor=world.processor_a, reason="Nộp bản chính Giấy chứng sinh.",
                                  version=dossier.version, at=AT + timedelta(hours=1))
    assert [row[1] for row in notices(dossier, "supplement")] == ["notify.email", "notify.sms"]
    email = Item.objects.get(kind="notify.email", key__contains=":supplement:")
    assert "Nộp bản chính Giấy chứng sinh." in email.payload["body"]
    assert email.key == f"{dossier.code}:supplement:{fresh(dossier).version}:email"


def test_fee_request_gives_the_amount_in_dong(world):
    dossier = processing(world, receive(world))
    actions.do_request_fees(dossier, actor=world.processor_a, amount_vnd=1234567, note="Lệ phí",
                            version=dossier.version, at=AT + timedelta(hours=1))
    sms = Item.objects.get(kind="notify.sms", key__contains=":fees:")
    assert "1.234.567 đồng" in sms.payload["text"]
    assert "Số tiền: 1.234.567 đồng" in Item.objects.get(kind="notify.email", key__contains=":fees:").payload["body"]


def test_apology_gives_the_new_date(world):
    dossier = processing(world, receive(world))
    new_due = datetime.fromisoformat("2025-11-12T16:00:00+07:00")
    actions.do_apologize(dossier, actor=world.processor_a, reason="Chờ xác minh nơi cư trú.", new_due=new_due,
                         version=dossier.version, at=AT + timedelta(hours=2))
    email = Item.objects.get(kind="notify.email", key__contains=":apology:").payload["body"]
    assert "16 giờ 00 phút, ngày 12/11/2025" in email and "Chờ xác minh nơi cư trú." in email
    assert "12/11/2025" in Item.objects.get(kind="notify.sms", key__contains=":apology:").payload["text"]


def test_signing_the_result_tells_the_applicant_it_is_ready(world):
    dossier = processing(world, receive(world))
    actions.do_resolve(dossier, actor=world.processor_a, result_text="Cấp Giấy khai sinh.", version=dossier.version,
                       at=AT + timedelta(hours=3))
    dossier = fresh(dossier)
    assert notices(dossier, "result") == []  # resolved, not yet signed: nothing to collect
    actions.do_approve_and_sign(dossier, actor=world.leader_a, version=dossier.version, signed_pdf=MINIMAL_PDF,
                                signer_name="UBND phường Phan Đình Phùng", at=AT + timedelta(hours=4))
    assert [row[1] for row in notices(dossier, "result")] == ["notify.email", "notify.sms"]
    email = Item.objects.get(kind="notify.email", key__contains=":result:").payload
    assert "đã có kết quả" in email["subject"] and f"Mã kết quả: KQ-{dossier.code}" in email["body"]


def test_the_other_actions_tell_nobody(world):
    dossier = processing(world, receive(world))
    actions.do_hand_over(dossier, actor=world.processor_a, to_unit=world.commune_b, days=1, version=dossier.version,
                         at=AT + timedelta(hours=1))
    assert {row[0] for row in notices(dossier)} == {"receipt"}


def test_a_refused_action_tells_nobody(world):
    dossier = receive(world)
    actions.do_request_supplement(dossier, actor=world.processor_a, reason="Bổ sung", version=dossier.version,
                                  at=AT + timedelta(hours=1))
    actions.do_complete_supplement(dossier, actor=world.desk_a, version=dossier.version, at=AT + timedelta(hours=2))
    dossier = fresh(dossier)
    before = notices(dossier)
    with pytest.raises(TransitionError, match="một lần"):  # refused inside the transaction: nothing is sent
        actions.do_request_supplement(dossier, actor=world.processor_a, reason="Lần hai", version=dossier.version,
                                      at=AT + timedelta(hours=3))
    assert notices(dossier) == before


def test_without_an_email_only_the_sms(world):
    dossier = receive(world, email="")
    assert [row[1] for row in notices(dossier)] == ["notify.sms"]
