"""The daily reconciliation (interop.md §2): motcua's orders settled on a day against the platform's list of
that day's transactions, every difference named in Vietnamese and kept (`Reconciliation`).

The platform's list: `GET {MOTCUA_PAYMENT_URL}/transactions?date=YYYY-MM-DD&merchant=CODE` with
`Authorization: Bearer {MOTCUA_PAYMENT_TOKEN}` → `{"transactions": [{"MaGiaoDich", "MaDonHang", "SoTien",
"KetQua", "ThoiGianThanhToan"}, …]}` (docs/interop-payment.md). The day is the platform's payment time, in
Vietnam's time, on both sides.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import httpx
from django.conf import settings
from django.utils import timezone

from motcua.lib.vnformat import money, short_date
from motcua.lib.workingtime import LOCAL_TZ
from motcua.payments.models import OrderState, PaymentOrder, Reconciliation
from motcua.payments.online import SUCCESS, expire_stale

# The kinds of difference, in the order they are listed.
SETTLED_HERE_ONLY = "settled_here_only"
THERE_ONLY = "there_only"
AMOUNT_DIFFERS = "amount_differs"
LATE = "late"
KIND_LABELS = {
    SETTLED_HERE_ONLY: "Đã ghi nhận tại motcua, không có trong danh sách của nền tảng",
    THERE_ONLY: "Có trong danh sách của nền tảng, chưa được ghi nhận tại motcua",
    AMOUNT_DIFFERS: "Số tiền khác nhau",
    LATE: "Xác nhận sau khi đơn hàng hết hạn",
}


class PlatformUnreachable(RuntimeError):
    """The platform's list could not be read (down, refused, bad answer); nothing is stored."""


def fetch_transactions(day: date) -> list[dict]:
    url = f"{settings.MOTCUA_PAYMENT_URL}/transactions"
    try:
        response = httpx.get(url, params={"date": day.isoformat(), "merchant": settings.MOTCUA_PAYMENT_MERCHANT},
                             headers={"Authorization": f"Bearer {settings.MOTCUA_PAYMENT_TOKEN}"},
                             timeout=settings.MOTCUA_PAYMENT_TIMEOUT)
    except httpx.HTTPError as exc:
        raise PlatformUnreachable(f"Không kết nối được nền tảng thanh toán ({exc.__class__.__name__}).") from None
    if response.status_code != 200:
        raise PlatformUnreachable(f"Nền tảng thanh toán trả lời {response.status_code}.")
    try:
        listed = response.json()["transactions"]
        if not isinstance(listed, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise PlatformUnreachable("Nền tảng thanh toán trả lời không đúng định dạng.") from None
    return listed


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=LOCAL_TZ)
    return start, start + timedelta(days=1)


def _amount_text(amount: int | None, row: dict) -> str:
    return money(amount) if amount is not None else repr(row.get("SoTien"))


def differences(day: date, listed: list[dict]) -> tuple[int, int, list[dict]]:
    """(orders settled here that day, successful transactions there, the differences)."""
    start, end = _day_bounds(day)
    here = {order.transaction_id: order for order in PaymentOrder.objects.filter(
        state=OrderState.SETTLED, paid_at__gte=start, paid_at__lt=end).select_related("dossier")}
    there = {}
    for row in listed:
        if isinstance(row, dict) and str(row.get("KetQua")) == SUCCESS and row.get("MaGiaoDich"):
            there[str(row["MaGiaoDich"])] = row
    found = []

    def add(kind, order_code, transaction_id, amount_here, amount_there, detail):
        found.append({"kind": kind, "order_code": order_code, "transaction_id": transaction_id,
                      "amount_here": amount_here, "amount_there": amount_there,
                      "text": f"{KIND_LABELS[kind]}: {detail}"})

    for transaction_id, order in sorted(here.items(), key=lambda item: item[1].code):
        row = there.get(transaction_id)
        if row is None:
            add(SETTLED_HERE_ONLY, order.code, transaction_id, order.amount_vnd, None,
                f"đơn hàng {order.code} (hồ sơ {order.dossier.code}), giao dịch {transaction_id}, "
                f"{money(order.amount_vnd)}.")
            continue
        try:
            amount_there = int(row.get("SoTien"))
        except (TypeError, ValueError):
            amount_there = None
        if amount_there != order.amount_vnd:
            add(AMOUNT_DIFFERS, order.code, transaction_id, order.amount_vnd, amount_there,
                f"đơn hàng {order.code}, giao dịch {transaction_id}: motcua ghi {money(order.amount_vnd)}, "
                f"nền tảng ghi {_amount_text(amount_there, row)}.")
    for transaction_id, row in sorted(there.items()):
        if transaction_id in here:
            continue
        order = PaymentOrder.objects.filter(code=str(row.get("MaDonHang", ""))).select_related("dossier").first()
        about = (f"đơn hàng {order.code} (hồ sơ {order.dossier.code}, {order.get_state_display().lower()})"
                 if order else f"đơn hàng {row.get('MaDonHang')!r} không có tại motcua")
        try:
            amount_there = int(row.get("SoTien"))
        except (TypeError, ValueError):
            amount_there = None
        add(THERE_ONLY, order.code if order else str(row.get("MaDonHang", "")), transaction_id,
            None, amount_there,
            f"giao dịch {transaction_id}, {about}, "
            f"{_amount_text(amount_there, row)}.")
    for order in sorted((o for o in here.values() if o.late), key=lambda o: o.code):
        add(LATE, order.code, order.transaction_id, order.amount_vnd, None,
            f"đơn hàng {order.code} (hồ sơ {order.dossier.code}) hết hạn lúc "
            f"{order.expires_at.astimezone(LOCAL_TZ):%H:%M:%S %d/%m/%Y}, nền tảng xác nhận thanh toán lúc "
            f"{order.paid_at.astimezone(LOCAL_TZ):%H:%M:%S %d/%m/%Y}; tiền đã được ghi nhận, cần xem có thu trùng không.")
    return len(here), len(there), found


def reconcile(day: date, *, at: datetime | None = None) -> Reconciliation:
    """Run the reconciliation of `day` and store it; PlatformUnreachable stores nothing."""
    at = at or timezone.now()
    listed = fetch_transactions(day)
    expire_stale(at)
    local_count, platform_count, found = differences(day, listed)
    return Reconciliation.objects.create(day=day, run_at=at, local_count=local_count,
                                         platform_count=platform_count, differences=found)


def summary(run: Reconciliation) -> str:
    return (f"Đối soát ngày {short_date(run.day)}: {run.local_count} giao dịch tại motcua, "
            f"{run.platform_count} tại nền tảng, {len(run.differences)} chênh lệch.")
