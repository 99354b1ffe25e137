"""Recording a payment: the payment row, the dossier's online-payment moment, the audit event and the
version the national portal must see, at once (`lifecycle.record_change`)."""

from django.db import transaction
from django.utils import timezone

from motcua.dossiers.lifecycle import record_change
from motcua.dossiers.models import Dossier
from motcua.payments.models import Method, Payment


class PaymentError(ValueError):
    """A payment that cannot be recorded (shown to the user as is)."""


def do_record_payment(dossier: Dossier, amount_vnd: int, method: str, actor=None, reference: str = "",
                      paid_at=None, actor_label: str = "") -> Payment:
    """Record one payment; `actor_label` names a system that made it (the payment platform), when there is
    no user to name (`actor` None)."""
    if amount_vnd <= 0:
        raise PaymentError("Số tiền thanh toán phải lớn hơn 0.")
    if method not in Method.values:
        raise PaymentError(f"Hình thức thanh toán không hợp lệ: {method}")
    if reference and Payment.objects.filter(method=method, reference=reference).exists():
        raise PaymentError(f"Giao dịch {reference} đã được ghi nhận.")
    paid_at = paid_at or timezone.now()
    with transaction.atomic():
        payment = Payment.objects.create(dossier=dossier, amount_vnd=amount_vnd, method=method,
                                         paid_at=paid_at, reference=reference)
        # Only the first online payment sets the moment indicator 3.7 reads (asked of the database, not of
        # a dossier object that may be older than another payment).
        first_online = method == Method.ONLINE and Dossier.objects.filter(
            pk=dossier.pk, paid_online_at__isnull=True).exists()
        changes = {"paid_online_at": paid_at} if first_online else {}
        record_change(dossier, "payment", changes, actor=actor, at=paid_at, note=f"{amount_vnd:,} đ",
                      data={"method": method, "reference": reference, "payment": payment.pk}, actor_label=actor_label)
    dossier.refresh_from_db(fields=["paid_online_at"])
    return payment
