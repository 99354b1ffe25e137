"""The procedure catalog (danh mục thủ tục hành chính) and who may decide what (thẩm quyền)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")


class OnlineLevel(models.TextChoices):
    NONE = "none", _("Chưa cung cấp DVCTT")
    PARTIAL = "partial", _("DVCTT một phần")
    FULL = "full", _("DVCTT toàn trình")


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) as published on the national TTHC database."""

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    name = models.TextField(_("tên thủ tục"))
    field = models.CharField(_("lĩnh vực"), max_length=200)
    level = models.CharField(_("cấp thực hiện"), max_length=10, choices=Level.choices)
    time_limit = models.DecimalField(_("thời hạn giải quyết"), max_digits=8, decimal_places=2)
    time_unit = models.CharField(_("đơn vị thời hạn"), max_length=16, choices=TimeUnit.choices)
    fee_vnd = models.BigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    written_result = models.BooleanField(_("kết quả bằng văn bản"), default=True)
    online_level = models.CharField(_("mức độ DVCTT"), max_length=8, choices=OnlineLevel.choices)
    full_online_eligible = models.BooleanField(_("đủ điều kiện toàn trình"), default=False)
    # Not part of the exchange format: the province may require a fully online procedure to be filed online
    # only; the desk then files it with the citizen as an assisted online submission (docs/decisions.md).
    online_required = models.BooleanField(
        _("bắt buộc nộp trực tuyến"), default=False,
        help_text=_("Chỉ áp dụng cho thủ tục đủ điều kiện toàn trình: Bộ phận Một cửa không nhận hồ sơ giấy mà "
                    "hỗ trợ công dân nộp trực tuyến."))
    for_citizens = models.BooleanField(_("đối tượng công dân"), default=True)
    decision_date = models.DateField(_("ngày quyết định công bố"))
    legal_effective_date = models.DateField(_("ngày hiệu lực của văn bản quy định"))
    published_at = models.DateField(_("ngày công khai trên CSDL quốc gia"), null=True, blank=True)
    parts_complete = models.BooleanField(_("công khai đủ 7 bộ phận"), default=True)
    fee_integrated = models.BooleanField(_("tích hợp thanh toán trực tuyến"), default=False)
    # Not part of the exchange format (rules.md): same-day services may stop counting a day at a cut-off.
    same_day_cutoff = models.TimeField(_("giờ chốt trong ngày"), null=True, blank=True)
    # Per-procedure override of the yearly online-reduction policy, in percent.
    online_reduction_percent = models.PositiveSmallIntegerField(
        _("rút ngắn thời hạn khi nộp trực tuyến (%)"), null=True, blank=True)
    # Not part of the exchange format: calendar days an applicant has to answer a supplement request before
    # the dossier ends (blank: the province's MOTCUA_SUPPLEMENT_DAYS; motcua/office/supplements.py).
    supplement_days = models.PositiveSmallIntegerField(
        _("thời hạn bổ sung hồ sơ (ngày)"), null=True, blank=True,
        help_text=_("Số ngày (theo lịch) người nộp có để bổ sung hồ sơ theo yêu cầu; quá hạn mà không bổ sung thì "
                    "dừng giải quyết hồ sơ. Để trống: dùng thời hạn chung của tỉnh."))
    position = models.PositiveIntegerField(_("thứ tự"), default=0, db_index=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        super().clean()
        if self.online_required and not self.full_online_eligible:
            raise ValidationError({"online_required": _(
                "Chỉ thủ tục đủ điều kiện cung cấp dịch vụ công trực tuyến toàn trình mới có thể bắt buộc nộp "
                "trực tuyến.")})


class ProcedureComponent(models.Model):
    """A dossier component (thành phần hồ sơ) that the procedure asks for."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "position"]

    def __str__(self):
        return self.name


class Authority(models.Model):
    """Which unit may decide which procedure (authority.csv)."""

    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị"), on_delete=models.CASCADE,
                             related_name="authorities")
    procedure = models.ForeignKey(Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE,
                                  related_name="authorities")
    position = models.PositiveIntegerField(_("thứ tự"), default=0, db_index=True)

    class Meta:
        verbose_name = _("thẩm quyền giải quyết")
        verbose_name_plural = _("thẩm quyền giải quyết")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "procedure"], name="authority_once")]

    def __str__(self):
        return f"{self.unit.code} → {self.procedure.code}"


class OnlineReductionPolicy(models.Model):
    """How much shorter the time limit of an online dossier is, per year (chính sách rút ngắn thời gian).

    The provincial plan implementing Decision 1565 (seed 003) sets at least 20% in 2025 and 30% in 2026;
    a commune proposed 10% / 20% (seed 000). The percentages are data so that the negotiated value can be set.
    """

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    percent = models.PositiveSmallIntegerField(_("tỷ lệ rút ngắn (%)"))
    note = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("chính sách rút ngắn thời hạn trực tuyến")
        verbose_name_plural = _("chính sách rút ngắn thời hạn trực tuyến")
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}: {self.percent}%"


class ResultTemplate(models.Model):
    """A procedure's result document as data (mẫu kết quả giải quyết): title, lines, paragraphs, signer.

    The definition is JSON read by `motcua.results.templates`; `motcua results load` stores the entries of
    `motcua/results/data/result_templates.json`, a changed one as the next version. The latest version is
    used for the preview and the signing; a procedure without one gets the generic result.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="result_templates")
    version = models.PositiveIntegerField(_("phiên bản"))
    definition = models.JSONField(_("định nghĩa mẫu kết quả"))
    source = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mẫu kết quả giải quyết")
        verbose_name_plural = _("mẫu kết quả giải quyết")
        ordering = ["procedure", "-version"]
        constraints = [models.UniqueConstraint(fields=["procedure", "version"], name="result_template_version_once")]

    def __str__(self):
        return f"{self.procedure.code} v{self.version}"
