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

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    full_name = models.CharField(_("họ và tên"), max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("cán bộ / tài khoản")
        verbose_name_plural = _("cán bộ / tài khoản")

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"
