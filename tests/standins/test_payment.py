"""The payment platform's stand-in on its own: what it accepts, what it refuses, its list and its faults."""

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from motcua.lib import hmacsign
from motcua.standins.process import StandinProcess

VN = timezone(timedelta(hours=7))
MERCHANT, SECRET, TOKEN = "MOTCUA-TEST", "bi-mat", "token-doi-soat"


@pytest.fixture
def platform(tmp_path):
    with StandinProcess(module="motcua.standins.payment", token=TOKEN, state_file=tmp_path / "p.json",
                        extra_args=("--merchant", f"{MERCHANT}={SECRET}", "--callback-tries", "2")) as standin:
        yield standin


def order(code="TT1", amount=1234567, expires_in=600, secret=SECRET, **changes):
    fields = {"MaDoiTac": MERCHANT, "MaDonHang": code, "SoTien": amount, "NoiDung": "Thanh toan ho so X",
              "UrlTraVe": "http://127.0.0.1:9/ket-qua/", "UrlThongBao": "http://127.0.0.1:9/thong-bao/",
              "ThoiGianTao": datetime.now(VN).strftime("%Y%m%d%H%M%S"),
              "HetHan": (datetime.now(VN) + timedelta(seconds=expires_in)).strftime("%Y%m%d%H%M%S")}
    return {**hmacsign.signed(fields, secret), **changes}


def test_the_payment_page_is_vietnamese_accessible_and_shows_the_order(platform):
    page = httpx.get(f"{platform.url}/pay?{urlencode(order())}")
    assert page.status_code == 200
    text = page.text
    assert '<html lang="vi">' in text and "<h1>" in text and "<h2" in text
    assert "1.234.567 đ" in text and MERCHANT in text and "Thanh toan ho so X" in text
    assert '<label for="the">' in text and 'id="the"' in text
    assert '>Thanh toán</button>' in text and '>Hủy giao dịch</button>' in text


@pytest.mark.parametrize("bad", ["signature", "expired", "merchant", "amount"])
def test_a_bad_order_is_refused(platform, bad):
    params = {"signature": order(SoTien="1"), "expired": order(expires_in=-5),
              "merchant": order(secret="khac", MaDoiTac="LA"), "amount": order(amount=0)}[bad]
    page = httpx.get(f"{platform.url}/pay?{urlencode(params)}")
    assert page.status_code == 400 and 'role="alert"' in page.text


def test_an_order_is_paid_once_and_the_result_is_signed(platform):
    form = {**order(), "HanhDong": "thanh-toan"}
    first = httpx.post(f"{platform.url}/pay", data=form)
    assert first.status_code == 303
    result = {k: v[0] for k, v in parse_qs(urlsplit(first.headers["Location"]).query).items()}
    assert hmacsign.verify(result, SECRET) and result["KetQua"] == "00" and result["SoTien"] == "1234567"
    assert httpx.post(f"{platform.url}/pay", data=form).status_code == 400
    assert platform.state()["payments"] == 1


def test_the_daily_list_needs_the_token_and_lists_the_day(platform):
    httpx.post(f"{platform.url}/pay", data={**order("TT1"), "HanhDong": "thanh-toan"})
    httpx.post(f"{platform.url}/pay", data={**order("TT2"), "HanhDong": "huy"})
    day = datetime.now(VN).date().isoformat()
    url = f"{platform.url}/transactions?date={day}&merchant={MERCHANT}"
    assert httpx.get(url).status_code == 401
    listed = httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"}).json()["transactions"]
    assert [(t["MaDonHang"], t["KetQua"]) for t in listed] == [("TT1", "00"), ("TT2", "24")]
    other = httpx.get(f"{platform.url}/transactions?date=2020-01-01&merchant={MERCHANT}",
                      headers={"Authorization": f"Bearer {TOKEN}"}).json()["transactions"]
    assert other == []


def test_faults_are_checked_and_down_drops_requests(platform):
    with pytest.raises(Exception, match="400"):
        platform.faults([{"kind": "nonsense"}])
    assert platform.faults([{"kind": "lost_callback"}, {"kind": "status", "status": 503, "path": "/pay"}]) == {
        "faults_pending": 2}
    assert httpx.get(f"{platform.url}/pay?{urlencode(order())}").status_code == 503
    platform.down()
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{platform.url}/pay?{urlencode(order())}", timeout=3)
    platform.clear()
    assert httpx.get(f"{platform.url}/pay?{urlencode(order())}").status_code == 200


def test_a_restarted_platform_still_holds_its_transactions(platform):
    httpx.post(f"{platform.url}/pay", data={**order(), "HanhDong": "thanh-toan"})
    platform.kill()
    platform.restart()
    assert len(platform.state()["transactions"]) == 1
