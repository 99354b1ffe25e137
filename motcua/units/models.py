"""Units (đơn vị): the province, its departments and communes, and their internal offices."""

from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.lib import workingtime


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    COMMUNE = "commune", _("Xã, phường")
    OFFICE = "office", _("Phòng, bộ phận")


class UnitQuerySet(models.QuerySet):
    def listed(self):
        """Units that appear in index tables: province, departments and communes, in file order."""
        return self.exclude(kind=UnitKind.OFFICE).order_by("position", "id")

    def subtree_ids(self, unit_id) -> set[int]:
        """The unit and every unit below it. The tree is small (about 150 units), so walk it in Python."""
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in Unit.objects.values_list("id", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        found, stack = set(), [unit_id]
        while stack:
            node = stack.pop()
            if node not in found:
                found.add(node)
                stack.extend(children.get(node, ()))
        return found


class Unit(models.Model):
    """A node of the unit tree: province → department or commune → internal offices.

    `code` is the unit's identifier code (mã định danh); it prefixes every dossier code the unit
    issues, so it never changes once dossiers exist.
    """

    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    kind = models.CharField(_("loại"), max_length=12, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    e_certified_copy = models.BooleanField(_("chứng thực bản sao điện tử"), default=False)
    # Order of units.csv: the index tables list units in this order.
    position = models.PositiveIntegerField(_("thứ tự"), default=0, db_index=True)
    # Working sessions as [["07:00", "11:30"], ["13:30", "17:00"]]; empty = the province default.
    sessions = models.JSONField(_("phiên làm việc"), default=list, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    def working_sessions(self):
        if not self.sessions:
            return workingtime.DEFAULT_SESSIONS
        return tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in self.sessions)


class CalendarException(models.Model):
    """A local closure (ngày nghỉ) or an extra working day (ngày làm bù) on top of holidays.VN.

    Applies to every unit when `unit` is empty, otherwise to that unit and the units below it.
    """

    class Kind(models.TextChoices):
        CLOSURE = "closure", _("Ngày nghỉ")
        EXTRA_WORKING_DAY = "extra", _("Ngày làm việc bổ sung")

    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=8, choices=Kind.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.CASCADE)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = _("ngày nghỉ / làm bù")
        constraints = [models.UniqueConstraint(fields=["date", "unit"], name="calendar_exception_once")]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"
