"""Choices of a feedback item (phản ánh, kiến nghị): where it came from, what it is about, its status.

Labels and colours live here, once; templates read them through the model."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PORTAL = "portal", _("Cổng dịch vụ công")
    DESK = "desk", _("Trực tiếp tại Bộ phận Một cửa")
    IMPORT = "import", _("Nhập từ tệp trao đổi dữ liệu")


class About(models.TextChoices):
    PROCEDURE = "procedure", _("Thủ tục hành chính")
    DOSSIER = "dossier", _("Hồ sơ đã nộp")
    CONDUCT = "conduct", _("Hành vi, thái độ của cán bộ")


class Status(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận, đang xử lý")
    INFO_REQUESTED = "info_requested", _("Chờ người phản ánh bổ sung thông tin")
    ANSWERED = "answered", _("Đã có văn bản trả lời, chờ công khai")
    REFUSED = "refused", _("Từ chối xử lý")
    PUBLISHED = "published", _("Đã công khai kết quả trả lời")


OPEN_STATUSES = (Status.RECEIVED, Status.INFO_REQUESTED)

# Badge colours (background; white text has AA contrast on each), like the dossier statuses'.
STATUS_COLOURS = {
    Status.RECEIVED: "#1d4ed8",
    Status.INFO_REQUESTED: "#8a5a00",
    Status.ANSWERED: "#0f766e",
    Status.REFUSED: "#6b7280",
    Status.PUBLISHED: "#166534",
}
