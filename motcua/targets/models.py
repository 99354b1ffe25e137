"""Targets (chỉ tiêu) as data with history.

A target says: for this measure (`measures.py`), at this scope (the province, a unit, an officer), over
this period, the value must be at least (or at most) this much, by this programme and document.

Targets are never edited in place. Changing one creates a new row and marks the old one superseded
(`superseded_by`, `superseded_at`, `changed_by`); withdrawing one marks it superseded with no successor.
`Target.objects.current()` are the rows not superseded. The writers are in `motcua.targets.history`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.targets import measures


class Scope(models.TextChoices):
    PROVINCE = "province", _("Toàn tỉnh")
    UNIT = "unit", _("Đơn vị")
    OFFICER = "officer", _("Cán bộ")


class Comparison(models.TextChoices):
    AT_LEAST = measures.AT_LEAST, "≥"
    AT_MOST = measures.AT_MOST, "≤"


class TargetQuerySet(models.QuerySet):
    def current(self):
        """Targets in force: not superseded and not withdrawn."""
        return self.filter(superseded_at__isnull=True)

    def active_on(self, day):
        """Current targets whose period contains `day`."""
        return self.current().filter(start__lte=day, end__gte=day)

    def for_unit(self, unit):
        return self.filter(scope=Scope.UNIT, unit=unit)

    def for_officers_of(self, unit_ids):
        return self.filter(scope=Scope.OFFICER, officer__membership__unit_id__in=unit_ids)


class Target(models.Model):
    measure = models.CharField(_("chỉ tiêu về"), max_length=40,
                               help_text=_("Một thước đo của danh mục, hoặc “indicator:2.1” cho một chỉ số 766."))
    scope = models.CharField(_("phạm vi"), max_length=10, choices=Scope.choices, default=Scope.PROVINCE)
    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="targets")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="targets")
    value = models.DecimalField(_("giá trị"), max_digits=10, decimal_places=2,
                                help_text=_("Phần trăm (92 = 92%), điểm, phút hoặc số hồ sơ, tùy chỉ tiêu."))
    comparison = models.CharField(_("so sánh"), max_length=2, choices=Comparison.choices,
                                  default=Comparison.AT_LEAST)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    programme = models.CharField(_("chương trình, kế hoạch"), max_length=255,
                                 help_text=_("Ví dụ: Chiến dịch 45 ngày; Kế hoạch năm 2026."))
    document_number = models.CharField(_("số văn bản"), max_length=64, blank=True, default="")
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    document_title = models.CharField(_("trích yếu văn bản"), max_length=500, blank=True, default="")
    note = models.TextField(_("ghi chú"), blank=True, default="")

    created_at = models.DateTimeField(_("tạo lúc"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("lý do tạo, điều chỉnh"), blank=True, default="")
    superseded_by = models.OneToOneField("self", verbose_name=_("được thay bằng"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="supersedes")
    superseded_at = models.DateTimeField(_("hết hiệu lực lúc"), null=True, blank=True, db_index=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người điều chỉnh, thu hồi"),
                                   null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    superseded_reason = models.TextField(_("lý do hết hiệu lực"), blank=True, default="")

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ("start", "programme", "scope", "measure", "id")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="target_period_order"),
            models.CheckConstraint(
                condition=(Q(scope=Scope.PROVINCE, unit__isnull=True, officer__isnull=True)
                           | Q(scope=Scope.UNIT, unit__isnull=False, officer__isnull=True)
                           | Q(scope=Scope.OFFICER, officer__isnull=False)),
                name="target_scope_fields"),
            models.CheckConstraint(condition=Q(superseded_by__isnull=True) | Q(superseded_at__isnull=False),
                                   name="target_superseded_when"),
        ]
        indexes = [models.Index(fields=["scope", "unit", "measure"]),
                   models.Index(fields=["officer", "measure"])]

    def __str__(self):
        return f"{self.measure_label} {self.get_comparison_display()} {self.value_text}"

    @property
    def measure_info(self) -> measures.Measure:
        return measures.measure(self.measure)

    @property
    def measure_label(self) -> str:
        try:
            return self.measure_info.label
        except KeyError:
            return self.measure

    @property
    def value_text(self) -> str:
        from motcua.lib.vnformat import number

        try:
            symbol = self.measure_info.unit_symbol
        except KeyError:
            symbol = ""
        text = number(self.value, 0 if self.value == self.value.to_integral_value() else 2)
        return f"{text}%" if symbol == "%" else f"{text} {symbol}".rstrip()

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def scope_label(self) -> str:
        if self.scope == Scope.OFFICER and self.officer_id:
            membership = getattr(self.officer, "membership", None)
            return (membership.full_name if membership and membership.full_name else self.officer.username)
        if self.scope == Scope.UNIT and self.unit_id:
            return self.unit.name
        return str(Scope.PROVINCE.label)

    def lineage(self) -> list["Target"]:
        """This target and the ones it replaced, newest first."""
        chain, row = [], self
        while row is not None:
            chain.append(row)
            row = Target.objects.filter(superseded_by=row).first()
        return chain
