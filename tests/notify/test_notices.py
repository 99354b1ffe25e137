"""What the applicant is told: one outbox item per channel with an address, keyed so that a retried action
notifies once, its Vietnamese text rendered when the change was made."""

from datetime import datetime

import pytest
from django.db import transaction

from motcua.dossiers.models import Dossier
from motcua.notify.notices import EVENTS, SMS_MAX_CHARS, notify_applicant
from motcua.outbox.models import Item, State
from tests.office.conftest import AT, receive

pytestmark = pytest.mark.django_db
NEW_DUE = datetime.fromisoformat("2025-11-12T16:00:00+07:00")
CONTEXTS = {
    "receipt": {},
    "supplement": {"reason": "Nộp bản chính Giấy chứng sinh."},
    "fees": {"amount_vnd": 1234567},
    "result": {"result_code": "KQ-TEST"},
    "apology": {"new_due": NEW_DUE, "reason": "Chờ xác minh nơi cư trú."},
    "rating": {"link": "https://motcua.example.vn/danh-gia/Abc-123_xyz/", "link_days": 14},
    "supplement_expired": {"requested_at": datetime.fromisoformat("2025-10-06T10:00:00+07:00")},
}


def applicant(world, email="an.nguyen@example.vn", phone="0912345678"):
    """A received dossier with the given addresses and no notification waiting yet."""
    dossier = receive(world)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_email=email, applicant_phone=phone)
    Item.objects.filter(kind__startswith="notify.", group=dossier.code).delete()
    return Dossier.objects.select_related("procedure", "unit", "received_by").get(pk=dossier.pk)


def notify(dossier, event, **context):
    with transaction.atomic():
        return notify_applicant(dossier, event, context or CONTEXTS[event], at=AT)


def test_one_item_per_channel_keyed_by_code_event_version_and_channel(world):
    dossier = applicant(world)
    items = notify(dossier, "receipt")
    assert sorted((i.kind, i.key, i.group, i.state) for i in items) == [
        ("notify.email", f"{dossier.code}:receipt:{dossier.version}:email", dossier.code, State.WAITING),
        ("notify.sms", f"{dossier.code}:receipt:{dossier.version}:sms", dossier.code, State.WAITING)]
    email = next(i for i in items if i.kind == "notify.email").payload
    assert email["to"] == "an.nguyen@example.vn" and email["event"] == "receipt"
    assert email["subject"] == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert "Thời gian hẹn trả kết quả: 09 giờ 00 phút, ngày 06/11/2025" in email["body"]
    assert "Thời gian tiếp nhận: 09 giờ 00 phút, ngày 05/11/2025" in email["body"]
    assert "Thủ tục đăng ký khai sinh" in email["body"] and "Kính gửi Nguyễn Văn An," in email["body"]
    sms = next(i for i in items if i.kind == "notify.sms").payload
    assert sms["to"] == "0912345678" and dossier.code in sms["text"] and "06/11/2025" in sms["text"]


def test_the_same_event_at_the_same_version_notifies_once(world):
    dossier = applicant(world)
    assert len(notify(dossier, "receipt")) == 2
    assert notify(dossier, "receipt") == []  # a retried action
    assert Item.objects.filter(kind__startswith="notify.").count() == 2


def test_only_the_channels_with_an_address(world):
    assert [i.kind for i in notify(applicant(world, email=""), "receipt")] == ["notify.sms"]
    assert [i.kind for i in notify(applicant(world, phone=""), "receipt")] == ["notify.email"]
    assert notify(applicant(world, email="", phone=""), "receipt") == []


@pytest.mark.parametrize("event", list(EVENTS))
def test_each_event_has_a_vietnamese_subject_body_and_short_sms(world, event):
    dossier = applicant(world)
    payloads = {i.kind: i.payload for i in notify(dossier, event)}
    email, sms = payloads["notify.email"], payloads["notify.sms"]
    assert dossier.code in email["subject"] and "\n" not in email["subject"]
    assert email["body"].startswith("Kính gửi Nguyễn Văn An,") and "Bộ phận Một cửa" in email["body"]
    assert "{{" not in email["body"] and "&#" not in email["body"] and "&amp;" not in email["body"]
    assert dossier.code in sms["text"] and len(sms["text"]) <= SMS_MAX_CHARS and "\n" not in sms["text"]


def test_what_each_event_says(world):
    dossier = applicant(world)
    said = {event: {i.kind: i.payload for i in notify(dossier, event)} for event in EVENTS}
    assert "Nộp bản chính Giấy chứng sinh." in said["supplement"]["notify.email"]["body"]
    assert "Nộp bản chính Giấy chứng sinh." in said["supplement"]["notify.sms"]["text"]
    assert "Số tiền: 1.234.567 đồng" in said["fees"]["notify.email"]["body"]
    assert "1.234.567 đồng" in said["fees"]["notify.sms"]["text"]
    assert "kết quả đã sẵn sàng" in said["result"]["notify.email"]["body"]
    assert "Mã kết quả: KQ-TEST" in said["result"]["notify.email"]["body"]
    assert "đã có kết quả" in said["result"]["notify.sms"]["text"]
    apology = said["apology"]["notify.email"]["body"]
    assert "xin lỗi" in apology and "Thời gian hẹn trả kết quả mới: 16 giờ 00 phút, ngày 12/11/2025." in apology
    assert "Lý do: Chờ xác minh nơi cư trú." in apology
    assert "16 giờ 00 phút, ngày 12/11/2025" in said["apology"]["notify.sms"]["text"]


def test_a_long_reason_keeps_the_sms_within_one_text(world):
    dossier = applicant(world)
    reason = "Bổ sung bản sao có chứng thực của giấy tờ tùy thân và giấy xác nhận nơi cư trú. " * 20
    payloads = {i.kind: i.payload for i in notify(dossier, "supplement", reason=reason)}
    assert len(payloads["notify.sms"]["text"]) <= SMS_MAX_CHARS
    assert reason.strip() in payloads["notify.email"]["body"]  # the e-mail says it all


def test_names_are_written_as_they_are_not_html_escaped(world):
    dossier = applicant(world)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name="O'Neil & <Lê>")
    dossier.refresh_from_db()
    body = notify(dossier, "receipt")[0].payload["body"]
    assert "Kính gửi O'Neil & <Lê>," in body


def test_the_context_an_event_needs_is_required(world):
    dossier = applicant(world)
    with pytest.raises(ValueError, match="amount_vnd"), transaction.atomic():
        notify_applicant(dossier, "fees", {}, at=AT)
    with pytest.raises(ValueError, match="unknown"), transaction.atomic():
        notify_applicant(dossier, "birthday", {}, at=AT)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_refuses(world):
    dossier = applicant(world)
    with pytest.raises(RuntimeError, match="inside the transaction"):
        notify_applicant(dossier, "receipt", {}, at=AT)
    assert not Item.objects.filter(kind__startswith="notify.").exists()
