"""The platform's callback: accepted once, whatever arrives twice, forged, altered, unknown or late."""

from datetime import timedelta

import pytest
from django.urls import reverse

from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier, DossierEvent, DossierPause
from motcua.office import actions
from motcua.outbox.models import Item
from motcua.payments import online
from motcua.payments.models import Callback, OrderState, Payment, PaymentOrder, Purpose, Verdict
from tests.payments.conftest import AT, platform_callback, processing

PAID = AT + timedelta(minutes=3)


@pytest.fixture
def order(fee_dossier, world):
    return online.start_order(fee_dossier, purpose=Purpose.SUBMISSION, actor=world.citizen, at=AT)


def post(client, params):
    return client.post(reverse("payments:callback"), params)


def test_a_good_callback_settles_the_order_records_the_payment_and_answers_00(client, order, fee_dossier):
    response = post(client, platform_callback(order, "GD1", paid_at=PAID))
    assert response.status_code == 200 and response.json()["code"] == "00"
    order.refresh_from_db()
    assert order.state == OrderState.SETTLED and order.transaction_id == "GD1" and order.paid_at == PAID
    assert order.payment.reference == "GD1" and order.payment.method == "online" and order.payment.amount_vnd == 2000
    dossier = Dossier.objects.get(pk=fee_dossier.pk)
    assert dossier.paid_online_at == PAID
    event = DossierEvent.objects.get(dossier=dossier, action="payment")
    assert event.actor is None and event.actor_label == "Nền tảng thanh toán"
    # The national portal hears of the payment (NgayThanhToanTrucTuyen) through a new version.
    assert Item.objects.filter(kind="portal.dossier", key=f"{dossier.code}:{dossier.version}").exists()
    assert list(Callback.objects.values_list("verdict", flat=True)) == [Verdict.ACCEPTED]


def test_a_duplicate_answers_ok_and_changes_nothing_twice(client, order, fee_dossier):
    params = platform_callback(order, "GD1", paid_at=PAID)
    post(client, params)
    version = Dossier.objects.get(pk=fee_dossier.pk).version
    response = post(client, params)
    assert response.status_code == 200 and response.json()["code"] == "00"
    assert Payment.objects.count() == 1 and Dossier.objects.get(pk=fee_dossier.pk).version == version
    assert list(Callback.objects.order_by("id").values_list("verdict", flat=True)) == [Verdict.ACCEPTED,
                                                                                     Verdict.DUPLICATE]


@pytest.mark.parametrize("tamper", ["signature", "amount_unsigned", "secret", "merchant"])
def test_a_forged_or_altered_callback_gets_400_changes_nothing_and_is_logged(client, order, tamper):
    params = platform_callback(order, "GD1", paid_at=PAID)
    if tamper == "signature":
        params["ChuKy"] = "0" * 64
    elif tamper == "amount_unsigned":
        params["SoTien"] = "2"  # altered after signing
    elif tamper == "secret":
        params = platform_callback(order, "GD1", paid_at=PAID, secret="doan-bua")
    else:
        params = platform_callback(order, "GD1", paid_at=PAID, MaDoiTac="KHAC")
    response = post(client, params)
    assert response.status_code == 400 and response.json()["code"] == "97"
    order.refresh_from_db()
    assert order.state == OrderState.PENDING and not Payment.objects.exists()
    log = Callback.objects.get()
    assert log.verdict == Verdict.FORGED and log.params["MaGiaoDich"] == "GD1" and log.order_code == order.code


def test_a_signed_callback_with_another_amount_settles_nothing(client, order):
    response = post(client, platform_callback(order, "GD1", amount=200, paid_at=PAID))
    assert response.status_code == 200 and response.json()["code"] == "04"
    order.refresh_from_db()
    assert order.state == OrderState.PENDING and not Payment.objects.exists()
    assert Callback.objects.get().verdict == Verdict.AMOUNT_MISMATCH


def test_an_unknown_order_is_logged(client, order):
    params = platform_callback(order, "GD1", paid_at=PAID)
    params["MaDonHang"] = "TT000000NOPE"
    from motcua.lib import hmacsign
    from tests.payments.conftest import SECRET

    response = post(client, hmacsign.signed(params, SECRET))
    assert response.status_code == 200 and response.json()["code"] == "01"
    assert Callback.objects.get().verdict == Verdict.UNKNOWN_ORDER and not Payment.objects.exists()


def test_a_malformed_callback_is_refused(client, order):
    response = post(client, {"MaDonHang": order.code})
    assert response.status_code == 400 and Callback.objects.get().verdict == Verdict.MALFORMED


def test_a_cancelled_payment_fails_the_order_and_a_later_success_still_settles_it(client, order):
    post(client, platform_callback(order, "GD1", result="24", paid_at=PAID))
    order.refresh_from_db()
    assert order.state == OrderState.FAILED and not Payment.objects.exists()
    post(client, platform_callback(order, "GD2", paid_at=PAID + timedelta(minutes=1)))
    order.refresh_from_db()
    assert order.state == OrderState.SETTLED and order.transaction_id == "GD2"


def test_another_transaction_for_a_settled_order_is_not_recorded_but_logged(client, order):
    post(client, platform_callback(order, "GD1", paid_at=PAID))
    response = post(client, platform_callback(order, "GD2", paid_at=PAID))
    assert response.status_code == 200 and response.json()["code"] == "02"
    assert Payment.objects.count() == 1
    assert Callback.objects.order_by("-id").first().verdict == Verdict.ALREADY_SETTLED


def test_a_late_callback_for_an_expired_order_records_the_money_and_flags_it(client, order, fee_dossier, world):
    # The citizen gave up, the order expired and a new one was started; then the first payment is confirmed.
    second = online.start_order(fee_dossier, purpose=Purpose.SUBMISSION, actor=world.citizen,
                                at=AT + timedelta(minutes=30))
    order.refresh_from_db()
    assert order.state == OrderState.EXPIRED
    response = post(client, platform_callback(order, "GD1", paid_at=AT + timedelta(minutes=14)))
    assert response.status_code == 200 and response.json()["code"] == "00"
    order.refresh_from_db()
    assert order.state == OrderState.SETTLED and order.late and Payment.objects.get().reference == "GD1"
    assert Callback.objects.get().verdict == Verdict.ACCEPTED_LATE
    # The second order can no longer be paid: the fee is paid.
    second.refresh_from_db()
    assert second.state == OrderState.PENDING
    from motcua.payments.actions import PaymentError

    with pytest.raises(PaymentError):
        online.start_order(fee_dossier, purpose=Purpose.SUBMISSION, actor=world.citizen, at=AT + timedelta(hours=1))


def test_paid_after_the_expiry_is_flagged_too(client, order):
    post(client, platform_callback(order, "GD1", paid_at=order.expires_at + timedelta(seconds=30)))
    order.refresh_from_db()
    assert order.state == OrderState.SETTLED and order.late


def test_a_callback_before_the_return_page_makes_the_page_say_paid(client, order, world, client_of):
    post(client, platform_callback(order, "GD1", paid_at=PAID))
    page = client_of(world.citizen).get(reverse("payments:return", args=[order.code])).content.decode()
    assert "Đã thanh toán" in page and "GD1" in page and 'http-equiv="refresh"' not in page


def test_a_fee_request_paid_online_puts_the_dossier_back_to_processing(client, world, fee_dossier):
    first_paid = AT + timedelta(minutes=3)
    online_first = online.start_order(fee_dossier, purpose=Purpose.SUBMISSION, actor=world.citizen, at=AT)
    post(client, platform_callback(online_first, "GD1", paid_at=first_paid))
    dossier = processing(world, Dossier.objects.get(pk=fee_dossier.pk))
    actions.do_request_fees(dossier, actor=world.processor_a, amount_vnd=50000, note="Phí thẩm định",
                            version=dossier.version, at=AT + timedelta(hours=1))
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_FEES
    order = online.start_order(dossier, purpose=Purpose.FEE_REQUEST, actor=world.citizen, at=AT + timedelta(hours=2))
    assert order.amount_vnd == 50000
    paid = AT + timedelta(hours=2, minutes=1)
    response = post(client, platform_callback(order, "GD2", paid_at=paid))
    assert response.json()["code"] == "00"
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    # paid_online_at stays the settlement time of the FIRST online payment.
    assert dossier.paid_online_at == first_paid
    pause = DossierPause.objects.get(dossier=dossier, kind="fee_wait")
    assert pause.completed_at == paid
    released = DossierEvent.objects.get(dossier=dossier, action="fees_paid")
    assert released.actor is None and released.actor_label == "Nền tảng thanh toán" and "GD2" in released.note


def test_the_first_online_payment_sets_paid_online_at_even_through_a_fee_request(client, world, fee_dossier):
    dossier = processing(world, fee_dossier)
    actions.do_request_fees(dossier, actor=world.processor_a, amount_vnd=7000, note="Phí",
                            version=dossier.version, at=AT + timedelta(hours=1))
    dossier.refresh_from_db()
    order = online.start_order(dossier, purpose=Purpose.FEE_REQUEST, actor=world.citizen, at=AT + timedelta(hours=2))
    paid = AT + timedelta(hours=2, minutes=5)
    post(client, platform_callback(order, "GD9", paid_at=paid))
    dossier.refresh_from_db()
    assert dossier.paid_online_at == paid and dossier.status == Status.PROCESSING
    assert PaymentOrder.objects.get().state == OrderState.SETTLED
