"""Online payment through the payment platform (interop.md §2, docs/interop-payment.md).

- `start_order(dossier, purpose=…, actor=…)`: the signed order the citizen is sent to the platform with.
- `handle_callback(params)`: the platform's signed server-to-server notice; the only thing that settles an
  order. Idempotent: a duplicate, even one racing the first on another connection, changes nothing twice.
- `expire_stale(now)`: pending orders past their expiry become expired (a payment confirmed later is still
  recorded, flagged `late` for the reconciliation).

Business rules only: the views in `views.py` are thin.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.constants import Status
from motcua.dossiers.lifecycle import transition
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.lib import hmacsign
from motcua.lib.vnformat import money, national_time
from motcua.lib.workingtime import LOCAL_TZ
from motcua.payments.actions import PaymentError, do_record_payment
from motcua.payments.models import Callback, Method, OrderState, PaymentOrder, Purpose, Verdict

PLATFORM = "Nền tảng thanh toán"
SUCCESS = "00"
PAY_PATH = "/pay"
# The fields of a callback (and of the signed return to the citizen), all required.
CALLBACK_FIELDS = ("MaDoiTac", "MaDonHang", "SoTien", "MaGiaoDich", "KetQua", "ThoiGianThanhToan",
                   hmacsign.SIGNATURE_FIELD)
# Statuses in which the fees known at submission can be paid: before the end of processing and not while the
# dossier waits for a fee request (that one is paid as `fee_request`).
SUBMISSION_STATUSES = (Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED)


def configured() -> bool:
    return bool(settings.MOTCUA_PAYMENT_URL and settings.MOTCUA_PAYMENT_SECRET and settings.MOTCUA_PAYMENT_MERCHANT)


def parse_platform_time(value: str) -> datetime:
    """`yyyyMMddHHmmss` in Vietnam's time → aware datetime (ValueError otherwise)."""
    if not isinstance(value, str) or len(value) != 14 or not value.isdigit():
        raise ValueError(f"not yyyyMMddHHmmss: {value!r}")
    return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=LOCAL_TZ)


# ---------------------------------------------------------------------------------------------------------
# Starting an order


def requested_fee(dossier: Dossier) -> tuple[int, datetime | None]:
    """(amount, when) of the dossier's latest fee request: the amount `do_request_fees` asked for."""
    event = (DossierEvent.objects.filter(dossier=dossier, action="request_fees").order_by("-at", "-id").first())
    if event is None:
        return dossier.fee_vnd, None
    return int(event.data.get("amount_vnd", dossier.fee_vnd)), event.at


def amount_due(dossier: Dossier, purpose: str) -> int:
    """What remains to be paid for `purpose`, or PaymentError (in Vietnamese) when nothing can be paid."""
    paid = dossier.payments.all()
    if purpose == Purpose.FEE_REQUEST:
        if dossier.status != Status.WAITING_FEES:
            raise PaymentError("Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính.")
        amount, since = requested_fee(dossier)
        if since is not None:
            paid = paid.filter(paid_at__gte=since)
    elif purpose == Purpose.SUBMISSION:
        if dossier.status not in SUBMISSION_STATUSES:
            label = Status(dossier.status).label
            raise PaymentError(f"Hồ sơ ở trạng thái “{label}”: không thể thanh toán trực tuyến.")
        amount = dossier.fee_vnd
    else:
        raise PaymentError(f"Khoản thanh toán không hợp lệ: {purpose}")
    if amount <= 0:
        raise PaymentError("Hồ sơ không có khoản phí, lệ phí nào phải nộp.")
    already = sum(payment.amount_vnd for payment in paid)
    if already >= amount:
        raise PaymentError("Phí, lệ phí của hồ sơ đã được thanh toán.")
    return amount - already


def purpose_of(dossier: Dossier) -> str:
    return Purpose.FEE_REQUEST if dossier.status == Status.WAITING_FEES else Purpose.SUBMISSION


def _new_code(at: datetime) -> str:
    return f"TT{at.astimezone(LOCAL_TZ):%y%m%d}{secrets.token_hex(5).upper()}"


def expire_stale(now: datetime | None = None, dossier: Dossier | None = None) -> int:
    """Pending orders whose expiry has passed become expired (compare-and-update: a callback that settled one
    meanwhile wins). Returns how many."""
    now = now or timezone.now()
    orders = PaymentOrder.objects.filter(state=OrderState.PENDING, expires_at__lte=now)
    if dossier is not None:
        orders = orders.filter(dossier=dossier)
    return orders.update(state=OrderState.EXPIRED)


def start_order(dossier: Dossier, *, purpose: str, actor, at: datetime | None = None) -> PaymentOrder:
    """The order to pay what the dossier owes for `purpose`; an order still pending and not expired for the
    same dossier, purpose and amount is returned instead of a second one (a double click must not lead to
    paying twice). PaymentError when payment is not configured or nothing can be paid."""
    if not configured():
        raise PaymentError("Chưa cấu hình thanh toán trực tuyến; vui lòng nộp phí tại Bộ phận Một cửa.")
    at = at or timezone.now()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        expire_stale(at, dossier)
        amount = amount_due(dossier, purpose)
        pending = (PaymentOrder.objects.filter(dossier=dossier, purpose=purpose, amount_vnd=amount,
                                               state=OrderState.PENDING, expires_at__gt=at).order_by("-created_at")
                   .first())
        if pending is not None:
            return pending
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    return PaymentOrder.objects.create(
                        code=_new_code(at), dossier=dossier, purpose=purpose, amount_vnd=amount,
                        description=f"Thanh toan phi, le phi ho so {dossier.code}", created_at=at,
                        expires_at=at + timedelta(seconds=settings.MOTCUA_PAYMENT_ORDER_SECONDS),
                        created_by=actor if getattr(actor, "pk", None) else None)
            except IntegrityError:  # the same random code drawn twice: draw again
                continue
    raise PaymentError("Không tạo được đơn hàng thanh toán; vui lòng thử lại.")


def site_url(request=None) -> str:
    if settings.MOTCUA_PAYMENT_SITE_URL:
        return settings.MOTCUA_PAYMENT_SITE_URL
    if request is None:
        raise PaymentError("Chưa cấu hình MOTCUA_PAYMENT_SITE_URL.")
    return request.build_absolute_uri("/").rstrip("/")


def order_fields(order: PaymentOrder, base_url: str) -> dict[str, str]:
    """The order as the platform receives it, signed."""
    fields = {
        "MaDoiTac": settings.MOTCUA_PAYMENT_MERCHANT,
        "MaDonHang": order.code,
        "SoTien": order.amount_vnd,
        "NoiDung": order.description,
        "UrlTraVe": base_url + reverse("payments:return", args=[order.code]),
        "UrlThongBao": base_url + reverse("payments:callback"),
        "ThoiGianTao": national_time(order.created_at),
        "HetHan": national_time(order.expires_at),
    }
    return hmacsign.signed(fields, settings.MOTCUA_PAYMENT_SECRET)


def redirect_url(order: PaymentOrder, base_url: str) -> str:
    return f"{settings.MOTCUA_PAYMENT_URL}{PAY_PATH}?{urlencode(order_fields(order, base_url))}"


# ---------------------------------------------------------------------------------------------------------
# The callback


@dataclass(frozen=True)
class Answer:
    """What the callback view answers: the HTTP status and the JSON body (`code` "00" = stop retrying)."""

    status: int
    code: str
    message: str
    verdict: str
    order: PaymentOrder | None = None

    @property
    def body(self) -> dict:
        return {"code": self.code, "message": self.message}


def _log(params: dict, verdict: str, order: PaymentOrder | None, at: datetime, remote_addr: str) -> None:
    Callback.objects.create(received_at=at, params=params, order_code=str(params.get("MaDonHang", ""))[:64],
                            order=order, verdict=verdict, remote_addr=remote_addr[:64])


def handle_callback(params: dict, *, at: datetime | None = None, remote_addr: str = "") -> Answer:
    """Check and apply one callback; every callback is logged with its verdict (`Callback`).

    Accepted only if the signature matches, the order exists, the amount equals the order's and the order is
    not settled by another transaction. A settlement records the payment (`do_record_payment`, which sets the
    dossier's `paid_online_at` at the first online payment) and, for a fee request the dossier waits for,
    releases the wait (`fees_paid`), in one transaction with the order's row locked: of two copies of the
    same callback arriving together, the second waits and finds the order settled.
    """
    at = at or timezone.now()
    params = {str(k): str(v) for k, v in params.items()}
    missing = [name for name in CALLBACK_FIELDS if not params.get(name)]
    if missing:
        _log(params, Verdict.MALFORMED, None, at, remote_addr)
        return Answer(400, "99", f"Thiếu trường: {', '.join(missing)}", Verdict.MALFORMED)
    if params["MaDoiTac"] != settings.MOTCUA_PAYMENT_MERCHANT or not hmacsign.verify(
            params, settings.MOTCUA_PAYMENT_SECRET):
        _log(params, Verdict.FORGED, None, at, remote_addr)
        return Answer(400, "97", "Chữ ký không hợp lệ", Verdict.FORGED)
    try:
        amount = int(params["SoTien"])
        paid_at = parse_platform_time(params["ThoiGianThanhToan"])
    except ValueError:
        _log(params, Verdict.MALFORMED, None, at, remote_addr)
        return Answer(400, "99", "SoTien hoặc ThoiGianThanhToan không hợp lệ", Verdict.MALFORMED)

    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().filter(code=params["MaDonHang"]).first()
        answer = _decide(order, params, amount, paid_at, at)
        _log(params, answer.verdict, order, at, remote_addr)
    return answer


def _decide(order, params, amount, paid_at, at) -> Answer:
    if order is None:
        return Answer(200, "01", "Không có đơn hàng này", Verdict.UNKNOWN_ORDER)
    if amount != order.amount_vnd:
        return Answer(200, "04", "Số tiền không khớp với đơn hàng", Verdict.AMOUNT_MISMATCH, order)
    transaction_id = params["MaGiaoDich"]
    if order.state == OrderState.SETTLED:
        if order.transaction_id == transaction_id:
            return Answer(200, SUCCESS, "Giao dịch đã được ghi nhận trước đó", Verdict.DUPLICATE, order)
        if params["KetQua"] != SUCCESS:
            return Answer(200, SUCCESS, "Đã ghi nhận", Verdict.FAILED, order)
        return Answer(200, "02", "Đơn hàng đã được thanh toán bằng giao dịch khác", Verdict.ALREADY_SETTLED, order)
    if params["KetQua"] != SUCCESS:
        PaymentOrder.objects.filter(pk=order.pk, state=OrderState.PENDING).update(state=OrderState.FAILED)
        return Answer(200, SUCCESS, "Đã ghi nhận giao dịch không thành công", Verdict.FAILED, order)
    if PaymentOrder.objects.filter(transaction_id=transaction_id).exclude(pk=order.pk).exists():
        # A transaction id already settling another order, signed by the platform: never settle twice with it.
        return Answer(200, "02", "Mã giao dịch đã dùng cho đơn hàng khác", Verdict.ALREADY_SETTLED, order)

    # Paid after the expiry, or confirmed after motcua gave the order up: the money was taken, so it is
    # recorded, and flagged for the reconciliation (docs/interop-payment.md "Late callbacks").
    late = order.state == OrderState.EXPIRED or paid_at > order.expires_at
    updated = PaymentOrder.objects.filter(pk=order.pk, state__in=(OrderState.PENDING, OrderState.EXPIRED,
                                                                  OrderState.FAILED)).update(
        state=OrderState.SETTLED, transaction_id=transaction_id, paid_at=paid_at, settled_at=at, late=late)
    if updated != 1:  # unreachable with the row locked; kept as the compare-and-update's own guard
        return Answer(200, SUCCESS, "Giao dịch đã được ghi nhận trước đó", Verdict.DUPLICATE, order)
    dossier = Dossier.objects.select_for_update().get(pk=order.dossier_id)
    payment = do_record_payment(dossier, amount, Method.ONLINE, reference=transaction_id, paid_at=paid_at,
                                actor_label=PLATFORM)
    PaymentOrder.objects.filter(pk=order.pk).update(payment=payment)
    if order.purpose == Purpose.FEE_REQUEST and dossier.status == Status.WAITING_FEES:
        transition(dossier, "fees_paid", actor=None, at=max(paid_at, _last_event_at(dossier)),
                   note=f"Đã thanh toán trực tuyến {money(amount)}, giao dịch {transaction_id}",
                   data={"order": order.code, "transaction": transaction_id}, actor_label=PLATFORM)
    order.refresh_from_db()
    if late:
        return Answer(200, SUCCESS, "Đã ghi nhận (đơn hàng đã hết hạn, chuyển đối soát)", Verdict.ACCEPTED_LATE,
                      order)
    return Answer(200, SUCCESS, "Đã ghi nhận giao dịch", Verdict.ACCEPTED, order)


def _last_event_at(dossier: Dossier) -> datetime:
    """The fee wait ends no earlier than it began (a platform's clock may lag ours by a few seconds)."""
    last = DossierEvent.objects.filter(dossier=dossier).order_by("-at").values_list("at", flat=True).first()
    return last or datetime.min.replace(tzinfo=LOCAL_TZ)
