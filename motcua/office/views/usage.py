"""The usage of the online services ("Sử dụng dịch vụ công trực tuyến", /su-dung-dich-vu-cong/): trends per
day, per service and per unit, with CSV and XLSX exports. The numbers are motcua.usage's; this view only
decides who sees which rows: the provincial monitor and the administrator the whole province, a unit's
leader his unit and the units below it; other roles are refused."""

from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from motcua.catalog.models import Procedure
from motcua.core.models import Role
from motcua.lib import periods
from motcua.lib.vnformat import padded_date
from motcua.office.access import office_required, role_of, unit_ids_of
from motcua.units.models import Unit
from motcua.usage import report
from motcua.usage.aggregate import abandon_days

SEES_EVERY_UNIT = frozenset({Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR})
MAY_SEE = SEES_EVERY_UNIT | {Role.UNIT_LEADER}
MAX_DAYS = 366


class UsageForm(forms.Form):
    tu_ngay = forms.DateField(label=gettext_lazy("Từ ngày"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    den_ngay = forms.DateField(label=gettext_lazy("đến ngày"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    thu_tuc = forms.CharField(label=gettext_lazy("Mã thủ tục"), required=False, max_length=30)
    don_vi = forms.ModelChoiceField(label=gettext_lazy("Đơn vị"), queryset=Unit.objects.none(), required=False,
                                    empty_label=gettext_lazy("Mọi đơn vị"))

    def __init__(self, data, units, today):
        super().__init__(data)
        self.fields["don_vi"].queryset = units
        self.today = today

    def clean_thu_tuc(self):
        code = self.cleaned_data["thu_tuc"].strip()
        if not code:
            return None
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            raise forms.ValidationError(gettext_lazy("Không có thủ tục mang mã này."))
        return procedure

    def clean(self):
        data = super().clean()
        if not periods.check_form_days(self, data, ("tu_ngay", "den_ngay")):
            return data
        data["den_ngay"] = data.get("den_ngay") or self.today
        data["tu_ngay"] = data.get("tu_ngay") or data["den_ngay"] - timedelta(days=29)
        if data["tu_ngay"] > data["den_ngay"]:
            raise forms.ValidationError(gettext_lazy("Ngày bắt đầu phải không sau ngày kết thúc."))
        if (data["den_ngay"] - data["tu_ngay"]).days >= MAX_DAYS:
            raise forms.ValidationError(gettext_lazy("Mỗi lần xem tối đa 366 ngày."))
        return data


@office_required
def usage_page(request):
    role = role_of(request.user)
    if role not in MAY_SEE:
        raise PermissionDenied(gettext_lazy("Trang này dành cho Giám sát cấp tỉnh, Quản trị hệ thống và lãnh đạo "
                                            "đơn vị."))
    unit_ids = None if role in SEES_EVERY_UNIT else unit_ids_of(request.user)
    units = Unit.objects.order_by("position", "name")
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    today = timezone.localdate()
    form = UsageForm(request.GET, units, today)
    if not form.is_valid():
        return render(request, "usage/page.html", {"form": form}, status=400)
    data = form.cleaned_data
    usage = report.build(data["tu_ngay"], data["den_ngay"], unit_ids=unit_ids, procedure=data["thu_tuc"],
                         unit=data["don_vi"], today=today)
    name = f"su-dung-dvc-{data['tu_ngay']:%Y%m%d}-{data['den_ngay']:%Y%m%d}"
    export = request.GET.get("xuat")
    if export == "xlsx":
        response = HttpResponse(report.as_xlsx(usage), content_type="application/vnd.openxmlformats-officedocument"
                                                                    ".spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if export in ("csv", "csv-thu-tuc", "csv-don-vi"):
        table = {"csv": 0, "csv-thu-tuc": 1, "csv-don-vi": 2}[export]
        response = HttpResponse(report.as_csv(usage, table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}-{table + 1}.csv"'
        return response
    params = request.GET.copy()
    params.pop("xuat", None)
    return render(request, "usage/page.html", {
        "form": form, "usage": usage, "tables": report.tables(usage),
        "charts": [(key, mark_safe(svg)) for key, svg in report.charts(usage)],  # our own SVG, no script
        "params": params.urlencode(), "period": f"{padded_date(usage.date_from)} – {padded_date(usage.date_to)}",
        "unsettled_from": usage.unsettled_from and padded_date(usage.unsettled_from),
        "abandon_days": abandon_days(), "step_labels": report.STEP_LABELS,
    })
