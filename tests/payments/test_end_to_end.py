"""From the citizen's click to a settled order, through the payment platform's stand-in (its own process)
calling back motcua served by `live_server`, with each way the platform's callbacks go wrong."""

import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.lib.workingtime import LOCAL_TZ
from motcua.payments import online
from motcua.payments.models import Callback, OrderState, Payment, PaymentOrder, Verdict
from motcua.payments.reconcile import THERE_ONLY, reconcile
from tests.payments.conftest import receive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, settings, platform):
    settings.MOTCUA_PAYMENT_SITE_URL = live_server.url
    return live_server


def click_pay(world, client_of):
    """The citizen asks to pay: motcua creates the order and sends the browser to the platform's page."""
    dossier = receive(world, procedure=world.copy)
    browser = client_of(world.citizen)
    response = browser.post(reverse("payments:start", args=[dossier.code]))
    assert response.status_code == 302
    return dossier, browser, response["Location"]


def pay_on_platform(platform_url, choice="thanh-toan"):
    """Open the platform's page, submit its form as a browser would; returns the redirect to motcua."""
    page = httpx.get(platform_url, timeout=10)
    assert page.status_code == 200
    text = page.text
    assert 'lang="vi"' in text and "2.000 đ" in text and "Thanh toán" in text and "Hủy giao dịch" in text
    assert '<form method="post" action="/pay">' in text
    form = {k: v[0] for k, v in parse_qs(urlsplit(platform_url).query).items()}
    form["HanhDong"] = choice
    base = f"{urlsplit(platform_url).scheme}://{urlsplit(platform_url).netloc}"
    answer = httpx.post(f"{base}/pay", data=form, timeout=30)
    assert answer.status_code == 303
    return answer.headers["Location"]


def wait_for(condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def settled(order_code):
    return PaymentOrder.objects.get(code=order_code).state == OrderState.SETTLED


def return_page(browser, location):
    path = urlsplit(location).path
    page = browser.get(path)
    assert page.status_code == 200
    return page.content.decode()


def test_paid_on_the_platform_settles_the_order(site, platform, world, client_of):
    dossier, browser, url = click_pay(world, client_of)
    order = PaymentOrder.objects.get(dossier=dossier)
    location = pay_on_platform(url)
    assert location.startswith(f"{site.url}/thanh-toan/ket-qua/{order.code}/?")
    assert wait_for(lambda: settled(order.code))
    assert "Đã thanh toán" in return_page(browser, location)
    payment = Payment.objects.get()
    assert payment.amount_vnd == 2000 and Dossier.objects.get(pk=dossier.pk).paid_online_at == payment.paid_at
    assert list(Callback.objects.values_list("verdict", flat=True)) == [Verdict.ACCEPTED]


def test_a_duplicated_callback_settles_once(site, platform, world, client_of):
    platform.faults([{"kind": "duplicate_callback"}])
    dossier, _browser, url = click_pay(world, client_of)
    pay_on_platform(url)
    assert wait_for(lambda: Callback.objects.count() == 2)
    assert sorted(Callback.objects.values_list("verdict", flat=True)) == [Verdict.ACCEPTED, Verdict.DUPLICATE]
    assert Payment.objects.count() == 1 and settled(PaymentOrder.objects.get().code)


def test_a_callback_before_the_redirect_shows_paid_at_once(site, platform, world, client_of):
    platform.faults([{"kind": "callback_before_redirect"}])
    _dossier, browser, url = click_pay(world, client_of)
    location = pay_on_platform(url)
    assert settled(PaymentOrder.objects.get().code)  # no waiting: it was answered before the redirect
    assert "Đã thanh toán" in return_page(browser, location)


@pytest.mark.parametrize("fault", [{"kind": "callback_after_redirect", "seconds": 1.5},
                                   {"kind": "late_callback", "seconds": 3}])
def test_until_the_callback_arrives_the_return_page_waits(site, platform, world, client_of, fault):
    platform.faults([fault])
    _dossier, browser, url = click_pay(world, client_of)
    location = pay_on_platform(url)
    order = PaymentOrder.objects.get()
    page = return_page(browser, location)
    assert "Đang chờ xác nhận từ nền tảng thanh toán" in page and order.state == OrderState.PENDING
    assert wait_for(lambda: settled(order.code))
    assert "Đã thanh toán" in return_page(browser, location)


def test_a_lost_callback_leaves_the_order_pending_and_the_reconciliation_finds_it(site, platform, world,
                                                                                  client_of):
    platform.faults([{"kind": "lost_callback"}])
    _dossier, browser, url = click_pay(world, client_of)
    location = pay_on_platform(url)
    time.sleep(1)
    order = PaymentOrder.objects.get()
    assert order.state == OrderState.PENDING and not Callback.objects.exists()
    assert "Đang chờ xác nhận" in return_page(browser, location)
    run = reconcile(order.created_at.astimezone(LOCAL_TZ).date())
    assert [d["kind"] for d in run.differences] == [THERE_ONLY] and run.differences[0]["order_code"] == order.code


def test_a_tampered_callback_is_refused_and_the_genuine_one_settles(site, platform, world, client_of):
    platform.faults([{"kind": "tampered_callback"}])
    _dossier, _browser, url = click_pay(world, client_of)
    pay_on_platform(url)
    order = PaymentOrder.objects.get()
    assert wait_for(lambda: settled(order.code))
    verdicts = list(Callback.objects.order_by("id").values_list("verdict", flat=True))
    assert verdicts == [Verdict.FORGED, Verdict.ACCEPTED]
    assert Payment.objects.get().amount_vnd == 2000
    tries = [c for c in platform.state()["callbacks"] if c["status"] == 400]
    assert len(tries) == 1 and tries[0]["SoTien"] == "200"  # refused once, not retried


def test_a_cancelled_payment_fails_the_order(site, platform, world, client_of):
    _dossier, browser, url = click_pay(world, client_of)
    location = pay_on_platform(url, choice="huy")
    order = PaymentOrder.objects.get()
    assert wait_for(lambda: PaymentOrder.objects.get(pk=order.pk).state == OrderState.FAILED)
    assert "không thành công hoặc đã bị hủy" in return_page(browser, location)
    assert not Payment.objects.exists()


def test_a_failing_motcua_is_called_back_again_until_it_answers(site, platform, world, client_of, monkeypatch):
    real, calls = online.handle_callback, []

    def failing_twice(params, **kwargs):
        calls.append(params)
        if len(calls) <= 2:
            raise RuntimeError("the database is restarting")  # motcua answers 500
        return real(params, **kwargs)

    monkeypatch.setattr(online, "handle_callback", failing_twice)
    _dossier, _browser, url = click_pay(world, client_of)
    pay_on_platform(url)
    order = PaymentOrder.objects.get()
    assert wait_for(lambda: settled(order.code))
    statuses = [c["status"] for c in platform.state()["callbacks"]]
    assert statuses == [500, 500, 200] and Payment.objects.count() == 1


def test_the_platform_down_leaves_the_order_pending(site, platform, world, client_of):
    platform.down()
    _dossier, _browser, url = click_pay(world, client_of)
    with pytest.raises(httpx.HTTPError):
        httpx.get(url, timeout=5)
    assert PaymentOrder.objects.get().state == OrderState.PENDING
