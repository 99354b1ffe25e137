"""The audit record of each import of an exchange-format folder."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One `motcua import` run: where from, the files' digest, and how many rows of each kind it took."""

    folder = models.CharField(_("thư mục"), max_length=1000)
    digest = models.CharField(_("mã băm"), max_length=64, db_index=True)
    imported_at = models.DateTimeField(_("thời điểm nhập"), auto_now_add=True)
    counts = models.JSONField(_("số lượng"), default=dict)

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.folder} ({self.imported_at:%Y-%m-%d %H:%M})"
