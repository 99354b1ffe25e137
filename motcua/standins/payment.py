"""Stand-in of the payment platform (nền tảng thanh toán trực tuyến): docs/interop-payment.md, and ways to fail.

Run: `python -m motcua.standins.payment --host 127.0.0.1 --port 0 --token SECRET --merchant CODE=SECRET
[--merchant …] [--callback-tries N] [--state-file PATH]`. Prints `listening on http://HOST:PORT` once
ready. No Django, stdlib only; signatures by `motcua.lib.hmacsign`, the one module motcua uses too.

Platform:
- `GET /pay?<signed order>`: checks the merchant, the signature, the amount and the expiry, and shows the
  payment page (Vietnamese, amount as "1.234.567 đ") with a form posting to `/pay` with the buttons
  "Thanh toán" and "Hủy giao dịch".
- `POST /pay` (the form): pays (or cancels) the order once: records a transaction, sends the signed callback
  to the order's `UrlThongBao` from a thread, retrying with backoff until answered 2xx (at most
  `--callback-tries` times), and redirects the browser (303) to `UrlTraVe` with the signed result. An order
  code already paid is refused.
- `GET /transactions?date=YYYY-MM-DD&merchant=CODE` (Bearer token): the day's transactions of that merchant
  (by payment time, Vietnam's time) for the daily reconciliation.

Control (no auth, as every stand-in's; only on the stand-in): `POST /_standin/faults` a list of
`{"kind": K, "times": n, ...}`. Request faults, on `path` `/pay`, `/transactions` or `*` (default `*`):
`down` (close the connection), `status` (answer `status`), `slow` (`seconds`, then as usual).
Payment faults, used by the next payments in order: `duplicate_callback` (sent twice at once),
`callback_before_redirect` (the callback is answered before the browser is redirected),
`callback_after_redirect` (sent `seconds` (default 0.5) after the redirect), `late_callback` (sent after
`seconds`), `lost_callback` (never sent), `tampered_callback` (first a copy with the amount altered
and the signature left as it was, then the genuine one), `missing_from_list` (the transaction is left out of
the daily list), `amount_in_list` (listed with `amount` instead). `POST /_standin/extra` `{"order_code",
"amount", "merchant", "date"?}` adds a transaction the merchant never saw to the daily list.
`POST /_standin/down`, `POST /_standin/clear`, `GET /_standin/state` (transactions, callbacks sent and
their answers), `POST /_standin/reset`.
"""

from __future__ import annotations

import argparse
import html
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlencode, urlsplit

from motcua.lib import hmacsign
from motcua.standins import base
from motcua.standins.base import Invalid, StandinHandler, StandinState
from motcua.standins.serving import serve

VN = timezone(timedelta(hours=7))
PAY_PATH = "/pay"
LIST_PATH = "/transactions"
ORDER_FIELDS = ("MaDoiTac", "MaDonHang", "SoTien", "NoiDung", "UrlTraVe", "UrlThongBao", "ThoiGianTao", "HetHan",
                hmacsign.SIGNATURE_FIELD)
REQUEST_FAULTS = ("down", "status", "slow")
PAYMENT_FAULTS = ("duplicate_callback", "callback_before_redirect", "callback_after_redirect", "late_callback",
                  "lost_callback", "tampered_callback", "missing_from_list", "amount_in_list")
SUCCESS, CANCELLED = "00", "24"


def vn_time(at: datetime) -> str:
    return at.astimezone(VN).strftime("%Y%m%d%H%M%S")


def parse_vn_time(value: str) -> datetime:
    if not isinstance(value, str) or len(value) != 14 or not value.isdigit():
        raise Invalid("phải là chuỗi 14 chữ số yyyyMMddHHmmss")
    try:
        return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VN)
    except ValueError as exc:
        raise Invalid("không phải thời điểm hợp lệ") from exc


def dong(amount: int) -> str:
    """1234567 → "1.234.567 đ"."""
    return f"{amount:,}".replace(",", ".") + " đ"


def validate_faults(payload) -> list[dict]:
    faults = []
    for where, fault in base.fault_items(payload):
        kind = base.check_fault(where, fault, REQUEST_FAULTS + PAYMENT_FAULTS)["kind"]
        base.check_path(where, fault, (PAY_PATH, LIST_PATH), "*", own=(PAYMENT_FAULTS, "payment"))
        if kind in ("late_callback", "callback_after_redirect") and not base.is_seconds(
                fault.setdefault("seconds", 0.5 if kind == "callback_after_redirect" else None)):
            raise Invalid(f"{where}.seconds: phải là số giây ≥ 0")
        if kind == "amount_in_list" and not (base.is_int(fault.get("amount")) and fault["amount"] > 0):
            raise Invalid(f"{where}.amount: phải là số nguyên dương (đồng)")
        faults.append(fault)
    return faults


class PaymentState(StandinState):
    """The platform's transactions and the callbacks it sent; the faults, the down window and the state file
    of every stand-in. `merchants` maps a merchant code to its secret."""

    COUNTERS = ("pages", "payments", "cancellations", "refused", "listings", "callbacks_sent", "callbacks_answered")

    def __init__(self, state_file=None, merchants: dict[str, str] | None = None, callback_tries: int = 8):
        self.merchants = dict(merchants or {})
        self.callback_tries = callback_tries
        super().__init__(state_file)

    def _empty(self) -> None:
        self.transactions: list[dict] = []
        self.callbacks: list[dict] = []  # every callback attempt: {"transaction", "attempt", "status", "at"}

    def _data(self) -> dict:
        return {"transactions": self.transactions, "callbacks": self.callbacks}

    def _restore(self, data: dict) -> None:
        self.transactions = data.get("transactions", [])
        self.callbacks = data.get("callbacks", [])

    def record(self, order: dict, result: str, fault: dict | None) -> dict | None:
        """A new transaction for `order`, or None when the order code was already paid."""
        with self.lock:
            if any(t["MaDonHang"] == order["MaDonHang"] and t["MaDoiTac"] == order["MaDoiTac"]
                   and t["KetQua"] == SUCCESS for t in self.transactions):
                self.counters["refused"] += 1
                self.save()
                return None
            now = datetime.now(VN)
            transaction = {
                "MaGiaoDich": f"GD{now:%y%m%d}{secrets.token_hex(4).upper()}",
                "MaDoiTac": order["MaDoiTac"], "MaDonHang": order["MaDonHang"], "SoTien": int(order["SoTien"]),
                "KetQua": result, "ThoiGianThanhToan": vn_time(now), "UrlThongBao": order["UrlThongBao"],
                "listed": not (fault and fault["kind"] == "missing_from_list"),
            }
            if fault and fault["kind"] == "amount_in_list":
                transaction["listed_amount"] = fault["amount"]
            self.transactions.append(transaction)
            self.counters["payments" if result == SUCCESS else "cancellations"] += 1
            self.save()
            return dict(transaction)

    def add_extra(self, order_code: str, amount: int, merchant: str, day: str | None) -> dict:
        with self.lock:
            at = datetime.now(VN) if not day else datetime.fromisoformat(day).replace(hour=12, tzinfo=VN)
            transaction = {"MaGiaoDich": f"GDX{secrets.token_hex(5).upper()}", "MaDoiTac": merchant,
                           "MaDonHang": order_code, "SoTien": amount, "KetQua": SUCCESS,
                           "ThoiGianThanhToan": vn_time(at), "UrlThongBao": "", "listed": True, "extra": True}
            self.transactions.append(transaction)
            self.save()
            return dict(transaction)

    def listing(self, day: str, merchant: str) -> list[dict]:
        with self.lock:
            self.counters["listings"] += 1
            self.save()
            rows = []
            for t in self.transactions:
                if t["MaDoiTac"] != merchant or not t["listed"] or not t["ThoiGianThanhToan"].startswith(
                        day.replace("-", "")):
                    continue
                rows.append({"MaGiaoDich": t["MaGiaoDich"], "MaDonHang": t["MaDonHang"],
                             "SoTien": t.get("listed_amount", t["SoTien"]), "KetQua": t["KetQua"],
                             "ThoiGianThanhToan": t["ThoiGianThanhToan"]})
            return rows

    def log_callback(self, entry: dict) -> None:
        with self.lock:
            self.callbacks.append(entry)
            self.counters["callbacks_sent"] += 1
            if 200 <= (entry.get("status") or 0) < 300:
                self.counters["callbacks_answered"] += 1
            self.save()

    def snapshot(self) -> dict:
        with self.lock:
            return {"transactions": [dict(t) for t in self.transactions],
                    "callbacks": [dict(c) for c in self.callbacks], **self.failing()}


def result_fields(transaction: dict) -> dict:
    return {name: transaction[name] for name in ("MaDoiTac", "MaDonHang", "SoTien", "MaGiaoDich", "KetQua",
                                                 "ThoiGianThanhToan")}


class PaymentHandler(StandinHandler):
    server_version = "motcua-standin-payment/1"
    validate_faults = staticmethod(validate_faults)

    def routes(self, path: str) -> dict:
        return {PAY_PATH: {"GET": self._page, "POST": self._pay}, LIST_PATH: {"GET": self._list},
                "/_standin/extra": {"POST": self._control_extra}}.get(path, {})

    def _unauthorised(self) -> None:
        # The daily list's 401 has the portal's shape (`KetQua`, `MoTa`), its other errors {"error": …}.
        self._answer(401, {"KetQua": "LOI", "MoTa": base.UNAUTHORISED}, {"WWW-Authenticate": "Bearer"})

    # Pages -------------------------------------------------------------------------------------------

    def _html(self, status: int, title: str, body: str, headers: dict | None = None) -> None:
        page = (f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{html.escape(title)} · Nền tảng thanh toán (bản giả lập)</title></head>"
                f"<body><header><p>Nền tảng thanh toán trực tuyến (bản giả lập)</p></header>"
                f"<main><h1>{html.escape(title)}</h1>{body}</main></body></html>").encode()
        self._reply(status, page, "text/html", headers)

    def _order(self, params: dict) -> dict:
        """The order as signed by the merchant, or Invalid naming what is wrong."""
        missing = [name for name in ORDER_FIELDS if not params.get(name)]
        if missing:
            raise Invalid(f"Thiếu trường: {', '.join(missing)}")
        secret = self.server.state.merchants.get(params["MaDoiTac"])
        if secret is None:
            raise Invalid(f"Đối tác không được đăng ký: {params['MaDoiTac']}")
        order = {name: params[name] for name in ORDER_FIELDS}
        if not hmacsign.verify(order, secret):
            raise Invalid("Chữ ký của đơn hàng không hợp lệ.")
        if not order["SoTien"].isdigit() or int(order["SoTien"]) <= 0:
            raise Invalid("Số tiền không hợp lệ.")
        if parse_vn_time(order["HetHan"]) <= datetime.now(VN):
            raise Invalid("Đơn hàng đã hết hạn thanh toán.")
        return order

    def _refuse(self, message: str) -> None:
        self.server.state.count("refused")
        self._html(400, "Không thể thanh toán", f'<p role="alert">{html.escape(message)}</p>')

    def _page(self, url, raw: bytes) -> None:
        self._strike(PAY_PATH)
        params = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        try:
            order = self._order(params)
        except Invalid as exc:
            self._refuse(str(exc))
            return
        self.server.state.count("pages")
        hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                         for k, v in order.items())
        expires = parse_vn_time(order["HetHan"])
        body = (
            '<section aria-labelledby="don-hang"><h2 id="don-hang">Thông tin đơn hàng</h2><dl>'
            f'<dt>Đơn vị nhận tiền</dt><dd id="merchant">{html.escape(order["MaDoiTac"])}</dd>'
            f'<dt>Mã đơn hàng</dt><dd id="order-code">{html.escape(order["MaDonHang"])}</dd>'
            f'<dt>Nội dung</dt><dd id="description">{html.escape(order["NoiDung"])}</dd>'
            f'<dt>Số tiền</dt><dd id="amount">{dong(int(order["SoTien"]))}</dd>'
            f'<dt>Hạn thanh toán</dt><dd>{expires:%H:%M %d/%m/%Y}</dd></dl></section>'
            '<form method="post" action="/pay"><fieldset><legend>Xác nhận thanh toán</legend>'
            '<p><label for="the">Số thẻ (giả lập, không cần nhập)</label> '
            '<input id="the" name="SoThe" inputmode="numeric" autocomplete="off"></p>'
            f'{hidden}<button type="submit" name="HanhDong" value="thanh-toan">Thanh toán</button> '
            '<button type="submit" name="HanhDong" value="huy">Hủy giao dịch</button></fieldset></form>')
        self._html(200, "Thanh toán đơn hàng", body)

    def _pay(self, url, raw: bytes) -> None:
        self._strike(PAY_PATH)
        params = {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
        try:
            order = self._order(params)
        except Invalid as exc:
            self._refuse(str(exc))
            return
        action = params.get("HanhDong")
        if action not in ("thanh-toan", "huy"):
            self._refuse("Hãy chọn Thanh toán hoặc Hủy giao dịch.")
            return
        state = self.server.state
        fault = state.take_fault("payment")
        transaction = state.record(order, SUCCESS if action == "thanh-toan" else CANCELLED, fault)
        if transaction is None:
            self._refuse("Đơn hàng này đã được thanh toán.")
            return
        secret = state.merchants[order["MaDoiTac"]]
        signed = hmacsign.signed(result_fields(transaction), secret)
        kind = fault["kind"] if fault else None
        send = Callbacks(state, order["UrlThongBao"], signed, transaction["MaGiaoDich"])
        if kind == "callback_before_redirect":
            send.deliver()
        elif kind == "lost_callback":
            pass
        elif kind in ("late_callback", "callback_after_redirect"):
            send.later(fault["seconds"])
        elif kind == "duplicate_callback":
            send.later(0, copies=2)
        elif kind == "tampered_callback":
            tampered = {**signed, "SoTien": str(int(signed["SoTien"]) // 10 or 1)}
            Callbacks(state, order["UrlThongBao"], tampered, transaction["MaGiaoDich"], tries=1).deliver()
            send.later(0)
        else:
            send.later(0)
        separator = "&" if urlsplit(order["UrlTraVe"]).query else "?"
        self._redirect(f"{order['UrlTraVe']}{separator}{urlencode(signed)}")

    def _list(self, url, raw: bytes) -> None:
        self._strike(LIST_PATH)
        if not self._authorised():
            self._unauthorised()
            return
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        day, merchant = query.get("date", ""), query.get("merchant", "")
        try:
            datetime.strptime(day, "%Y-%m-%d")
        except ValueError:
            raise Invalid("date: phải là một ngày YYYY-MM-DD") from None
        if merchant not in self.server.state.merchants:
            raise Invalid(f"merchant: đối tác không được đăng ký: {merchant!r}")
        self._answer(200, {"date": day, "merchant": merchant,
                           "transactions": self.server.state.listing(day, merchant)})

    # Control ---------------------------------------------------------------------------------------------

    def _control_extra(self, url, raw: bytes) -> None:
        body = self._json(raw)
        if not isinstance(body, dict) or not isinstance(body.get("order_code"), str) or not base.is_int(
                body.get("amount")) or body.get("merchant") not in self.server.state.merchants:
            raise Invalid('extra: {"order_code": str, "amount": int, "merchant": a registered merchant}')
        self._answer(200, self.server.state.add_extra(body["order_code"], body["amount"], body["merchant"],
                                                      body.get("date")))


class Callbacks:
    """Delivering one signed callback to the merchant, server to server: a form POST, retried with exponential
    backoff until a 2xx answer, at most `tries` times."""

    def __init__(self, state: PaymentState, url: str, fields: dict, transaction_id: str, tries: int | None = None):
        self.state, self.url, self.fields, self.transaction_id = state, url, fields, transaction_id
        self.tries = tries or state.callback_tries

    def later(self, seconds: float, copies: int = 1) -> None:
        def run():
            if seconds:
                time.sleep(seconds)
            threads = [threading.Thread(target=self.deliver, daemon=True) for _ in range(copies)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        threading.Thread(target=run, daemon=True).start()

    def deliver(self) -> None:
        data = urlencode(self.fields).encode("utf-8")
        delay = 0.2
        for attempt in range(1, self.tries + 1):
            status, answer = None, ""
            try:
                request = urllib.request.Request(self.url, data=data, method="POST", headers={
                    "Content-Type": "application/x-www-form-urlencoded"})
                with urllib.request.urlopen(request, timeout=10) as response:
                    status, answer = response.status, response.read(2000).decode("utf-8", "replace")
            except urllib.error.HTTPError as exc:
                status, answer = exc.code, exc.read(2000).decode("utf-8", "replace")
            except (urllib.error.URLError, OSError) as exc:
                answer = repr(exc)
            self.state.log_callback({"transaction": self.transaction_id, "attempt": attempt, "status": status,
                                     "answer": answer, "SoTien": self.fields.get("SoTien"),
                                     "at": datetime.now(VN).isoformat()})
            if status is not None and 200 <= status < 300:
                return
            if status is not None and 400 <= status < 500 and status != 429:
                return  # refused for good (a forged copy): retrying would not change the answer
            time.sleep(min(delay, 5.0))
            delay *= 2


def main(argv: list[str] | None = None) -> int:
    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--merchant", action="append", default=[], help="CODE=SECRET, repeatable")
    extra.add_argument("--callback-tries", type=int, default=8)
    options, rest = extra.parse_known_args(argv)
    merchants = {}
    for item in options.merchant:
        code, _, secret = item.partition("=")
        if not code or not secret:
            extra.error(f"--merchant: CODE=SECRET, got {item!r}")
        merchants[code] = secret
    return serve("python -m motcua.standins.payment", __doc__.split("\n")[0],
                 lambda state_file: PaymentState(state_file, merchants, options.callback_tries), PaymentHandler,
                 rest, token_help="the Bearer token of the daily transaction list")


if __name__ == "__main__":
    sys.exit(main())
