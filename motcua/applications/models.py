"""Online applications (nộp hồ sơ trực tuyến): each procedure's form as data, the citizen's drafts and what
was submitted.

A form definition is JSON validated by `motcua.applications.formdef` (fields, their types, which come from
the population data, the components with their accepted files); a new version is a new row, and a draft
keeps the version it was started on, so changing a form never breaks a draft half filled in.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FormDefinition(models.Model):
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="form_definitions")
    version = models.PositiveIntegerField(_("phiên bản"))
    definition = models.JSONField(_("định nghĩa biểu mẫu"))
    # Where it came from: a file of motcua/applications/data/forms/ or "catalog" (built from the components).
    source = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("biểu mẫu điện tử")
        verbose_name_plural = _("biểu mẫu điện tử")
        ordering = ["procedure", "-version"]
        constraints = [models.UniqueConstraint(fields=["procedure", "version"], name="form_version_once")]

    def __str__(self):
        return f"{self.procedure.code} v{self.version}"


class Draft(models.Model):
    """An application being filled in. Saved at every change; becomes a dossier once, when submitted."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="drafts")
    form = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="drafts")
    unit = models.ForeignKey("units.Unit", verbose_name=_("nơi giải quyết"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the applicant signed in before starting (the session's moment): sign-in to submission is measured.
    signed_in_at = models.DateTimeField(null=True, blank=True)
    # Assisted online submission (nộp trực tuyến có hỗ trợ tại Bộ phận Một cửa): the officer and the consent.
    assisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="assisted_drafts")
    consent_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    dossier = models.OneToOneField("dossiers.Dossier", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="draft")

    class Meta:
        verbose_name = _("hồ sơ nháp")
        verbose_name_plural = _("hồ sơ nháp")
        ordering = ["-updated_at", "-id"]

    def __str__(self):
        return f"{self.procedure.code} #{self.pk}"


class DraftAttachment(models.Model):
    """A component of a draft: an uploaded file checked by content, or a result from the data store."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="attachments")
    component = models.CharField(max_length=60)
    file = models.FileField(upload_to="drafts/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255, blank=True, default="")
    # Set when taken from the citizen's personal data store instead of uploaded (from_data_store).
    stored_result_code = models.CharField(max_length=64, blank=True, default="")
    attached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["draft", "component"], name="draft_component_once")]

    def __str__(self):
        return f"{self.draft_id}/{self.component}"


class Submission(models.Model):
    """What was submitted with a dossier: the answers, the form version, and the time it took."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="submission")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    form = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    # The field names whose values came from the population data (not typed by the applicant).
    prefilled = models.JSONField(default=list)
    submitted_at = models.DateTimeField(db_index=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    seconds_from_sign_in = models.PositiveIntegerField(null=True, blank=True)
    assisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    consent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông tin nộp trực tuyến")
        verbose_name_plural = _("thông tin nộp trực tuyến")

    def __str__(self):
        return str(self.dossier_id)
