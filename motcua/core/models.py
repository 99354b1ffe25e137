"""Who works where and in which role (vai trò), the basis of every access check."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DESK_OFFICER = "desk", _("Cán bộ tiếp nhận")
    PROCESSING_OFFICER = "processor", _("Chuyên viên xử lý")
    UNIT_LEADER = "leader", _("Lãnh đạo đơn vị")
    # Sees the dossiers of his unit and the units below it, changes nothing (e.g. an inspector of the unit).
    VIEWER = "viewer", _("Cán bộ theo dõi (chỉ xem)")
    PROVINCIAL_MONITOR = "monitor", _("Giám sát cấp tỉnh")
    ADMINISTRATOR = "admin", _("Quản trị hệ thống")
    CITIZEN = "citizen", _("Công dân, doanh nghiệp")


class Membership(models.Model):
    """A user's unit and role. Officers act within their unit and the units below it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"),
                                on_delete=models.CASCADE, related_name="membership")
    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="members")
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    full_name = models.CharField(_("họ và tên"), max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("cán bộ / tài khoản")
        verbose_name_plural = _("cán bộ / tài khoản")

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class AuditEntry(models.Model):
    """One link of the hash-chained audit log (motcua/core/audit.py): every action and admin change, in order.

    `hash` is SHA-256 over the canonical JSON of the other fields and `prev_hash`, so changing a row breaks
    its own hash and removing one breaks `seq` or the next row's `prev_hash` (`motcua audit verify`).
    The actor is kept as a plain id (no foreign key) so that deleting a user never rewrites the chain.
    A row is written unsealed (`seq`, `hash` null) in the action's transaction and sealed after commit."""

    seq = models.PositiveBigIntegerField(_("số thứ tự"), unique=True, null=True, blank=True)
    at = models.DateTimeField(_("thời điểm"))
    actor_id = models.BigIntegerField(_("người thực hiện (mã)"), null=True, blank=True)
    actor_label = models.CharField(_("người thực hiện"), max_length=255, blank=True, default="")
    kind = models.CharField(_("loại"), max_length=80)
    object_type = models.CharField(_("loại đối tượng"), max_length=80, blank=True, default="")
    object_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True, default="")
    summary = models.TextField(_("tóm tắt"), blank=True, default="")
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("nhật ký kiểm toán")
        verbose_name_plural = _("nhật ký kiểm toán")
        ordering = ["seq"]

    def __str__(self):
        return f"#{self.seq} {self.kind} {self.object_type} {self.object_id}"


class AuditTail(models.Model):
    """The one row holding the chain's last seq and hash: locked by the one sealer at work, so links never fork, and
    compared by `motcua audit verify` with the last row, so removing the newest rows is found too."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("đuôi nhật ký kiểm toán")
        verbose_name_plural = _("đuôi nhật ký kiểm toán")

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}"
