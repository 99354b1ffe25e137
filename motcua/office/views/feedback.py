"""Feedback in the back office: the work queue of the unit and below (coloured like the dossier queue,
the next deadline first), desk filing, each item's page (deadlines, timeline, the steps the user may take)
with one POST view per step, the signed answer, and the overdue list the provincial monitors follow."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.feedback.constants import OPEN_STATUSES, About, Channel, Status
from motcua.feedback.lifecycle import ACTION_LABELS, TransitionError, allowed_actions
from motcua.feedback.models import Feedback
from motcua.office import feedback_actions as fa
from motcua.office import feedback_forms as forms
from motcua.office.access import office_required, unit_of
from motcua.office.clock import DONE
from motcua.office.feedback_access import can_act_on_feedback, can_receive_feedback, feedback_or_404
from motcua.office.feedback_clock import feedback_clock, overdue_feedback
from motcua.units.calendars import CalendarBook

PAGE_SIZE = 50
# step -> (url name, form class)
ACTION_FORMS = {
    "assign": ("office:feedback_assign", forms.AssignForm),
    "request_info": ("office:feedback_request_info", forms.NoteForm),
    "add_info": ("office:feedback_add_info", forms.NoteForm),
    "answer": ("office:feedback_answer", forms.AnswerForm),
    "refuse": ("office:feedback_refuse", forms.ReasonForm),
    "transfer": ("office:feedback_transfer", forms.TransferForm),
    "publish": ("office:feedback_publish", forms.PublishForm),
}


@office_required
def queue(request):
    items = Feedback.objects.visible_to(request.user).select_related("unit", "assignee__membership")
    show_all = request.GET.get("tat-ca") == "1"
    if not show_all:
        items = items.filter(status__in=(*OPEN_STATUSES, Status.ANSWERED))
    calendars, now = CalendarBook(), timezone.now()
    rows = [(item, feedback_clock(item, calendars.for_unit(item.unit.code), now))
            for item in items.order_by("received_at", "id")[:5000]]
    rows.sort(key=lambda row: (row[1].urgency == DONE, row[1].standing.due or row[0].received_at.date(),
                               row[0].code))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "office/feedback_queue.html", {
        "page": page, "show_all": show_all, "can_receive": can_receive_feedback(request.user)})


@office_required
def overdue(request):
    """Items whose answer or publication is past its last day, in the user's scope (the province's for
    its monitors), most overdue first."""
    rows = overdue_feedback(Feedback.objects.visible_to(request.user), CalendarBook(), timezone.now())
    return render(request, "office/feedback_overdue.html", {"rows": rows})


@office_required
def new(request):
    if not can_receive_feedback(request.user):
        raise PermissionDenied
    form = forms.DeskFeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        procedure = Procedure.objects.filter(code=data["procedure"].strip()).first() if data["procedure"] else None
        dossier = (Dossier.objects.visible_to(request.user).filter(code=data["dossier"].strip()).first()
                   if data["dossier"] else None)
        try:
            item = fa.do_file(fa.Submission(
                unit=unit_of(request.user), about=data["about"], subject=data["subject"], content=data["content"],
                procedure=procedure if data["about"] == About.PROCEDURE else None,
                dossier=dossier if data["about"] == About.DOSSIER else None, officer=data["officer"],
                name=data["name"], phone=data["phone"], email=data["email"]), channel=Channel.DESK,
                actor=request.user)
        except TransitionError as exc:
            form.add_error(None, str(exc))
            status = 400
        else:
            messages.success(request, _("Đã tiếp nhận phản ánh %(code)s.") % {"code": item.code})
            return redirect("office:feedback", code=item.code)
    elif request.method == "POST":
        status = 400
    response = render(request, "office/feedback_new.html", {"form": form})
    response.status_code = status
    return response


def _page(request, item, bound=None):
    calendar = CalendarBook().for_unit(item.unit.code)
    clock = feedback_clock(item, calendar, timezone.now())
    action_forms = []
    for action in allowed_actions(item.current_status):
        if action not in ACTION_FORMS or not can_act_on_feedback(request.user, item, action):
            continue
        url_name, form_class = ACTION_FORMS[action]
        if bound is not None and bound[0] == action:
            form = bound[1]
        else:
            extra = {"draft": fa.publication_draft(item)} if action == "publish" else {}
            form = form_class(item=item, auto_id=f"id_{action}_%s", **extra)
        action_forms.append({"action": action, "label": ACTION_LABELS[action], "url_name": url_name, "form": form})
    events = list(item.events.select_related("actor__membership").order_by("at", "id"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
    response = render(request, "office/feedback.html", {
        "item": item, "clock": clock, "deadlines": clock.standing.deadlines, "action_forms": action_forms,
        "events": events, "later": Feedback.objects.filter(previous=item).visible_to(request.user)})
    if bound is not None:
        response.status_code = 400
    return response


@office_required
def detail(request, code):
    return _page(request, feedback_or_404(request.user, code))


def _act(request, code, action, perform, success):
    item = feedback_or_404(request.user, code)
    if not can_act_on_feedback(request.user, item, action):
        raise PermissionDenied
    url_name, form_class = ACTION_FORMS[action]
    extra = {"draft": ""} if action == "publish" else {}
    form = form_class(request.POST, item=item, auto_id=f"id_{action}_%s", **extra)
    if not form.is_valid():
        return _page(request, item, bound=(action, form))
    try:
        perform(item, form.cleaned_data)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("office:feedback", code=code)
    messages.success(request, success % {"code": item.code})
    return redirect("office:feedback", code=code)


@office_required
@require_POST
def assign(request, code):
    return _act(request, code, "assign", lambda i, c: fa.do_assign(
        i, actor=request.user, assignee=c["assignee"], version=c["version"]), _("Đã phân công xử lý %(code)s."))


@office_required
@require_POST
def request_info(request, code):
    return _act(request, code, "request_info", lambda i, c: fa.do_request_info(
        i, actor=request.user, note=c["note"], version=c["version"]),
        _("Đã đề nghị người phản ánh bổ sung thông tin cho %(code)s."))


@office_required
@require_POST
def add_info(request, code):
    return _act(request, code, "add_info", lambda i, c: fa.do_add_info(
        i, actor=request.user, note=c["note"], version=c["version"]),
        _("Đã ghi nhận thông tin bổ sung cho %(code)s."))


@office_required
@require_POST
def refuse(request, code):
    return _act(request, code, "refuse", lambda i, c: fa.do_refuse(
        i, actor=request.user, reason=c["reason"], version=c["version"]), _("Đã từ chối xử lý %(code)s."))


@office_required
@require_POST
def transfer(request, code):
    item = feedback_or_404(request.user, code)
    target = {}

    def perform(i, c):
        target["unit"] = c["unit"]
        fa.do_transfer(i, actor=request.user, unit=c["unit"], note=c["note"], version=c["version"])

    response = _act(request, code, "transfer", perform, _("Đã chuyển %(code)s đến đơn vị có thẩm quyền."))
    if "unit" in target and not Feedback.objects.visible_to(request.user).filter(pk=item.pk).exists():
        return redirect("office:feedback_queue")  # now another unit's: out of this officer's scope
    return response


@office_required
@require_POST
def answer(request, code):
    from motcua.office.pdfs import SigningUnavailable

    def perform(item, c):
        fa.check_answerable(item, c["text"], c["version"])  # before the slow signing
        approver = getattr(getattr(request.user, "membership", None), "full_name", "") or request.user.get_username()
        try:
            signed, signer = fa.signed_answer(item, c["text"], timezone.now(), approver)
        except SigningUnavailable as exc:
            raise TransitionError(str(exc)) from exc
        fa.do_answer(item, actor=request.user, text=c["text"], signed_pdf=signed, signer_name=signer,
                     version=c["version"])

    return _act(request, code, "answer", perform,
                _("Đã ký số văn bản trả lời %(code)s và thông báo cho người phản ánh."))


@office_required
@require_POST
def publish(request, code):
    return _act(request, code, "publish", lambda i, c: fa.do_publish(
        i, actor=request.user, text=c["text"], version=c["version"]), _("Đã công khai kết quả trả lời %(code)s."))


@office_required
def answer_pdf(request, code):
    item = feedback_or_404(request.user, code)
    if not item.answer_file:
        raise Http404
    return FileResponse(default_storage.open(item.answer_file.name, "rb"), content_type="application/pdf",
                        filename=f"tra-loi-{item.code}.pdf")
