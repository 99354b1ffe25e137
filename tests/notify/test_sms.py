"""SMS through the provider stand-in (its own process, real HTTP): delivered once, a number that is not a
mobile number refused and listed, 503 with Retry-After retried, an answer lost after the provider kept the
message not sent twice, wrong credentials stopping the run."""

from datetime import timedelta

import httpx
import pytest
from django.db import transaction

from motcua.dossiers.models import Dossier
from motcua.notify.failures import failed_notifications
from motcua.notify.notices import notify_applicant
from motcua.outbox.models import Item, State
from motcua.outbox.worker import UnauthorisedError, Worker
from tests.office.conftest import AT, receive

pytestmark = pytest.mark.django_db


def received(world, phone="0912345678"):
    dossier = receive(world)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_phone=phone, applicant_email="")
    Item.objects.filter(kind__startswith="notify.", group=dossier.code).delete()
    dossier = Dossier.objects.select_related("procedure", "unit", "received_by").get(pk=dossier.pk)
    with transaction.atomic():
        notify_applicant(dossier, "receipt", at=AT)
    return dossier


def worker(clock):
    return Worker(kinds=["notify.sms"], clock=clock, sleep=clock.sleep)


def test_delivered_with_its_key_as_the_message_id(world, sms_standin, clock):
    dossier = received(world)
    assert worker(clock).run(until_idle=True).acknowledged == 1
    item = Item.objects.get(kind="notify.sms")
    assert item.state == State.ACKNOWLEDGED
    [message] = sms_standin.state()["messages"]
    assert (message["id"], message["to"]) == (item.key, "0912345678")
    assert message["text"] == item.payload["text"] and dossier.code in message["text"]
    assert "đã tiếp nhận hồ sơ" in message["text"]


def test_a_number_that_is_not_a_mobile_number_is_refused_and_listed(world, sms_standin, clock):
    dossier = received(world, phone="02083856789")  # a landline
    result = worker(clock).run(until_idle=True)
    assert (result.sent, result.refused) == (1, 1)
    item = Item.objects.get(kind="notify.sms")
    assert item.state == State.FAILED and item.last_error.startswith("HTTP 400: to:")
    assert sms_standin.state()["messages"] == []
    [failure] = failed_notifications(Dossier.objects.all())
    assert (failure.code, failure.channel, failure.recipient) == (dossier.code, "Tin nhắn SMS", "02083856789")


def test_503_with_retry_after_is_retried_then_delivered(world, sms_standin, clock):
    received(world)
    sms_standin.faults([{"kind": "status", "status": 503, "retry_after": 30, "times": 2}])
    w = worker(clock)
    assert w.run_once().transient == 1
    item = Item.objects.get(kind="notify.sms")
    assert item.next_attempt_at >= clock.now + timedelta(seconds=30) and "503" in item.last_error
    w.run(until_idle=True)
    item.refresh_from_db()
    assert item.state == State.ACKNOWLEDGED and item.attempts == 2
    assert len(sms_standin.state()["messages"]) == 1


def test_an_answer_lost_after_the_provider_kept_it_is_not_sent_twice(world, sms_standin, clock):
    received(world)
    sms_standin.faults([{"kind": "store_then_error", "status": 500}, {"kind": "store_then_error", "close": True}])
    result = worker(clock).run(until_idle=True)
    assert (result.transient, result.acknowledged) == (2, 1)
    state = sms_standin.state()
    assert len(state["messages"]) == 1 and state["duplicates"] == 2
    assert Item.objects.get(kind="notify.sms").state == State.ACKNOWLEDGED


def test_a_provider_down_then_up_gets_it(world, sms_standin, clock):
    received(world)
    sms_standin.faults([{"kind": "down", "times": 3}])
    assert worker(clock).run(until_idle=True).transient == 3
    assert len(sms_standin.state()["messages"]) == 1


def test_wrong_credentials_stop_the_run_and_mark_nothing(world, sms_standin, clock, settings):
    received(world)
    settings.MOTCUA_SMS_TOKEN = "wrong"
    with pytest.raises(UnauthorisedError):
        worker(clock).run(until_idle=True)
    item = Item.objects.get(kind="notify.sms")
    assert (item.state, item.attempts) == (State.WAITING, 0)


# The stand-in itself -------------------------------------------------------------------------------------


def send(standin, body, token="sms-token"):
    return httpx.post(f"{standin.url}/sms", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_the_standin_keeps_a_message_once_per_id(sms_standin):
    body = {"to": "+84912345678", "text": "Xin chào", "id": "m-1"}
    first, again = send(sms_standin, body), send(sms_standin, body)
    assert first.status_code == again.status_code == 200
    assert first.json() == {"id": "m-1", "status": "sent"} and again.json()["duplicate"] is True
    state = sms_standin.state()
    assert [m["id"] for m in state["messages"]] == ["m-1"] and state["duplicates"] == 1


@pytest.mark.parametrize("to", ["0212345678", "091234567", "09123456789", "+8412345678", "", None, "abc"])
def test_the_standin_refuses_what_is_not_a_vietnamese_mobile_number(sms_standin, to):
    answer = send(sms_standin, {"to": to, "text": "x", "id": "m"})
    assert answer.status_code == 400 and answer.json()["error"].startswith("to:")


def test_the_standin_wants_its_token_and_a_text(sms_standin):
    assert send(sms_standin, {"to": "0912345678", "text": "x", "id": "m"}, token="nope").status_code == 401
    assert send(sms_standin, {"to": "0912345678", "text": " ", "id": "m"}).status_code == 400
    assert sms_standin.state()["messages"] == []
