"""Dossier statuses and channels with the national portal's codes (TrangThaiHoSo, KenhThucHien).

Each status carries its Vietnamese label and its colour here, and nowhere else.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.IntegerChoices):
    SUBMITTED = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    WAITING_FEES = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    RESOLVED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


STATUS_COLOURS = {
    Status.SUBMITTED: "#6c757d",
    Status.RECEIVED: "#0d6efd",
    Status.REFUSED: "#842029",
    Status.PROCESSING: "#0a58ca",
    Status.SUPPLEMENT_REQUESTED: "#8a6300",  # dark gold: white text on it keeps the 4.5:1 contrast (WCAG AA)
    Status.WAITING_FEES: "#8a6300",  # dark gold: white text on it keeps the 4.5:1 contrast (WCAG AA)
    Status.WITHDRAWN: "#6c757d",
    Status.STOPPED: "#842029",
    Status.RESOLVED: "#198754",
    Status.RETURNED: "#146c43",
}

# Before the end of processing (rules.md "End of processing"): the statuses of the work queue, the
# home page's "đang giải quyết" and the overdue counts.
OPEN_STATUSES = (Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED,
                 Status.WAITING_FEES)


class Channel(models.IntegerChoices):
    IN_PERSON = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Qua dịch vụ bưu chính công ích")


# Exchange-format spelling of each channel (interchange.md).
CHANNEL_BY_NAME = {"in_person": Channel.IN_PERSON, "online": Channel.ONLINE, "postal": Channel.POSTAL}
CHANNEL_NAMES = {v: k for k, v in CHANNEL_BY_NAME.items()}


class Ending(models.TextChoices):
    NONE = "", _("—")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")


class Rating(models.TextChoices):
    NONE = "", _("Chưa đánh giá")
    SATISFIED = "satisfied", _("Hài lòng")
    UNSATISFIED = "unsatisfied", _("Không hài lòng")


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung")
    FEE_WAIT = "fee_wait", _("Chờ thực hiện nghĩa vụ tài chính")
