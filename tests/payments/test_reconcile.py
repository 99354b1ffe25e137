"""The daily reconciliation against the platform's stand-in (its own process): each kind of difference."""

from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from motcua.payments import online
from motcua.payments.models import OrderState, PaymentOrder, Purpose, Reconciliation
from motcua.payments.reconcile import AMOUNT_DIFFERS, LATE, SETTLED_HERE_ONLY, THERE_ONLY
from tests.payments.conftest import MERCHANT, receive

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def unreachable_site(settings):
    # The stand-in's own callbacks go nowhere here; these tests hand the signed result to motcua themselves.
    settings.MOTCUA_PAYMENT_SITE_URL = "http://127.0.0.1:9"


def pay(world, platform, *, cancel=False):
    """A new dossier with a fee, its order paid on the stand-in's page: (order, the signed result)."""
    dossier = receive(world, procedure=world.copy)
    order = online.start_order(dossier, purpose=Purpose.SUBMISSION, actor=world.citizen)
    page = httpx.get(order.redirect_url(), timeout=10)
    assert page.status_code == 200 and "2.000 đ" in page.text
    form = {k: v[0] for k, v in parse_qs(urlsplit(order.redirect_url()).query).items()}
    form["HanhDong"] = "huy" if cancel else "thanh-toan"
    answer = httpx.post(f"{platform.url}/pay", data=form, timeout=10)
    assert answer.status_code == 303
    result = {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}
    return order, result


def deliver(client, result):
    assert client.post(reverse("payments:callback"), result).json()["code"] == "00"


def run(day=None):
    out = StringIO()
    day = day or timezone.localdate()
    try:
        call_command("payments", "reconcile", "--date", day.isoformat(), stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), Reconciliation.objects.order_by("-id").first()


def kinds(recon):
    return sorted(d["kind"] for d in recon.differences)


def test_when_both_sides_agree_nothing_is_listed(world, platform, client):
    for _ in range(2):
        _order, result = pay(world, platform)
        deliver(client, result)
    pay(world, platform, cancel=True)  # a cancelled transaction is not money
    code, out, recon = run()
    assert code == 0 and recon.differences == [] and recon.local_count == 2 and recon.platform_count == 2
    assert "0 chênh lệch" in out


def test_a_lost_callback_is_found_there_not_here(world, platform, client):
    _order, result = pay(world, platform)
    deliver(client, result)
    lost, _ = pay(world, platform)  # its callback never reaches motcua
    code, out, recon = run()
    assert code == 1 and kinds(recon) == [THERE_ONLY]
    assert recon.differences[0]["order_code"] == lost.code and recon.differences[0]["amount_there"] == 2000
    assert "chưa được ghi nhận tại motcua" in out and lost.code in out


def test_a_transaction_missing_from_the_list_is_found_here_not_there(world, platform, client):
    platform.faults([{"kind": "missing_from_list"}])
    order, result = pay(world, platform)
    deliver(client, result)
    code, out, recon = run()
    assert code == 1 and kinds(recon) == [SETTLED_HERE_ONLY] and recon.differences[0]["order_code"] == order.code
    assert "không có trong danh sách của nền tảng" in out


def test_a_different_amount_and_an_extra_transaction_are_listed(world, platform, client):
    platform.faults([{"kind": "amount_in_list", "amount": 20000}])
    order, result = pay(world, platform)
    deliver(client, result)
    platform._control("POST", "extra", {"order_code": "TT-LA", "amount": 5000, "merchant": MERCHANT})
    code, out, recon = run()
    assert code == 1 and kinds(recon) == [AMOUNT_DIFFERS, THERE_ONLY]
    differs = next(d for d in recon.differences if d["kind"] == AMOUNT_DIFFERS)
    assert (differs["order_code"], differs["amount_here"], differs["amount_there"]) == (order.code, 2000, 20000)
    assert "motcua ghi 2.000 đồng, nền tảng ghi 20.000 đồng" in out
    assert "'TT-LA' không có tại motcua" in out


def test_a_late_callback_after_expiry_is_listed_for_review(world, platform, client):
    order, result = pay(world, platform)
    online.expire_stale(timezone.now() + timedelta(hours=1))  # motcua gave the order up before hearing back
    deliver(client, result)
    order.refresh_from_db()
    assert order.state == OrderState.SETTLED and order.late
    code, out, recon = run()
    assert code == 1 and kinds(recon) == [LATE] and "hết hạn lúc" in out


def test_an_unreachable_platform_exits_3_and_stores_nothing(world, platform):
    platform.down()
    with pytest.raises(CommandError) as raised:
        call_command("payments", "reconcile", "--date", timezone.localdate().isoformat(), stdout=StringIO())
    assert raised.value.returncode == 3 and not Reconciliation.objects.exists()


def test_a_bad_date_or_no_configuration_is_a_usage_error(settings):
    with pytest.raises(CommandError) as raised:
        call_command("payments", "reconcile", "--date", "25/11/2026")
    assert raised.value.returncode == 2
    settings.MOTCUA_PAYMENT_TOKEN = ""
    with pytest.raises(CommandError) as raised:
        call_command("payments", "reconcile", "--date", "2026-11-25")
    assert raised.value.returncode == 2


def test_the_page_is_for_the_province_s_monitors_and_administrators(world, platform, client, client_of):
    lost, _ = pay(world, platform)
    run()
    page = client_of(world.monitor).get(reverse("payments:reconciliations"))
    assert page.status_code == 200 and lost.code in page.content.decode()
    assert "Có trong danh sách của nền tảng, chưa được ghi nhận tại motcua" in page.content.decode()
    assert client_of(world.admin).get(reverse("payments:reconciliations")).status_code == 200
    for who in ("desk_a", "leader_a", "citizen"):
        assert client_of(getattr(world, who)).get(reverse("payments:reconciliations")).status_code == 403
    assert client.get(reverse("payments:reconciliations")).status_code == 302
    assert PaymentOrder.objects.count() == 1
