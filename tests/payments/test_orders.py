"""Starting an order (`online.start_order`) and the pages a citizen sees: who may pay, what is refused."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from motcua.lib import hmacsign
from motcua.office import actions
from motcua.payments import online
from motcua.payments.actions import PaymentError, do_record_payment
from motcua.payments.models import OrderState, PaymentOrder, Purpose
from tests.payments.conftest import AT, MERCHANT, SECRET, processing, receive


def test_an_order_for_the_submission_fee_is_signed_for_the_platform(fee_dossier, world):
    order = online.start_order(fee_dossier, purpose=Purpose.SUBMISSION, actor=world.citizen, at=AT)
    assert order.amount_vnd == 2000 and order.state == OrderState.PENDING
    assert order.expires_at == AT + timedelta(minutes=15) and order.created_by == world.citizen
    url = urlsplit(order.redirect_url())
    assert f"{url.scheme}://{url.netloc}{url.path}" == "http://nen-tang.invalid/pay"
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert hmacsign.verify(params, SECRET)
    assert params["MaDoiTac"] == MERCHANT and params["MaDonHang"] == order.code and params["SoTien"] == "2000"
    assert params["UrlTraVe"] == f"http://motcua.test/thanh-toan/ket-qua/{order.code}/"
    assert params["UrlThongBao"] == "http://motcua.test/thanh-toan/thong-bao/"
    assert params["HetHan"] == "20251105091500"


def test_a_second_click_gets_the_same_pending_order_and_an_expired_one_is_replaced(fee_dossier, world):
    first = online.start_order(fee_dossier, purpose=Purpose.SUBMISSION, actor=world.citizen, at=AT)
    again = online.start_order(fee_dossier, purpose=Purpose.SUBMISSION, actor=world.citizen,
                               at=AT + timedelta(minutes=5))
    assert again.pk == first.pk
    later = online.start_order(fee_dossier, purpose=Purpose.SUBMISSION, actor=world.citizen,
                               at=AT + timedelta(minutes=20))
    assert later.pk != first.pk and later.code != first.code
    first.refresh_from_db()
    assert first.state == OrderState.EXPIRED


def test_nothing_due_already_paid_and_wrong_status_are_refused(world, fee_dossier):
    free = receive(world)  # a birth registration: no fee
    with pytest.raises(PaymentError, match="không có khoản phí"):
        online.start_order(free, purpose=Purpose.SUBMISSION, actor=world.citizen, at=AT)
    do_record_payment(fee_dossier, 2000, "cash", paid_at=AT)
    with pytest.raises(PaymentError, match="đã được thanh toán"):
        online.start_order(fee_dossier, purpose=Purpose.SUBMISSION, actor=world.citizen, at=AT)
    with pytest.raises(PaymentError, match="chờ thực hiện nghĩa vụ tài chính"):
        online.start_order(fee_dossier, purpose=Purpose.FEE_REQUEST, actor=world.citizen, at=AT)
    assert not PaymentOrder.objects.exists()


def test_a_fee_request_is_paid_at_the_requested_amount(world, fee_dossier):
    dossier = processing(world, fee_dossier)
    actions.do_request_fees(dossier, actor=world.processor_a, amount_vnd=1234567, note="Lệ phí trước bạ",
                            version=dossier.version, at=AT + timedelta(hours=1))
    dossier.refresh_from_db()
    assert online.purpose_of(dossier) == Purpose.FEE_REQUEST
    order = online.start_order(dossier, purpose=Purpose.FEE_REQUEST, actor=world.citizen, at=AT + timedelta(hours=2))
    assert order.amount_vnd == 1234567


def test_without_configuration_nobody_is_sent_anywhere(fee_dossier, world, settings):
    settings.MOTCUA_PAYMENT_SECRET = ""
    with pytest.raises(PaymentError, match="Chưa cấu hình"):
        online.start_order(fee_dossier, purpose=Purpose.SUBMISSION, actor=world.citizen, at=AT)


# Pages --------------------------------------------------------------------------------------------------


def test_the_owner_is_sent_to_the_platform(fee_dossier, world, client_of):
    response = client_of(world.citizen).post(reverse("payments:start", args=[fee_dossier.code]))
    assert response.status_code == 302
    order = PaymentOrder.objects.get(dossier=fee_dossier)
    assert response["Location"].startswith("http://nen-tang.invalid/pay?") and order.code in response["Location"]


@pytest.mark.parametrize("who", ["desk_a", "monitor", "admin", "stranger"])
def test_nobody_else_may_pay_or_see_the_return_page(fee_dossier, world, client_of, who, password_hash):
    from django.contrib.auth import get_user_model

    from motcua.core.models import Membership, Role

    if who == "stranger":  # another citizen
        user = get_user_model().objects.create(username="019090009999", password=password_hash)
        Membership.objects.create(user=user, role=Role.CITIZEN)
    else:
        user = getattr(world, who)
    order = online.start_order(fee_dossier, purpose=Purpose.SUBMISSION, actor=world.citizen, at=AT)
    client = client_of(user)
    assert client.post(reverse("payments:start", args=[fee_dossier.code])).status_code == 404
    assert client.get(reverse("payments:return", args=[order.code])).status_code == 404
    assert PaymentOrder.objects.count() == 1


def test_a_visitor_must_sign_in_and_a_get_changes_nothing(fee_dossier, client, world, client_of):
    assert client.post(reverse("payments:start", args=[fee_dossier.code])).status_code == 302
    assert client_of(world.citizen).get(reverse("payments:start", args=[fee_dossier.code])).status_code == 405
    assert not PaymentOrder.objects.exists()


def test_a_refusal_is_shown_in_vietnamese(world, client_of):
    free = receive(world)
    response = client_of(world.citizen).post(reverse("payments:start", args=[free.code]))
    assert response.status_code == 409
    assert "Hồ sơ không có khoản phí, lệ phí nào phải nộp." in response.content.decode()


def test_the_return_page_shows_only_what_motcua_knows(fee_dossier, world, client_of):
    order = online.start_order(fee_dossier, purpose=Purpose.SUBMISSION, actor=world.citizen)
    # The return parameters claim success; they prove nothing.
    page = client_of(world.citizen).get(reverse("payments:return", args=[order.code]) + "?KetQua=00&MaGiaoDich=X")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Đang chờ xác nhận từ nền tảng thanh toán" in text and 'http-equiv="refresh"' in text
    assert 'lang="vi"' in text and "2.000 đồng" in text
    order.refresh_from_db()
    assert order.state == OrderState.PENDING


def test_the_admin_lists_orders_and_callbacks_read_only(fee_dossier, world, client_of, client):
    order = online.start_order(fee_dossier, purpose=Purpose.SUBMISSION, actor=world.citizen, at=AT)
    admin = client_of(world.admin)
    for name in ("paymentorder", "callback", "reconciliation"):
        assert admin.get(reverse(f"admin:payments_{name}_changelist")).status_code == 200
    page = admin.get(reverse("admin:payments_paymentorder_change", args=[order.pk]))
    assert page.status_code == 200 and 'name="state"' not in page.content.decode()
