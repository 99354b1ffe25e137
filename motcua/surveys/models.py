"""Service surveys (khảo sát trải nghiệm dịch vụ công): the questionnaire, its openings for chosen
services and a period, the invitations sent to the people who used those services, and their answers.

Anonymity is a property of the tables, not of the pages: a `Response` has no column that leads back to a
person (no invitation, citizen, dossier, token or exact time; a random id, so that not even the order of
rows follows the order in which invitations were used). Only when the opening is not anonymous does a
`NamedResponse` row tie a response to its invitation.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Survey(models.Model):
    """A questionnaire (questions as data, `questionnaire.py`). Once any opening of it has an answer it is
    locked: a change is a new version (a new row pointing at the one it replaces), so that the answers
    always read against the questions they answered."""

    title = models.CharField(_("tên phiếu khảo sát"), max_length=255)
    intro = models.TextField(_("lời giới thiệu"), blank=True, default="")
    questions = models.JSONField(_("câu hỏi"), default=list)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="next_version", verbose_name=_("thay cho phiên bản"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"))
    updated_at = models.DateTimeField(_("sửa lúc"))

    class Meta:
        verbose_name = _("phiếu khảo sát")
        verbose_name_plural = _("phiếu khảo sát")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.title} (v{self.version})"


class Opening(models.Model):
    """One run of a survey (đợt khảo sát): the services (procedures) and, optionally, the units it asks
    about, the days it takes answers, the window of returned dossiers whose applicants are invited, and
    whether answers are anonymous."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="openings")
    name = models.CharField(_("tên đợt khảo sát"), max_length=255)
    procedures = models.ManyToManyField("catalog.Procedure", related_name="+", verbose_name=_("dịch vụ công"))
    # Empty: every unit that decided dossiers of those procedures.
    units = models.ManyToManyField("units.Unit", blank=True, related_name="+", verbose_name=_("đơn vị"))
    opens_on = models.DateField(_("nhận trả lời từ ngày"))
    closes_on = models.DateField(_("đến hết ngày"))
    returned_from = models.DateField(_("hồ sơ trả kết quả từ ngày"))
    returned_to = models.DateField(_("đến ngày"))
    anonymous = models.BooleanField(_("ẩn danh"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"))

    class Meta:
        verbose_name = _("đợt khảo sát")
        verbose_name_plural = _("đợt khảo sát")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                   name="survey_opening_period"),
            models.CheckConstraint(condition=models.Q(returned_to__gte=models.F("returned_from")),
                                   name="survey_opening_window"),
        ]

    def __str__(self):
        return self.name

    def is_open(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class Invitation(models.Model):
    """One person (by identity number) invited to one opening, about the service he used last in the
    window. Only the token's SHA-256 is kept: the link itself is in the message sent."""

    opening = models.ForeignKey(Opening, on_delete=models.PROTECT, related_name="invitations")
    id_number = models.CharField(_("số định danh / mã số thuế"), max_length=20)
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey("dossiers.Dossier", null=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    channels = models.CharField(_("gửi qua"), max_length=20, blank=True, default="")
    created_at = models.DateTimeField(_("mời lúc"))
    used_at = models.DateTimeField(_("đã trả lời lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lời mời khảo sát")
        verbose_name_plural = _("lời mời khảo sát")
        constraints = [models.UniqueConstraint(fields=["opening", "id_number"], name="survey_invitation_once")]
        indexes = [models.Index(fields=["id_number", "used_at"], name="survey_invitation_person")]

    def __str__(self):
        return f"{self.opening_id}:{self.pk}"


class Response(models.Model):
    """One set of answers: the opening, the service and the unit it is about, the day (not the time) it
    was given. Nothing here leads to the person; see the module's docstring."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    opening = models.ForeignKey(Opening, on_delete=models.PROTECT, related_name="responses")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    answered_on = models.DateField(_("ngày trả lời"))
    answers = models.JSONField(_("trả lời"), default=dict)

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")

    def __str__(self):
        return str(self.id)


class NamedResponse(models.Model):
    """The link from a response to its invitation, written only for an opening that is not anonymous."""

    response = models.OneToOneField(Response, primary_key=True, on_delete=models.CASCADE, related_name="named")
    invitation = models.OneToOneField(Invitation, on_delete=models.PROTECT, related_name="named_response")

    class Meta:
        verbose_name = _("người trả lời (khảo sát không ẩn danh)")
        verbose_name_plural = _("người trả lời (khảo sát không ẩn danh)")

    def __str__(self):
        return f"{self.response_id} → {self.invitation_id}"


class SurveyEvent(models.Model):
    """The audit trail of the surveys: who defined, changed, opened a survey and sent its invitations.
    Answers are not events here (an anonymous answer must not be tied to a moment and a person)."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="events")
    opening = models.ForeignKey(Opening, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_label = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=30)
    at = models.DateTimeField()
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("nhật ký khảo sát")
        verbose_name_plural = _("nhật ký khảo sát")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"
