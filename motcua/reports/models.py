"""Published (issued) reports: frozen snapshots that never change once written.

A `PublishedReport` keeps what was printed and why: the letterhead (number, signer, issuing body, place,
date), the period, the rule set (name, version and the SHA-256 of its file's content), the state of the
data when the numbers were read (the change clock's watermark and counts), every number as JSON, and the
rendered files (`PublishedFile`: the exact bytes with their SHA-256). Saving an existing row or deleting
one is refused: a correction is a new report with a new number, as for any administrative document.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frozen(Exception):
    """An attempt to change or delete an issued report."""


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("Báo cáo tuần Bộ chỉ số 766 (Phụ lục I, II)")
    CHAIRMAN = "chairman", _("Báo cáo tuần gửi Chủ tịch UBND tỉnh (chỉ tiêu chiến dịch, Phụ lục I, II)")
    MONTHLY_PLAN = "monthly_plan", _("Báo cáo tháng thực hiện kế hoạch")


class FrozenQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise Frozen("issued reports are never changed")

    def delete(self):
        raise Frozen("issued reports are never deleted")


class PublishedReport(models.Model):
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    # The letterhead, as printed.
    number = models.CharField(_("số văn bản"), max_length=60)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    place = models.CharField(max_length=60)
    document_date = models.DateField(_("ngày văn bản"))
    signer_name = models.CharField(max_length=120, blank=True)
    signer_title = models.CharField(max_length=200, blank=True)
    recipients = models.JSONField(default=list)
    title = models.CharField(max_length=400)
    # What was reported on.
    period_from = models.DateField()
    period_to = models.DateField()
    parameters = models.JSONField(default=dict)  # what re-computes it: day, cumulative, plan, month …
    rules_name = models.CharField(max_length=60, blank=True)
    rules_version = models.CharField(max_length=40, blank=True)
    rules_sha256 = models.CharField(max_length=64, blank=True)
    # The data's state when the numbers were read (motcua.changes.tracking.watermark) and counts.
    data_seq = models.BigIntegerField()
    data_catalog = models.BigIntegerField()
    data_generation = models.BigIntegerField()
    data_token = models.CharField(max_length=64, blank=True)
    data_counts = models.JSONField(default=dict)
    evaluated_at = models.CharField(max_length=40, blank=True)  # the index's moment t, as the JSON has it
    numbers = models.JSONField()  # every number the files print
    numbers_sha256 = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    objects = FrozenQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="report_number_once_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} số {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise Frozen("issued reports are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Frozen("issued reports are never deleted")


class PublishedFile(models.Model):
    """One rendered file of an issued report, stored byte for byte."""

    report = models.ForeignKey(PublishedReport, on_delete=models.PROTECT, related_name="files")
    fmt = models.CharField(max_length=8)  # "pdf", "xlsx"
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    objects = FrozenQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "fmt"], name="one_file_per_format")]

    def __str__(self):
        return self.filename

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise Frozen("issued files are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Frozen("issued files are never deleted")

    def verified_bytes(self) -> bytes:
        """The stored bytes, after checking them against the hash written with them."""
        data = bytes(self.content)
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise Frozen(f"stored file {self.filename} does not match its SHA-256")
        return data
