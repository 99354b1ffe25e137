"""E-mail through a real SMTP server (aiosmtpd on a local port): delivered and read back in Vietnamese, a
refused mailbox listed with the server's reason, a server down for a while delivered to after retries."""

from datetime import timedelta

import pytest
from django.db import transaction

from motcua.dossiers.models import Dossier
from motcua.notify.email import message_id
from motcua.notify.failures import failed_notifications
from motcua.notify.notices import notify_applicant
from motcua.outbox.models import Item, State
from motcua.outbox.worker import Worker
from tests.notify.conftest import START
from tests.office.conftest import AT, receive

pytestmark = pytest.mark.django_db


def received(world, email="an.nguyen@example.vn"):
    dossier = receive(world)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_email=email, applicant_phone="")
    Item.objects.filter(kind__startswith="notify.", group=dossier.code).delete()
    dossier = Dossier.objects.select_related("procedure", "unit", "received_by").get(pk=dossier.pk)
    with transaction.atomic():
        notify_applicant(dossier, "receipt", at=AT)
    return dossier


def worker(clock):
    return Worker(kinds=["notify.email"], clock=clock, sleep=clock.sleep)


def test_the_worker_delivers_and_the_message_reads_back_in_vietnamese(world, smtp, clock):
    dossier = received(world)
    result = worker(clock).run(until_idle=True)
    assert (result.sent, result.acknowledged) == (1, 1)
    item = Item.objects.get(kind="notify.email")
    assert item.state == State.ACKNOWLEDGED and item.acknowledged_at == START
    [(mail_from, rcpt_tos)] = smtp.mailbox.envelopes
    assert mail_from == "motcua@example.vn" and rcpt_tos == ["an.nguyen@example.vn"]
    [message] = smtp.mailbox.messages
    assert message["To"] == "an.nguyen@example.vn"
    # Django folds the encoded subject onto the next line; unfolding leaves the space before it.
    assert message["Subject"].strip() == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert message["Message-ID"] == message_id(item.key)
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert body.startswith("Kính gửi Nguyễn Văn An,")
    assert "Thời gian hẹn trả kết quả: 09 giờ 00 phút, ngày 06/11/2025" in body
    assert "Thủ tục đăng ký khai sinh" in body


def test_a_refused_mailbox_is_listed_with_the_servers_reason(world, smtp, clock):
    smtp.mailbox.refused["khong.ton.tai@example.vn"] = "550 5.1.1 Mailbox khong ton tai"
    dossier = received(world, email="khong.ton.tai@example.vn")
    result = worker(clock).run(until_idle=True)
    assert (result.sent, result.refused) == (1, 1)  # permanent: not retried
    item = Item.objects.get(kind="notify.email")
    assert item.state == State.FAILED and "550" in item.last_error and "Mailbox khong ton tai" in item.last_error
    assert smtp.mailbox.messages == []
    [failure] = failed_notifications(Dossier.objects.all())
    assert (failure.code, failure.recipient, failure.channel) == (dossier.code, "khong.ton.tai@example.vn",
                                                                  "Thư điện tử")
    assert "550" in failure.reason


def test_a_4xx_answer_is_retried_then_delivered(world, smtp, clock):
    smtp.mailbox.greylist["an.nguyen@example.vn"] = ["451 4.7.1 Greylisted, try again later"] * 2
    received(world)
    result = worker(clock).run(until_idle=True)
    assert (result.sent, result.transient, result.acknowledged) == (3, 2, 1)
    assert Item.objects.get(kind="notify.email").state == State.ACKNOWLEDGED
    assert len(smtp.mailbox.messages) == 1


def test_a_server_down_for_ten_minutes_gets_the_message_after_retries(world, smtp, clock):
    smtp.stop()
    received(world)
    up_at = START + timedelta(minutes=10)
    clock.on_sleep = lambda now: smtp.start() if now >= up_at else None
    w = worker(clock)
    assert w.run_once().transient == 1
    item = Item.objects.get(kind="notify.email")
    assert item.state == State.WAITING and item.attempts == 1 and item.last_error
    w.run(until_idle=True)
    item.refresh_from_db()
    assert item.state == State.ACKNOWLEDGED and item.attempts > 3  # backed off while down
    assert up_at <= item.acknowledged_at <= up_at + timedelta(seconds=61)  # at most a minute between tries
    assert len(smtp.mailbox.messages) == 1
