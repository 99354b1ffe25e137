"""Downloads of the weekly report for a chosen date, linked from the province's index table.

Any back-office officer may download it: it is the report the provincial office sends to every
department and commune (Appendix II lists each unit's overdue dossiers by code, procedure, due date and
days overdue, with no applicant data), as letter 578/VPUB-HCC did.
"""

from django import forms
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.indicators.rules import DEFAULT_RULESET, available_rulesets
from motcua.office.access import office_required
from motcua.reports.pdf import weekly_pdf
from motcua.reports.weekly import file_stem, weekly_report
from motcua.reports.xlsx import weekly_xlsx

FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", weekly_xlsx),
    "pdf": ("application/pdf", weekly_pdf),
}


class WeeklyReportForm(forms.Form):
    den_ngay = forms.DateField(label=_("Ngày cuối tuần báo cáo"), required=False)
    bo_chi_so = forms.ChoiceField(label=_("Bộ quy tắc tính"), required=False,
                                  choices=lambda: [(name, name) for name in available_rulesets()])
    luy_ke = forms.BooleanField(label=_("Lũy kế từ đầu năm"), required=False)


def _download(request, kind: str):
    form = WeeklyReportForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text(), content_type="text/plain; charset=utf-8")
    data = form.cleaned_data
    report = weekly_report(data["den_ngay"] or timezone.localdate(), rules=data["bo_chi_so"] or DEFAULT_RULESET,
                           cumulative=data["luy_ke"])
    content_type, render = FORMATS[kind]
    response = HttpResponse(render(report), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_stem(report)}.{kind}"'
    return response


@office_required
def weekly_xlsx_download(request):
    return _download(request, "xlsx")


@office_required
def weekly_pdf_download(request):
    return _download(request, "pdf")
