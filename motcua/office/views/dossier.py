"""The dossier page (timeline, control sheet, documents, the actions the user may take) and one POST
view per action. Forms come from the state machine's table filtered by `can_act` and the action's
preconditions, so only what the user can do now is shown; those that end the dossier (refuse, stop,
withdraw) are set apart and need a ticked confirmation, checked by their form on the server."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.datastore import store
from motcua.dossiers.constants import PauseKind, Status
from motcua.dossiers.lifecycle import ACTION_LABELS, TransitionError, allowed_actions
from motcua.office import actions, forms, signing_choice
from motcua.office.access import can_act, dossier_or_404, office_required
from motcua.office.clock import clock_of, control_sheet
from motcua.office.models import DossierResult
from motcua.office.views.intake import submitted_application
from motcua.units.calendars import CalendarBook

# action of the state machine -> (url name, form class). "start" is assigning a received dossier.
ACTION_FORMS = {
    "receive": ("office:accept", forms.VersionForm),
    "start": ("office:assign", forms.AssignForm),
    "assign": ("office:assign", forms.AssignForm),
    "hand_over": ("office:hand_over", forms.HandOverForm),
    "request_supplement": ("office:request_supplement", forms.SupplementRequestForm),
    "complete_supplement": ("office:complete_supplement", forms.SupplementDoneForm),
    "request_fees": ("office:request_fees", forms.FeesForm),
    "fees_paid": ("office:fees_paid", forms.NoteForm),
    "apologize": ("office:apologize", forms.ApologyForm),
    "resolve": ("office:resolve", forms.ResolveForm),
    "sign_result": ("office:sign", forms.SignForm),
    "return_result": ("office:return_result", forms.NoteForm),
    "stop": ("office:stop", forms.ConfirmedReasonForm),
    "refuse": ("office:refuse", forms.ConfirmedReasonForm),
    "withdraw": ("office:withdraw", forms.ConfirmedReasonForm),
}
# Actions that end the dossier for good: shown apart, below the others, each with a confirmation box.
DANGEROUS = frozenset({"refuse", "stop", "withdraw"})


def _available(dossier, action: str, pauses, has_result: bool) -> bool:
    """Preconditions the state machine checks only when acting, shown here so no useless button appears."""
    if action == "request_supplement":
        return not any(p.kind == PauseKind.SUPPLEMENT for p in pauses)
    if action == "sign_result":
        return not has_result
    if action == "return_result":
        return has_result or not dossier.procedure.written_result
    return True


def _form_kwargs(action, user=None):
    # Several forms share a page: ids are made unique per action, field names stay plain.
    kwargs = {"auto_id": f"id_{action}_%s"}
    if action == "sign_result":  # a leader with his own token types its PIN; one who signs remotely, his phone
        way = signing_choice.signing_way(user)
        kwargs["token"], kwargs["remote"] = way == signing_choice.TOKEN, way == signing_choice.REMOTE
    return kwargs


def _page(request, dossier, bound=None, status=200):
    """Render the dossier page; `bound` = (action, form with errors) re-shown after a refused post."""
    calendars, now = CalendarBook(), timezone.now()
    pauses = list(dossier.pauses.all())
    result = DossierResult.objects.filter(dossier=dossier).first()
    clock = clock_of(dossier, calendars.for_unit(dossier.unit.code), now, pauses=pauses)
    action_forms = []
    for action in allowed_actions(dossier.status):
        if (action not in ACTION_FORMS or not can_act(request.user, dossier, action)
                or not _available(dossier, action, pauses, result is not None)):
            continue
        url_name, form_class = ACTION_FORMS[action]
        if bound is not None and bound[0] == action:
            form = bound[1]
        else:
            form = form_class(dossier=dossier, **_form_kwargs(action, request.user))
        action_forms.append({"action": action, "label": ACTION_LABELS[action], "url_name": url_name, "form": form,
                             "multipart": form.is_multipart(), "dangerous": action in DANGEROUS})
    events = list(dossier.events.select_related("actor__membership").order_by("at", "id"))
    return render(request, "office/dossier.html", {
        "dossier": dossier, "clock": clock, "now": now, "events": events,
        "action_forms": [item for item in action_forms if not item["dangerous"]],
        "dangerous_forms": [item for item in action_forms if item["dangerous"]],
        "sheet": control_sheet(dossier, calendars, now, pauses=pauses),
        "components": dossier.components.order_by("id"),
        "apologies": [e for e in events if e.action == "apologize"],
        "has_refusal": any(e.action == "refuse" for e in events),
        "has_supplement": any(e.action == "request_supplement" for e in events),
        "result": result,
        "result_copy": store.copy_of(dossier.code) if result is not None else None,
        "application": submitted_application(dossier),
    }, status=status)


@office_required
def detail(request, code):
    return _page(request, dossier_or_404(request.user, code))


def _act(request, code, action, perform, success):
    """Shared body of the action views: scope (404), permission (403), form (400), then the action, whose
    refusals (state machine, business rules) are shown as messages."""
    dossier = dossier_or_404(request.user, code)
    if action == "assign" and dossier.status == Status.RECEIVED:
        action = "start"
    if not can_act(request.user, dossier, action):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này trên hồ sơ."))
    form_class = ACTION_FORMS[action][1]
    form = form_class(request.POST, request.FILES, dossier=dossier, **_form_kwargs(action, request.user))
    if not form.is_valid():
        messages.error(request, _("Chưa thực hiện được: vui lòng kiểm tra lại thông tin đã nhập."))
        return _page(request, dossier, bound=(action, form), status=400)
    try:
        perform(dossier, form, form.cleaned_data)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, (success(dossier) if callable(success) else success) % {"code": dossier.code})
    return redirect("office:dossier", code=dossier.code)


@office_required
@require_POST
def accept(request, code):
    return _act(request, code, "receive", lambda d, f, c: actions.do_accept_online(
        d, actor=request.user, version=c["version"]), _("Đã tiếp nhận hồ sơ %(code)s."))


@office_required
@require_POST
def assign(request, code):
    return _act(request, code, "assign", lambda d, f, c: actions.do_assign(
        d, actor=request.user, assignee=c["assignee"], version=c["version"], note=c["note"]),
        _("Đã phân công xử lý hồ sơ %(code)s."))


@office_required
@require_POST
def hand_over(request, code):
    return _act(request, code, "hand_over", lambda d, f, c: actions.do_hand_over(
        d, actor=request.user, to_unit=c["to_unit"], days=c["days"], version=c["version"], note=c["note"]),
        _("Đã chuyển hồ sơ %(code)s sang đơn vị khác."))


@office_required
@require_POST
def request_supplement(request, code):
    return _act(request, code, "request_supplement", lambda d, f, c: actions.do_request_supplement(
        d, actor=request.user, reason=c["reason"], version=c["version"]),
        _("Đã yêu cầu bổ sung hồ sơ %(code)s. In phiếu yêu cầu bổ sung cho người nộp."))


@office_required
@require_POST
def complete_supplement(request, code):
    def perform(dossier, form, data):
        component = None
        if data.get("file"):
            component = actions.ComponentInput(_("Giấy tờ bổ sung"), upload=data["file"], kind=form.kind)
        actions.do_complete_supplement(dossier, actor=request.user, version=data["version"], note=data["note"],
                                       component=component)
    return _act(request, code, "complete_supplement", perform, _("Đã nhận hồ sơ bổ sung %(code)s."))


@office_required
@require_POST
def request_fees(request, code):
    return _act(request, code, "request_fees", lambda d, f, c: actions.do_request_fees(
        d, actor=request.user, amount_vnd=c["amount_vnd"], note=c["note"], version=c["version"]),
        _("Đã thông báo nghĩa vụ tài chính cho hồ sơ %(code)s."))


@office_required
@require_POST
def fees_paid(request, code):
    return _act(request, code, "fees_paid", lambda d, f, c: actions.do_fees_paid(
        d, actor=request.user, version=c["version"], note=c["note"]),
        _("Đã ghi nhận hoàn thành nghĩa vụ tài chính của hồ sơ %(code)s."))


@office_required
@require_POST
def apologize(request, code):
    return _act(request, code, "apologize", lambda d, f, c: actions.do_apologize(
        d, actor=request.user, reason=c["reason"], new_due=c["new_due"], version=c["version"]),
        _("Đã lập văn bản xin lỗi và hẹn lại cho hồ sơ %(code)s."))


@office_required
@require_POST
def stop(request, code):
    return _act(request, code, "stop", lambda d, f, c: actions.do_stop(
        d, actor=request.user, reason=c["reason"], version=c["version"]), _("Đã dừng xử lý hồ sơ %(code)s."))


@office_required
@require_POST
def refuse(request, code):
    return _act(request, code, "refuse", lambda d, f, c: actions.do_refuse_at_receipt(
        d, actor=request.user, reason=c["reason"], version=c["version"]),
        _("Đã từ chối tiếp nhận hồ sơ %(code)s."))


@office_required
@require_POST
def withdraw(request, code):
    return _act(request, code, "withdraw", lambda d, f, c: actions.do_withdraw(
        d, actor=request.user, reason=c["reason"], version=c["version"]),
        _("Đã ghi nhận công dân rút hồ sơ %(code)s."))


@office_required
@require_POST
def resolve(request, code):
    return _act(request, code, "resolve", lambda d, f, c: actions.do_resolve(
        d, actor=request.user, result_text=c["result_text"], version=c["version"]),
        _("Hồ sơ %(code)s đã xử lý xong, chờ lãnh đạo phê duyệt và ký số kết quả."))


@office_required
@require_POST
def sign(request, code):
    from motcua.office import pdfs  # signing pulls in pyHanko; only this view needs it

    def perform(dossier, form, data):
        # Checked before the slow signing as well; the action checks again when it writes.
        actions.check_signable(dossier, data["version"])
        at = timezone.now()
        membership = getattr(request.user, "membership", None)
        approver = (membership.full_name if membership and membership.full_name else request.user.get_username())
        try:
            # The leader's own token when he has one (PIN typed now, for this signature only), or the remote
            # service that asks his phone (this request waits for his answer), else the unit's certificate.
            with pdfs.personal_signer(request.user, data.get("pin"),
                                      description=f"Phê duyệt kết quả hồ sơ {dossier.code}") as own:
                signed, signer_name = pdfs.signed_result(dossier, actions.result_code(dossier), at, approver,
                                                         signer=own)
        except pdfs.SigningUnavailable as refusal:  # wrong PIN, refused on the phone, expired, revoked, signer failed
            raise TransitionError(str(refusal)) from refusal
        actions.do_approve_and_sign(dossier, actor=request.user, version=data["version"], signed_pdf=signed,
                                    signer_name=signer_name, at=at, signing=pdfs.signing_method(own))

    def signed(dossier):
        # The copy is only queued now; the store's acknowledgment comes later (interop.md §3).
        if store.holder_id(dossier.applicant_id_number) is None:
            return _("Đã phê duyệt và ký số kết quả hồ sơ %(code)s. Hồ sơ không có số định danh cá nhân của người "
                     "có kết quả nên bản sao kết quả không được gửi vào kho dữ liệu cá nhân.")
        return _("Đã phê duyệt và ký số kết quả hồ sơ %(code)s; bản sao kết quả sẽ được gửi vào kho dữ liệu cá nhân "
                 "của người có kết quả.")
    return _act(request, code, "sign_result", perform, signed)


@office_required
@require_POST
def return_result(request, code):
    return _act(request, code, "return_result", lambda d, f, c: actions.do_return(
        d, actor=request.user, version=c["version"], note=c["note"]),
        _("Đã trả kết quả hồ sơ %(code)s; hồ sơ kết thúc."))
