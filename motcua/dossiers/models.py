"""Dossiers (hồ sơ), their pauses, components, hand-overs and the append-only event record."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import Role
from motcua.dossiers.constants import OPEN_STATUSES, Channel, Ending, PauseKind, Rating, Status
from motcua.lib.vnformat import local_moment
from motcua.units.models import Unit

# Up to this many dossiers once held by an officer's units are written into his scope's query as ids.
HELD_INLINE = 2000


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping method of the back office: every view reads dossiers through it.

        Provincial monitors and administrators see every dossier; an officer sees the dossiers that his
        unit or a unit below it received, decides, holds or once held (a hand-over keeps the history
        readable by every unit on the control sheet); a citizen sees the dossiers filed under his own
        identity number (his username). Anyone else sees nothing.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        membership = getattr(user, "membership", None)  # a missing one-to-one raises AttributeError
        role = membership.role if membership is not None else (Role.ADMINISTRATOR if user.is_superuser else None)
        if role in (Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR):
            return self.all()
        if role == Role.CITIZEN:
            return self.filter(applicant_id_number=user.get_username()) if user.get_username() else self.none()
        if role is None or membership.unit_id is None:
            return self.none()
        units = Unit.objects.subtree_ids(membership.unit_id)
        held = Handover.objects.filter(unit_id__in=units).values("dossier_id")
        # The ids themselves when they are few: a sub-select inside the OR stops PostgreSQL from combining
        # the four conditions' indexes, and every query of an officer's scope would read the whole table.
        few = list(held.values_list("dossier_id", flat=True).order_by().distinct()[:HELD_INLINE + 1])
        if len(few) <= HELD_INLINE:
            held = few
        return self.filter(
            models.Q(unit_id__in=units) | models.Q(received_by_id__in=units) | models.Q(holder_id__in=units)
            | models.Q(pk__in=held))


class Dossier(models.Model):
    """A dossier filed for one procedure, with every fact the exchange format and the index need.

    Only `motcua.dossiers.lifecycle` writes `status` and `version`: `create_dossier` (the first status),
    `transition` (every later change) and `ImportedDossiers` (imports); each writes the event rows in the
    same transaction. `version` makes every change a compare-and-update so that two officers can never both
    move the same dossier (tests/dossiers/test_status_writers.py finds any other writer).
    """

    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    procedure = models.ForeignKey("catalog.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT,
                                  related_name="dossiers")
    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị giải quyết"), on_delete=models.PROTECT,
                             related_name="dossiers")
    received_by = models.ForeignKey("units.Unit", verbose_name=_("đơn vị tiếp nhận"),
                                    on_delete=models.PROTECT,
                                    related_name="received_dossiers")
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices)
    full_online = models.BooleanField(_("toàn trình"), default=False)
    status = models.PositiveSmallIntegerField(_("trạng thái"), choices=Status.choices, db_index=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=0)

    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), db_index=True)
    due_at = models.DateTimeField(_("ngày hẹn trả"), db_index=True)
    # False when the import computed due_at; the export then writes null again so a round trip is exact.
    due_given = models.BooleanField(_("đã có ngày hẹn trả"), default=True)
    resolved_at = models.DateTimeField(_("ngày xử lý xong"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    ended = models.CharField(_("kết thúc khác"), max_length=10, choices=Ending.choices, blank=True, default="")
    ended_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    synced_at = models.DateTimeField(_("đồng bộ lên Cổng DVCQG"), null=True, blank=True)

    fee_vnd = models.BigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    paid_online_at = models.DateTimeField(_("thanh toán trực tuyến lúc"), null=True, blank=True)

    digitized = models.BooleanField(_("đã số hóa"), default=False)
    e_result_code = models.CharField(_("mã kết quả điện tử"), max_length=64, blank=True, default="")
    e_result_issued_at = models.DateTimeField(_("ngày cấp kết quả điện tử"), null=True, blank=True)
    reused_data = models.BooleanField(_("tái sử dụng dữ liệu số hóa"), default=False)
    from_data_store = models.BooleanField(_("lấy từ kho dữ liệu cá nhân"), default=False)
    result_to_data_store = models.BooleanField(_("đẩy kết quả vào kho dữ liệu cá nhân"), default=False)
    citizen_data = models.BooleanField(_("sử dụng dữ liệu dân cư / VNeID"), default=False)
    rating = models.CharField(_("đánh giá"), max_length=12, choices=Rating.choices, blank=True, default="")
    complaint = models.BooleanField(_("có phản ánh"), default=False)

    applicant_name = models.CharField(_("người nộp"), max_length=255, blank=True, default="")
    applicant_id_number = models.CharField(_("số định danh"), max_length=20, blank=True, default="")
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True, default="")
    # Where notifications go (motcua.notify): an e-mail here, an SMS to the phone; blank sends none there.
    applicant_email = models.EmailField(_("thư điện tử"), blank=True, default="")
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True, default="")
    holder = models.ForeignKey("units.Unit", verbose_name=_("đơn vị đang giữ"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="held_dossiers")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cán bộ xử lý"), null=True,
                                 blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_dossiers")
    import_batch = models.ForeignKey("interchange.ImportBatch", verbose_name=_("lần nhập dữ liệu"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="dossiers")
    # Order of dossiers.jsonl, kept so that an export writes the lines back in the order they came.
    position = models.BigIntegerField(_("thứ tự thay đổi"), default=0, db_index=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["unit", "received_at"], name="dossier_unit_received"),
            models.Index(fields=["status", "due_at"], name="dossier_open_due"),
            # The work queue's open dossiers in due order (office/views/queue.py, `QueueRows`): a page is read
            # along this small index instead of sorting every open dossier of the province.
            models.Index(fields=["due_at", "id"], condition=models.Q(status__in=[int(s) for s in OPEN_STATUSES]),
                         name="dossier_queue_open"),
            # A citizen's dossiers (`visible_to` filters on his number), newest first as his list shows them.
            models.Index(fields=["applicant_id_number", "-received_at"], name="dossier_applicant"),
        ]

    def __str__(self):
        return self.code

    @property
    def end_at(self):
        """The end of processing: the earliest of resolved, returned and ended (interchange.md)."""
        moments = [m for m in (self.resolved_at, self.returned_at, self.ended_at) if m is not None]
        return min(moments) if moments else None


class DossierPause(models.Model):
    """A supplement request (yêu cầu bổ sung) or a fee wait (chờ nghĩa vụ tài chính): stops the clock once completed."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=10, choices=PauseKind.choices)
    requested_at = models.DateTimeField(_("thời điểm yêu cầu"))
    completed_at = models.DateTimeField(_("thời điểm hoàn thành"), null=True, blank=True)
    reason = models.TextField(_("nội dung yêu cầu"), blank=True, default="")

    class Meta:
        verbose_name = _("tạm dừng")
        verbose_name_plural = _("tạm dừng")
        ordering = ["dossier", "requested_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {local_moment(self.requested_at)}"


class DossierEvent(models.Model):
    """The append-only history of a dossier: who did what, from which status to which, when."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=255, blank=True, default="")
    action = models.CharField(_("thao tác"), max_length=40)
    old_status = models.PositiveSmallIntegerField(choices=Status.choices, null=True)
    new_status = models.PositiveSmallIntegerField(choices=Status.choices)
    at = models.DateTimeField(_("thời điểm"))
    note = models.TextField(_("ghi chú"), blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký hồ sơ")
        verbose_name_plural = _("nhật ký hồ sơ")
        ordering = ["dossier", "at", "id"]

    def __str__(self):
        return f"{self.action} {local_moment(self.at)}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Dossier events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Dossier events are append-only.")


class DossierComponent(models.Model):
    """One component (thành phần hồ sơ) of a dossier, digitised or not."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    digitized = models.BooleanField(_("đã số hóa"), default=False)
    file = models.FileField(_("tệp"), upload_to="components/%Y/%m/", null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True, default="")
    from_data_store = models.BooleanField(_("lấy từ kho dữ liệu"), default=False)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self):
        return self.name


class Handover(models.Model):
    """One line of the processing control sheet (phiếu kiểm soát quá trình giải quyết): who held it, when."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="handovers")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)
    received_at = models.DateTimeField(_("nhận lúc"))
    due_at = models.DateTimeField(_("hạn xử lý của bước"), null=True, blank=True)
    released_at = models.DateTimeField(_("chuyển lúc"), null=True, blank=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("bước luân chuyển")
        verbose_name_plural = _("phiếu kiểm soát quá trình")
        ordering = ["dossier", "received_at", "id"]

    def __str__(self):
        return f"{self.unit_id} {local_moment(self.received_at)}"


class DossierCodeSequence(models.Model):
    """The last sequence number a unit issued on a day; its unique key makes dossier codes unique."""

    unit_code = models.CharField(max_length=40)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_code", "day"], name="dossier_code_sequence_once")]

    def __str__(self):
        return f"{self.unit_code} {self.day}: {self.last}"
