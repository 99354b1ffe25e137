"""Feedback and complaints (phản ánh, kiến nghị, PAKN) about procedures or officers' conduct."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.constants import Rating


class Feedback(models.Model):
    """A feedback item with the moments that decide indicators 4.1 and 4.2."""

    code = models.CharField(_("mã phản ánh"), max_length=64, unique=True)
    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị xử lý"), on_delete=models.PROTECT,
                             related_name="feedback")
    received_at = models.DateTimeField(_("ngày tiếp nhận"), db_index=True)
    refused_at = models.DateTimeField(_("ngày từ chối"), null=True, blank=True)
    answered_at = models.DateTimeField(_("ngày có kết quả trả lời"), null=True, blank=True)
    published_at = models.DateTimeField(_("ngày công khai"), null=True, blank=True)
    rating = models.CharField(_("đánh giá"), max_length=12, choices=Rating.choices, blank=True, default="")
    raised_again = models.BooleanField(_("phản ánh lại"), default=False)
    subject = models.CharField(_("tiêu đề"), max_length=500, blank=True, default="")
    content = models.TextField(_("nội dung"), blank=True, default="")
    dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True, on_delete=models.SET_NULL)
    position = models.BigIntegerField(default=0, db_index=True)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["position", "id"]

    def __str__(self):
        return self.code
