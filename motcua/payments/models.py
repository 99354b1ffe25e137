"""Payments of fees and charges (phí, lệ phí) for a dossier."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    ONLINE = "online", _("Thanh toán trực tuyến")
    CASH = "cash", _("Tiền mặt tại Bộ phận Một cửa")
    TRANSFER = "transfer", _("Chuyển khoản")


class Payment(models.Model):
    """One payment. The dossier's `paid_online_at` is the moment of its first successful online payment."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="payments")
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
