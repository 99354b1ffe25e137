"""The provincial page of the national-portal sync ("Đồng bộ Cổng DVCQG", /dong-bo/): per unit, how many
dossiers the portal holds, which it does not yet, which versions it refused and why, with a retry button
for the province's operators.

Seeing is the back office's one rule (`Dossier.objects.visible_to`), narrowed to the competent units the
officer answers for: an officer sees the rows of his unit and the units below it, the provincial monitor and
the administrator every unit. Retrying is for the provincial monitor and the administrator only.
"""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.core.models import Role
from motcua.dossiers.models import Dossier
from motcua.lib import periods
from motcua.lib.periods import Period
from motcua.office.access import office_required, role_of, unit_ids_of
from motcua.outbox.models import Item
from motcua.sync import overview
from motcua.sync.actions import RetryRefused, do_retry
from motcua.sync.portal import KIND

SEES_EVERY_UNIT = frozenset({Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR})
MAY_RETRY = frozenset({Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR})


class PeriodForm(forms.Form):
    tu_ngay = forms.DateField(label=gettext_lazy("Tiếp nhận từ ngày"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    den_ngay = forms.DateField(label=gettext_lazy("đến ngày"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if not periods.check_form_days(self, data, ("tu_ngay", "den_ngay")):
            return data
        today = timezone.localdate()
        data["den_ngay"] = data.get("den_ngay") or today
        data["tu_ngay"] = data.get("tu_ngay") or date(data["den_ngay"].year, 1, 1)
        if data["tu_ngay"] > data["den_ngay"]:
            raise forms.ValidationError(gettext_lazy("Ngày bắt đầu phải không sau ngày kết thúc."))
        periods.check_form_period(self, data["tu_ngay"], data["den_ngay"])
        return data


def dossiers_in_scope(user):
    """The dossiers whose competent unit the user answers for, among those he may see."""
    dossiers = Dossier.objects.visible_to(user)
    if role_of(user) in SEES_EVERY_UNIT:
        return dossiers
    return dossiers.filter(unit_id__in=unit_ids_of(user))


def _headings(params, sort: str) -> list[dict]:
    """Each column's heading with the link that sorts by it (again: the other way round)."""
    current, descending = overview.parse_sort(sort)
    headings = []
    for key, (label, natural_descending) in overview.COLUMNS.items():
        first = not descending if key == current else natural_descending
        query = params.copy()
        query["sort"] = ("-" if first else "") + key
        headings.append({"key": key, "label": _(label), "url": "?" + query.urlencode(),
                         "current": key == current, "arrow": ("▼" if descending else "▲") if key == current else ""})
    return headings


@office_required
def status_page(request):
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "sync/overview.html", {"form": form}, status=400)
    period = Period.of(form.cleaned_data["tu_ngay"], form.cleaned_data["den_ngay"])
    dossiers = overview.in_period(dossiers_in_scope(request.user), period)
    sort = request.GET.get("sort") or overview.DEFAULT_SORT
    rows = overview.unit_rows(dossiers, sort)
    params = request.GET.copy()
    params.pop("don_vi", None)
    chosen = next((row.unit for row in rows if row.unit.code == request.GET.get("don_vi")), None)
    listed = dossiers.filter(unit=chosen) if chosen is not None else dossiers
    failures, failure_count = overview.failures(listed)
    pending, pending_count = overview.unsynced(listed) if chosen is not None else ([], 0)
    return render(request, "sync/overview.html", {
        "form": form, "period": period, "rows": rows, "total": overview.totals(rows),
        "headings": _headings(params, sort), "params": params.urlencode(), "chosen": chosen,
        "failures": failures, "failure_count": failure_count, "pending": pending, "pending_count": pending_count,
        "limit": overview.LIST_LIMIT, "may_retry": role_of(request.user) in MAY_RETRY,
        "here": request.get_full_path(),
    })


@office_required
@require_POST
def retry(request, pk):
    if role_of(request.user) not in MAY_RETRY:
        raise PermissionDenied(_("Chỉ Giám sát cấp tỉnh và Quản trị hệ thống được gửi lại hồ sơ lên Cổng DVCQG."))
    item = Item.objects.filter(pk=pk, kind=KIND).first()
    if item is None or not Dossier.objects.visible_to(request.user).filter(code=item.group).exists():
        raise Http404
    try:
        do_retry(item.pk, actor=request.user)
    except RetryRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Đã đưa phiên bản %(key)s của hồ sơ %(code)s trở lại hàng đợi gửi Cổng DVCQG.")
                         % {"key": item.key, "code": item.group})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("sync:status")
    return redirect(target)
