"""Feedback and complaints (phản ánh, kiến nghị, PAKN) about procedures or officers' conduct.

`Feedback` holds the moments that decide indicators 4.1 and 4.2 (`received_at`, `refused_at`,
`answered_at`, `published_at`, `rating`, `raised_again`: the exchange format's `feedback.jsonl`) and the
item's handling in this system. Only `motcua.feedback.lifecycle` writes `status`, `version` and those
moments (the importer writes the moments of imported items, whose `status` stays blank and is read from
them: `current_status`). `FeedbackEvent` is the append-only trail of every step.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import Role
from motcua.dossiers.constants import Rating
from motcua.feedback.constants import STATUS_COLOURS, About, Channel, Status
from motcua.units.models import Unit


class FeedbackQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping method for feedback: provincial monitors and administrators see every item; an
        officer sees the items his unit or a unit below it handles now (a transfer hands the item over);
        a citizen sees the items he filed signed in. Anyone else sees nothing."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        membership = getattr(user, "membership", None)
        role = membership.role if membership is not None else (Role.ADMINISTRATOR if user.is_superuser else None)
        if role in (Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR):
            return self.all()
        if role == Role.CITIZEN:
            return self.filter(submitted_by=user)
        if role is None or membership.unit_id is None:
            return self.none()
        return self.filter(unit_id__in=Unit.objects.subtree_ids(membership.unit_id))


class Feedback(models.Model):
    """A feedback item with the moments that decide indicators 4.1 and 4.2, and its handling."""

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
    dossier = models.ForeignKey("dossiers.Dossier", verbose_name=_("hồ sơ"), null=True, blank=True,
                                on_delete=models.SET_NULL)
    position = models.BigIntegerField(_("thứ tự thay đổi"), default=0, db_index=True)

    # Handling in this system (imported items keep the defaults: channel "import", status blank).
    channel = models.CharField(_("kênh tiếp nhận"), max_length=10, choices=Channel.choices, default=Channel.IMPORT)
    about = models.CharField(_("phản ánh về"), max_length=10, choices=About.choices, blank=True, default="")
    procedure = models.ForeignKey("catalog.Procedure", verbose_name=_("thủ tục"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="feedback")
    officer = models.CharField(_("cán bộ hoặc bộ phận bị phản ánh"), max_length=255, blank=True, default="")
    submitter_name = models.CharField(_("họ và tên người phản ánh"), max_length=255, blank=True, default="")
    submitter_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True, default="")
    submitter_email = models.EmailField(_("thư điện tử"), blank=True, default="")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("tài khoản người phản ánh"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="feedback_filed")
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, blank=True, default="")
    version = models.PositiveIntegerField(_("phiên bản"), default=0)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cán bộ xử lý"), null=True,
                                 blank=True,
                                 on_delete=models.SET_NULL, related_name="feedback_assigned")
    info_requested_at = models.DateTimeField(_("ngày yêu cầu bổ sung thông tin lần đầu"), null=True, blank=True)
    answer_text = models.TextField(_("nội dung trả lời"), blank=True, default="")
    answer_file = models.FileField(_("văn bản trả lời đã ký số"), blank=True, default="", max_length=255)
    answer_sha256 = models.CharField(_("mã băm SHA-256 của văn bản trả lời"), max_length=64, blank=True, default="")
    answer_signer = models.CharField(_("người ký"), max_length=255, blank=True, default="")
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True, default="")
    published_text = models.TextField(_("nội dung công khai"), blank=True, default="")
    rated_at = models.DateTimeField(_("ngày đánh giá"), null=True, blank=True)
    previous = models.ForeignKey("self", verbose_name=_("phản ánh lần trước"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="raised_again_as")

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["status", "received_at"])]

    def __str__(self):
        return self.code

    @property
    def current_status(self) -> Status:
        """The status the lifecycle gave it, or, for an imported item, the one its moments say."""
        if self.status:
            return Status(self.status)
        return status_from_facts(self.refused_at, self.answered_at, self.published_at)

    @property
    def status_label(self) -> str:
        return self.current_status.label

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS[self.current_status]


def status_from_facts(refused_at, answered_at, published_at) -> Status:
    if published_at is not None:
        return Status.PUBLISHED
    if answered_at is not None:
        return Status.ANSWERED
    if refused_at is not None:
        return Status.REFUSED
    return Status.RECEIVED


class FeedbackEvent(models.Model):
    """One step in a feedback item's handling; rows are only ever added (the audit trail)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_label = models.CharField(max_length=255, blank=True, default="")
    action = models.CharField(max_length=24)
    old_status = models.CharField(max_length=16, blank=True, default="")
    new_status = models.CharField(max_length=16)
    at = models.DateTimeField(db_index=True)
    note = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký xử lý phản ánh")
        verbose_name_plural = _("nhật ký xử lý phản ánh")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.feedback_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
