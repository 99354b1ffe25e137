"""The target pages (/chi-tieu/): the list with each target's value now, gap, days left and effort; a
target's history; a new target; a change with its reason (a new row superseding the old); a withdrawal.
Thin views: the rules are in `access`, `history` and `progress`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from motcua.office.access import office_required
from motcua.targets import access, history
from motcua.targets.forms import TargetForm, WithdrawForm
from motcua.targets.models import Target
from motcua.targets.progress import Reader, progress


def _visible_or_404(user, pk) -> Target:
    target = (access.visible_targets(user).select_related("unit", "officer", "officer__membership", "created_by",
                                                             "changed_by").filter(pk=pk).first())
    if target is None:
        raise Http404
    return target


@office_required
def target_list(request):
    if not access.may_view(request.user):
        raise PermissionDenied
    targets = access.visible_targets(request.user).select_related("unit", "officer", "officer__membership")
    show_all = request.GET.get("tat_ca") == "1"
    if not show_all:
        targets = targets.current()
    programmes = sorted(set(access.visible_targets(request.user).values_list("programme", flat=True)))
    programme = request.GET.get("chuong_trinh", "")
    if programme:
        targets = targets.filter(programme=programme)
    reader = Reader()
    rows = [(t, progress(t, reader=reader) if t.is_current else None) for t in targets]
    return render(request, "targets/list.html", {
        "rows": rows, "programmes": programmes, "programme": programme, "show_all": show_all,
        "may_create": access.may_create(request.user)})


@office_required
def target_detail(request, pk):
    target = _visible_or_404(request.user, pk)
    newest = target
    while newest.superseded_by_id is not None:
        newest = newest.superseded_by
    return render(request, "targets/detail.html", {
        "target": target, "lineage": newest.lineage(), "progress": progress(newest) if newest.is_current else None,
        "may_edit": access.may_edit(request.user, newest), "newest": newest, "withdraw_form": WithdrawForm()})


@office_required
def target_new(request):
    if not access.may_create(request.user):
        raise PermissionDenied
    form = TargetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            target = history.create_target(by=request.user, reason=form.cleaned_data["reason"], **form.content())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Đã giao chỉ tiêu.")
            return redirect("targets:detail", target.pk)
    return render(request, "targets/form.html", {"form": form, "changing": None})


@office_required
def target_change(request, pk):
    old = _visible_or_404(request.user, pk)
    if not access.may_edit(request.user, old):
        raise PermissionDenied
    initial = {name: getattr(old, name) for name in history.CONTENT_FIELDS}
    form = TargetForm(request.POST or None, user=request.user, changing=old, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = history.change_target(old, by=request.user, reason=form.cleaned_data["reason"], **form.content())
        except ValidationError as error:
            _add_errors(form, error)
        except history.TargetChanged as error:
            messages.error(request, str(error))
            return redirect("targets:detail", old.pk)
        else:
            messages.success(request, "Đã điều chỉnh chỉ tiêu; chỉ tiêu cũ được giữ trong lịch sử.")
            return redirect("targets:detail", new.pk)
    return render(request, "targets/form.html", {"form": form, "changing": old})


@office_required
@require_POST
def target_withdraw(request, pk):
    old = _visible_or_404(request.user, pk)
    if not access.may_edit(request.user, old):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ghi lý do thu hồi chỉ tiêu.")
        return redirect("targets:detail", old.pk)
    try:
        history.withdraw_target(old, by=request.user, reason=form.cleaned_data["reason"])
    except history.TargetChanged as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Đã thu hồi chỉ tiêu; chỉ tiêu được giữ trong lịch sử.")
    return redirect("targets:detail", old.pk)


def _add_errors(form, error: ValidationError):
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
