"""Downloads of the weekly report for a chosen date, linked from the province's index table, and the
issued (frozen) reports: the issuing form with its preview, the list, each report's page and stored files,
and its difference with the numbers of now.

Any back-office officer may download and read them: it is the report the provincial office sends to every
department and commune (Appendix II lists each unit's overdue dossiers by code, procedure, due date and
days overdue, with no applicant data), as letter 578/VPUB-HCC did. Only provincial monitors and
administrators issue (`may_issue`); an issued report is never changed (`models.Frozen`).
"""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import Role
from motcua.indicators.forms import check_days
from motcua.indicators.rules import DEFAULT_RULESET, available_rulesets
from motcua.lib import periods
from motcua.office.access import office_required, role_of
from motcua.reports import publishing, sources
from motcua.reports.letterhead import Letterhead, default_letterhead
from motcua.reports.models import PublishedFile, PublishedReport, ReportKind
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

    def clean(self):
        data = super().clean()
        check_days(self, data, ("den_ngay",))
        return data


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


# -- issued reports -------------------------------------------------------------------------------------

ISSUERS = frozenset({Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR})
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def may_issue(user) -> bool:
    return role_of(user) in ISSUERS


class IssueForm(forms.Form):
    loai = forms.ChoiceField(label=_("Loại báo cáo"), choices=ReportKind.choices)
    den_ngay = forms.DateField(label=_("Ngày cuối tuần báo cáo (báo cáo tuần)"), required=False,
                               input_formats=DATE_FORMATS)
    bo_chi_so = forms.ChoiceField(label=_("Bộ quy tắc tính"), required=False,
                                  choices=lambda: [(name, name) for name in available_rulesets()])
    luy_ke = forms.BooleanField(label=_("Lũy kế từ đầu năm"), required=False)
    ke_hoach = forms.ChoiceField(label=_("Kế hoạch (báo cáo tháng)"), required=False,
                                 choices=lambda: [("", "—"), *sources.plan_choices()])
    thang = forms.CharField(label=_("Tháng báo cáo, mm/yyyy (báo cáo tháng)"), required=False, max_length=7)
    so_van_ban = forms.CharField(label=_("Số văn bản"), max_length=60)
    ngay_van_ban = forms.DateField(label=_("Ngày văn bản"), input_formats=DATE_FORMATS)
    co_quan = forms.CharField(label=_("Cơ quan ban hành (mỗi dòng một cấp)"), widget=forms.Textarea(attrs={"rows": 2}),
                              max_length=200)
    nguoi_ky = forms.CharField(label=_("Người ký"), required=False, max_length=120)
    chuc_vu_ky = forms.CharField(label=_("Chức vụ người ký (mỗi dòng một dòng in)"), required=False, max_length=200,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    noi_nhan = forms.CharField(label=_("Nơi nhận (mỗi dòng một nơi)"), widget=forms.Textarea(attrs={"rows": 6}))

    def clean(self):
        data = super().clean()
        check_days(self, data, ("den_ngay", "ngay_van_ban"))
        kind = data.get("loai")
        if kind == ReportKind.MONTHLY_PLAN:
            if not data.get("ke_hoach"):
                self.add_error("ke_hoach", _("Chọn kế hoạch."))
            try:
                month, year = (int(part) for part in (data.get("thang") or "").split("/"))
                data["month"] = periods.check_day(date(year, month, 1), "thang")
            except periods.PeriodOutOfRange as problem:
                self.add_error("thang", problem.message)
            except ValueError:
                self.add_error("thang", _("Nhập tháng dạng mm/yyyy, ví dụ 10/2025."))
        elif kind and not data.get("den_ngay"):
            self.add_error("den_ngay", _("Nhập ngày cuối tuần báo cáo (dd/mm/yyyy)."))
        return data

    def parameters(self) -> dict:
        data = self.cleaned_data
        if data["loai"] == ReportKind.MONTHLY_PLAN:
            return publishing.monthly_parameters(data["ke_hoach"], data["month"])
        return publishing.weekly_parameters(data["den_ngay"], data["bo_chi_so"] or DEFAULT_RULESET, data["luy_ke"])

    def letterhead(self) -> Letterhead:
        data = self.cleaned_data
        lines = lambda text: "\n".join(line.strip() for line in text.splitlines() if line.strip())  # noqa: E731
        return default_letterhead(data["loai"], data["ngay_van_ban"]).with_(
            number=data["so_van_ban"].strip(), issuer=lines(data["co_quan"]), signer_name=data["nguoi_ky"].strip(),
            signer_title=lines(data["chuc_vu_ky"]), recipients=tuple(
                line.strip() for line in data["noi_nhan"].splitlines() if line.strip()))


def _initial(kind: str = ReportKind.WEEKLY) -> dict:
    today = timezone.localdate()
    head = default_letterhead(kind, today)
    return {"loai": kind, "den_ngay": today.strftime("%d/%m/%Y"), "bo_chi_so": DEFAULT_RULESET,
            "thang": today.strftime("%m/%Y"), "so_van_ban": head.number, "ngay_van_ban": today.strftime("%d/%m/%Y"),
            "co_quan": head.issuer, "nguoi_ky": head.signer_name, "chuc_vu_ky": head.signer_title,
            "noi_nhan": "\n".join(head.recipients)}


@office_required
def issue_form(request):
    """GET: the form with the settings' defaults; POST `xem_truoc`: the numbers and the preview files;
    POST `phat_hanh`: issue (store, once) and go to the issued report."""
    if not may_issue(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "reports/issue.html", {"form": IssueForm(initial=_initial(request.GET.get("loai")
                                                                                         or ReportKind.WEEKLY))})
    form = IssueForm(request.POST)
    context = {"form": form}
    if form.is_valid():
        try:
            prepared = publishing.prepare(form.cleaned_data["loai"], form.parameters(), form.letterhead())
            if "phat_hanh" in request.POST:
                published = publishing.issue(prepared, request.user)
                messages.success(request, f"Đã phát hành báo cáo số {published.number}.")
                return redirect("reports:published", pk=published.pk)
            context["preview"] = prepared
            context["preview_query"] = urlencode({k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"})
        except publishing.ReportError as exc:
            form.add_error(None, str(exc))
    return render(request, "reports/issue.html", context, status=200 if form.is_valid() else 400)


@office_required
def preview_file(request, fmt: str):
    """The preview's file, rendered now and not stored (the form's values in the query string)."""
    if not may_issue(request.user):
        raise PermissionDenied
    form = IssueForm(request.GET)
    if fmt not in publishing.CONTENT_TYPES or not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text(), content_type="text/plain; charset=utf-8")
    try:
        prepared = publishing.prepare(form.cleaned_data["loai"], form.parameters(), form.letterhead())
    except publishing.ReportError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    filename, content = prepared.files[fmt]
    response = HttpResponse(content, content_type=publishing.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="xem-truoc-{filename}"'
    return response


@office_required
def published_list(request):
    reports = PublishedReport.objects.select_related("issued_by")
    return render(request, "reports/published_list.html", {"reports": reports, "may_issue": may_issue(request.user)})


@office_required
def published_detail(request, pk: int):
    report = get_object_or_404(PublishedReport, pk=pk)
    files = report.files.defer("content").order_by("fmt")
    return render(request, "reports/published.html", {"report": report, "files": files})


@office_required
def published_file(request, pk: int, fmt: str):
    """The file exactly as issued (checked against its SHA-256 before it is sent)."""
    stored = get_object_or_404(PublishedFile, report_id=pk, fmt=fmt)
    response = HttpResponse(stored.verified_bytes(), content_type=stored.content_type)
    response["Content-Disposition"] = f'attachment; filename="{stored.filename}"'
    response["X-Content-SHA256"] = stored.sha256
    return response


@office_required
def published_diff(request, pk: int):
    report = get_object_or_404(PublishedReport, pk=pk)
    comparison = publishing.differences(report)
    return render(request, "reports/diff.html", {"report": report, "comparison": comparison})
