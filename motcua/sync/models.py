"""The audit trail of operators' retries of refused portal items.

A retry changes no dossier (its status and version are the lifecycle's), only an outbox item: it puts an
item the portal refused back in the queue. Who did it, when, and what the portal had answered are kept
here, one row per retry, so that the provincial page's button leaves a trace.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Retry(models.Model):
    """An operator put a refused portal item back in the queue."""

    item = models.ForeignKey("outbox.Item", on_delete=models.CASCADE, related_name="+")
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=100)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("thời điểm"))
    previous_error = models.TextField(_("lý do bị từ chối"), blank=True, default="")
    attempts = models.PositiveIntegerField(_("số lần đã gửi"), default=0)

    class Meta:
        verbose_name = _("gửi lại lên Cổng DVCQG")
        verbose_name_plural = _("gửi lại lên Cổng DVCQG")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.dossier_code} ({self.at:%Y-%m-%d %H:%M})"
