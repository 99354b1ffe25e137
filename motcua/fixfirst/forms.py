"""The page's choices: unit, period and rule set. Only checks input; the access rule is `access`."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.indicators.forms import check_span
from motcua.indicators.rules import DEFAULT_RULESET, available_rulesets
from motcua.units.models import Unit


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FixFirstForm(forms.Form):
    don_vi = forms.CharField(label=gettext_lazy("Đơn vị"), required=False)
    tu_ngay = forms.DateField(label=gettext_lazy("Từ ngày"), required=False, widget=_date_input())
    den_ngay = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, widget=_date_input())
    bo_chi_so = forms.ChoiceField(label=gettext_lazy("Bộ quy tắc tính"), required=False,
                                  choices=lambda: [(name, name) for name in available_rulesets()])

    def __init__(self, *args, units=(), default_unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_unit = default_unit
        self.fields["don_vi"].widget = forms.Select(choices=[(u.code, u.name) for u in units])

    def clean_don_vi(self):
        code = self.cleaned_data["don_vi"] or self.default_unit
        if not code or not Unit.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Không có đơn vị mã “%(code)s”.") % {"code": code})
        return code

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("den_ngay") or today
        start = data.get("tu_ngay") or date(end.year, 1, 1)  # year to date, the national portal's reading
        if start > end:
            raise forms.ValidationError(_("“Từ ngày” không được sau “Đến ngày”."))
        if not check_span(self, start, end):
            return data
        data["tu_ngay"], data["den_ngay"] = start, end
        data["bo_chi_so"] = data.get("bo_chi_so") or DEFAULT_RULESET
        return data
