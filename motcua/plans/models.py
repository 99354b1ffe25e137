"""Plans (kế hoạch) and their tasks (nhiệm vụ), the lead units' progress updates and evidence, the monthly
reports every unit of a plan owes, the campaign's weekly reports, and one audit trail for all of them.

Progress is never edited: an update, a piece of evidence, a report and an event are rows that are added,
never changed or deleted (`AppendOnly`). A task's status is not stored; it is derived from its deadline and
its lead units' latest updates by `motcua.plans.status` (the one definition of a late task).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """A row of an append-only table cannot be changed or deleted."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} is append-only")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} is append-only")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} is append-only")


class Plan(models.Model):
    """A plan of the province (kế hoạch) with its tasks; every lead or coordinating unit reports on it
    monthly before `report_day` (seed 003: "Định kỳ trước ngày 20 hàng tháng")."""

    key = models.SlugField(_("mã kế hoạch"), max_length=60, unique=True)
    title = models.TextField(_("tên kế hoạch"))
    decision_number = models.CharField(_("số văn bản căn cứ"), max_length=60, blank=True, default="")
    decision_date = models.DateField(_("ngày văn bản căn cứ"), null=True, blank=True)
    period_start = models.DateField(_("thực hiện từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    reports_from = models.DateField(_("báo cáo tháng từ tháng"), help_text=_("ngày đầu của tháng báo cáo đầu tiên"))
    report_day = models.PositiveSmallIntegerField(_("báo cáo tháng trước ngày"), default=20)
    source = models.TextField(_("nguồn"), blank=True, default="")

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-period_start", "id"]

    def __str__(self):
        return self.title


class Recurrence(models.TextChoices):
    NONE = "", _("Một lần")
    MONTHLY = "monthly", _("Hằng tháng")
    ONGOING = "ongoing", _("Thường xuyên")


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    number = models.CharField(_("số thứ tự"), max_length=20)
    title = models.CharField(_("nhiệm vụ"), max_length=300)
    description = models.TextField(_("nội dung"), blank=True, default="")
    lead_units = models.ManyToManyField("units.Unit", related_name="plan_tasks_led", verbose_name=_("đơn vị chủ trì"))
    coordinating_units = models.ManyToManyField("units.Unit", related_name="plan_tasks_coordinated", blank=True,
                                                verbose_name=_("đơn vị phối hợp"))
    # A one-off task has a date; a recurring one a day of the month ("hằng tháng trước ngày 20"); an ongoing
    # one ("thường xuyên") neither. `deadline_text` is how the plan writes it.
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    recurrence = models.CharField(_("lặp lại"), max_length=10, choices=Recurrence.choices, blank=True, default="")
    recurrence_day = models.PositiveSmallIntegerField(_("trước ngày (hằng tháng)"), null=True, blank=True)
    deadline_text = models.CharField(_("thời hạn theo kế hoạch"), max_length=120, blank=True, default="")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_task_number_unique")]

    def __str__(self):
        return f"{self.number}. {self.title}"


class TaskUpdate(AppendOnly):
    """A lead unit's account of its progress: what was done and how far (percent)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("kết quả thực hiện"))
    percent = models.PositiveSmallIntegerField(_("mức độ hoàn thành (%)"))
    at = models.DateTimeField(_("lúc"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(percent__lte=100), name="plans_update_percent_max")]

    def __str__(self):
        return f"{self.task.number}: {self.percent}%"


class Evidence(AppendOnly):
    """A file proving progress (a signed document, a scan), checked by the one upload rule."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="evidence")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên tệp"), max_length=255)
    file = models.FileField(_("tệp"), upload_to="plans/evidence/%Y/%m/")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    note = models.CharField(_("mô tả"), max_length=300, blank=True, default="")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return self.name


class MonthlyReport(AppendOnly):
    """A unit's report on a plan for one month (`month` is the month's first day), submitted once."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="monthly_reports")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("tháng"))
    text = models.TextField(_("nội dung báo cáo"), blank=True, default="")
    figures = models.JSONField(_("số liệu"), default=dict, blank=True)
    signed_file = models.FileField(_("báo cáo đã ký"), upload_to="plans/reports/%Y/%m/", blank=True, default="")
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["month", "unit__position", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "unit", "month"], name="plans_monthly_once")]

    def __str__(self):
        return f"{self.unit} {self.month:%m/%Y}"


class CampaignReport(AppendOnly):
    """A unit's weekly report during the campaign (or its final report), with the index figures of the week
    as they were when it was submitted."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Báo cáo tuần")
        FINAL = "final", _("Báo cáo tổng kết")

    campaign = models.CharField(max_length=60)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WEEKLY)
    week_start = models.DateField(_("từ ngày"))
    week_end = models.DateField(_("đến ngày"))
    text = models.TextField(_("kết quả thực hiện"))
    figures = models.JSONField(_("số liệu chỉ số"), default=dict, blank=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["week_start", "unit__position", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "kind", "week_start"],
                                               name="plans_campaign_report_once")]

    def __str__(self):
        return f"{self.unit} {self.week_start:%d/%m/%Y}"


class TaskEvent(AppendOnly):
    """The audit trail: every change to a plan's tasks and reports (and the campaign's reports, which belong
    to no plan), who made it and when."""

    class Kind(models.TextChoices):
        SEEDED = "seeded", _("Nạp từ kế hoạch")
        UPDATED = "updated", _("Cập nhật tiến độ")
        EVIDENCE = "evidence", _("Thêm tài liệu minh chứng")
        MONTHLY = "monthly", _("Gửi báo cáo tháng")
        CAMPAIGN = "campaign", _("Gửi báo cáo chiến dịch")

    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_label = models.CharField(max_length=120, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%d/%m/%Y %H:%M}"
