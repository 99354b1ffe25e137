"""Payments of fees and charges (phí, lệ phí) for a dossier."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    ONLINE = "online", _("Thanh toán trực tuyến")
    CASH = "cash", _("Tiền mặt tại Bộ phận Một cửa")
    TRANSFER = "transfer", _("Chuyển khoản")


class Payment(models.Model):
    """One payment. The dossier's `paid_online_at` is the moment of its first successful online payment."""

    dossier = models.ForeignKey("dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT,
                                related_name="payments")
    amount_vnd = models.BigIntegerField(_("số tiền (đồng)"))
    method = models.CharField(_("hình thức"), max_length=10, choices=Method.choices)
    paid_at = models.DateTimeField(_("thời điểm thanh toán"))
    reference = models.CharField(_("mã giao dịch"), max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("thanh toán")
        verbose_name_plural = _("thanh toán")
        ordering = ["dossier", "paid_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_vnd__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["method", "reference"], condition=~models.Q(reference=""),
                                    name="payment_reference_once"),
        ]

    def __str__(self):
        return f"{self.dossier_id}: {self.amount_vnd:,} đ ({self.get_method_display()})"


class Purpose(models.TextChoices):
    SUBMISSION = "submission", _("Phí, lệ phí nộp cùng hồ sơ")
    FEE_REQUEST = "fee_request", _("Nghĩa vụ tài chính được yêu cầu khi xử lý")


class OrderState(models.TextChoices):
    PENDING = "pending", _("Đang chờ xác nhận từ nền tảng thanh toán")
    SETTLED = "settled", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    EXPIRED = "expired", _("Đã hết hạn")


class PaymentOrder(models.Model):
    """One attempt to pay a dossier's fees online: the signed order sent to the payment platform.

    Only the platform's signed callback settles it (`motcua.payments.online.handle_callback`), never the return
    page. `late` marks a payment the platform confirmed after motcua had given the order up (its expiry had
    passed): the money is recorded all the same and the daily reconciliation lists it.
    """

    code = models.CharField(_("mã đơn hàng"), max_length=32, unique=True)
    dossier = models.ForeignKey("dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT,
                                related_name="payment_orders")
    purpose = models.CharField(_("khoản thanh toán"), max_length=12, choices=Purpose.choices)
    amount_vnd = models.BigIntegerField(_("số tiền (đồng)"))
    description = models.CharField(_("nội dung"), max_length=255)
    state = models.CharField(_("trạng thái"), max_length=8, choices=OrderState.choices, default=OrderState.PENDING)
    created_at = models.DateTimeField(_("tạo lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), null=True,
                                   blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    transaction_id = models.CharField(_("mã giao dịch của nền tảng"), max_length=64, blank=True, default="")
    paid_at = models.DateTimeField(_("thời điểm thanh toán (theo nền tảng)"), null=True, blank=True)
    settled_at = models.DateTimeField(_("thời điểm nhận xác nhận"), null=True, blank=True)
    late = models.BooleanField(_("xác nhận sau khi hết hạn"), default=False)
    payment = models.OneToOneField(Payment, verbose_name=_("khoản thanh toán"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="order")

    class Meta:
        verbose_name = _("đơn hàng thanh toán trực tuyến")
        verbose_name_plural = _("đơn hàng thanh toán trực tuyến")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_vnd__gt=0), name="payment_order_amount_positive"),
            # One platform transaction settles one order, even when two callbacks race.
            models.UniqueConstraint(fields=["transaction_id"], condition=~models.Q(transaction_id=""),
                                    name="payment_order_transaction_once"),
        ]
        indexes = [models.Index(fields=["dossier", "state"]), models.Index(fields=["paid_at"])]

    def __str__(self):
        return f"{self.code} ({self.amount_vnd:,} đ, {self.get_state_display()})"

    def redirect_url(self, base_url: str | None = None) -> str:
        """The platform's payment page for this order, with its signed parameters; `base_url` is where the
        platform reaches motcua (MOTCUA_PAYMENT_SITE_URL when not given)."""
        from motcua.payments import online  # online.py builds on these models

        return online.redirect_url(self, base_url or online.site_url())


class Verdict(models.TextChoices):
    ACCEPTED = "accepted", _("Chấp nhận, đã ghi nhận thanh toán")
    ACCEPTED_LATE = "expired_late", _("Chấp nhận sau khi đơn hàng hết hạn (cần đối soát)")
    DUPLICATE = "duplicate", _("Trùng lặp, đã ghi nhận trước đó")
    ALREADY_SETTLED = "already_settled", _("Đơn hàng đã được thanh toán bằng giao dịch khác (cần đối soát)")
    FAILED = "failed", _("Nền tảng báo giao dịch không thành công")
    FORGED = "forged", _("Chữ ký không hợp lệ")
    AMOUNT_MISMATCH = "amount_mismatch", _("Số tiền không khớp với đơn hàng")
    UNKNOWN_ORDER = "unknown_order", _("Không có đơn hàng này")
    MALFORMED = "malformed", _("Thiếu hoặc sai trường dữ liệu")


class Callback(models.Model):
    """Every callback the payment platform (or anyone) sent to /thanh-toan/thong-bao/, with what motcua made
    of it. Forged and altered ones are kept here and change nothing else."""

    received_at = models.DateTimeField(_("nhận lúc"), db_index=True)
    params = models.JSONField(_("tham số nhận được"))
    order_code = models.CharField(_("mã đơn hàng"), max_length=64, blank=True, default="")
    order = models.ForeignKey(PaymentOrder, verbose_name=_("đơn hàng"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="callbacks")
    verdict = models.CharField(_("kết luận"), max_length=16, choices=Verdict.choices)
    remote_addr = models.CharField(_("địa chỉ gửi"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("thông báo từ nền tảng thanh toán")
        verbose_name_plural = _("thông báo từ nền tảng thanh toán")
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.order_code or '?'}: {self.get_verdict_display()}"


class Reconciliation(models.Model):
    """One daily reconciliation run (`motcua payments reconcile --date D`): motcua's orders settled that day
    against the platform's transaction list of the day. `differences` is a list of
    `{"kind", "order_code", "transaction_id", "amount_here", "amount_there", "text"}`; empty when both agree."""

    day = models.DateField(_("ngày đối soát"), db_index=True)
    run_at = models.DateTimeField(_("chạy lúc"))
    local_count = models.PositiveIntegerField(_("giao dịch tại motcua"))
    platform_count = models.PositiveIntegerField(_("giao dịch tại nền tảng"))
    differences = models.JSONField(_("chênh lệch"), default=list)

    class Meta:
        verbose_name = _("đối soát thanh toán")
        verbose_name_plural = _("đối soát thanh toán")
        ordering = ["-day", "-run_at", "-id"]

    def __str__(self):
        return f"{self.day}: {len(self.differences)} chênh lệch"
