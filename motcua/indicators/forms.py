"""The choices of the index pages: unit, rule set, period length and end dates, and the drill-down's filter.

Forms only check input and turn it into an `IndexQuery` / `MembersQuery`; periods come from
`motcua.lib.periods`, numbers from `service` and `members`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.indicators.rules import DEFAULT_RULESET, available_rulesets
from motcua.lib import periods
from motcua.units.models import Unit, UnitKind

LENGTH_CHOICES = (
    (periods.WEEK, gettext_lazy("Tuần (7 ngày)")),
    (periods.MONTH, gettext_lazy("Tháng")),
    (periods.QUARTER, gettext_lazy("Quý (3 tháng)")),
    (periods.YEAR, gettext_lazy("Năm (12 tháng)")),
    (periods.YEAR_TO_DATE, gettext_lazy("Lũy kế từ đầu năm")),
    (periods.RANGE, gettext_lazy("Từ ngày … đến ngày …")),
)
COUNTED, NOT_COUNTED, ALL = "tu-so", "ngoai-tu-so", "tat-ca"
SHOW_CHOICES = (
    (ALL, gettext_lazy("Toàn bộ mẫu số")),
    (COUNTED, gettext_lazy("Chỉ các mục được tính vào tử số")),
    (NOT_COUNTED, gettext_lazy("Chỉ các mục không được tính vào tử số")),
)


# The date checks of every form that takes a period (motcua.lib.periods, one rule for pages, APIs, reports).
check_days = periods.check_form_days
check_span = periods.check_form_period


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _unit_choices():
    return [(u.code, u.name) for u in Unit.objects.listed().only("code", "name")]


def _province_code() -> str | None:
    return Unit.objects.filter(kind=UnitKind.PROVINCE).values_list("code", flat=True).first()


def _ruleset_field():
    return forms.ChoiceField(label=gettext_lazy("Bộ quy tắc tính"), required=False,
                             choices=lambda: [(name, name) for name in available_rulesets()])


@dataclass(frozen=True)
class IndexQuery:
    unit_code: str | None  # None: the province
    rules: str
    length: str
    current: periods.DateRange
    previous: periods.DateRange


class IndexQueryForm(forms.Form):
    """Which unit, rule set and periods the table and the ranking show (all optional: defaults are the
    province, the default rule set, and the week ending today compared with the week before)."""

    don_vi = forms.ChoiceField(label=gettext_lazy("Đơn vị"), required=False, choices=_unit_choices)
    bo_chi_so = _ruleset_field()
    ky = forms.ChoiceField(label=gettext_lazy("Kỳ"), required=False, choices=LENGTH_CHOICES)
    den_ngay = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, widget=_date_input())
    tu_ngay = forms.DateField(label=gettext_lazy("Từ ngày (kỳ tùy chọn)"), required=False, widget=_date_input())
    so_sanh_ngay = forms.DateField(label=gettext_lazy("So sánh với kỳ kết thúc ngày"), required=False,
                                   widget=_date_input())

    def clean(self):
        data = super().clean()
        length = data.get("ky") or periods.WEEK
        end = data.get("den_ngay") or timezone.localdate()
        start = data.get("tu_ngay")
        if not check_days(self, data, ("den_ngay", "tu_ngay", "so_sanh_ngay")):
            return data
        if length == periods.RANGE:
            if start is None:
                self.add_error("tu_ngay", _("Kỳ tùy chọn cần ngày bắt đầu."))
            elif start > end:
                self.add_error("tu_ngay", _("Ngày bắt đầu phải không sau ngày kết thúc."))
            else:
                check_span(self, start, end)
        return data

    def query(self) -> IndexQuery:
        """The choices, with defaults for what was left empty (call on a valid or an unbound form)."""
        data = self.cleaned_data if self.is_bound else {}
        length = data.get("ky") or periods.WEEK
        end = data.get("den_ngay") or timezone.localdate()
        start = data.get("tu_ngay") if length == periods.RANGE else None
        current, previous = periods.comparison(end, length, start, data.get("so_sanh_ngay"))
        unit = data.get("don_vi") or None
        if unit == _province_code():
            unit = None
        return IndexQuery(unit_code=unit, rules=data.get("bo_chi_so") or DEFAULT_RULESET, length=length,
                          current=current, previous=previous)


@dataclass(frozen=True)
class MembersQuery:
    unit_code: str | None
    rules: str
    date_from: date
    date_to: date
    show: str
    page: str | None


class MembersQueryForm(forms.Form):
    """The drill-down: one unit, one rule set, one period, and which items to list."""

    don_vi = forms.ChoiceField(label=gettext_lazy("Đơn vị"), required=False, choices=_unit_choices)
    bo_chi_so = _ruleset_field()
    tu_ngay = forms.DateField(label=gettext_lazy("Từ ngày"), widget=_date_input())
    den_ngay = forms.DateField(label=gettext_lazy("Đến ngày"), widget=_date_input())
    chon = forms.ChoiceField(label=gettext_lazy("Hiển thị"), required=False, choices=SHOW_CHOICES)

    def clean(self):
        data = super().clean()
        if not check_days(self, data, ("tu_ngay", "den_ngay")):
            return data
        if data.get("tu_ngay") and data.get("den_ngay"):
            if data["tu_ngay"] > data["den_ngay"]:
                self.add_error("tu_ngay", _("Ngày bắt đầu phải không sau ngày kết thúc."))
            else:
                check_span(self, data["tu_ngay"], data["den_ngay"])
        return data

    def query(self, page: str | None = None) -> MembersQuery:
        data = self.cleaned_data
        unit = data.get("don_vi") or None
        if unit == _province_code():
            unit = None
        return MembersQuery(unit_code=unit, rules=data.get("bo_chi_so") or DEFAULT_RULESET,
                            date_from=data["tu_ngay"], date_to=data["den_ngay"], show=data.get("chon") or ALL,
                            page=page)
