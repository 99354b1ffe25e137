"""Feedback on the citizen portal (phản ánh, kiến nghị): filing one (signed in, contact details come from the
citizen's account; not signed in, a name and a phone number or e-mail are required, and filing is
rate-limited per address), the citizen's own items (rate the answer, raise it again, send the information
asked for), and the public list of published answers, with no personal data. Another person's item is
404, never 403."""

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from motcua.catalog.models import Authority, Procedure
from motcua.citizens.access import citizen_of, citizen_required
from motcua.dossiers.models import Dossier
from motcua.feedback.constants import About, Channel, Status
from motcua.feedback.lifecycle import ACTION_LABELS, TransitionError
from motcua.feedback.masking import mask_personal_data
from motcua.feedback.models import Feedback
from motcua.office import feedback_actions as fa
from motcua.units.models import Unit

PAGE_SIZE = 20
FIELDS = ("about", "procedure", "unit", "dossier", "officer", "subject", "content", "name", "phone", "email")


def _units_for(procedure):
    if procedure is None:
        return Unit.objects.none()
    return Unit.objects.filter(pk__in=Authority.objects.filter(procedure=procedure).values("unit_id")).order_by(
        "position", "code")


def _route(post, citizen, user):
    """(submission kwargs) from the form: the competent unit is the dossier's, the procedure's unit the
    citizen chose among those with authority, or the unit he chose for a conduct complaint."""
    about = post.get("about", "")
    procedure = dossier = unit = None
    if about == About.DOSSIER:
        if citizen is None:
            raise fa.FeedbackRefused(_("Vui lòng đăng nhập để phản ánh về hồ sơ của mình."))
        dossier = Dossier.objects.visible_to(user).filter(code=post.get("dossier", "").strip()).first()
        if dossier is None:
            raise fa.FeedbackRefused(_("Vui lòng chọn một hồ sơ của Ông/Bà."))
        unit = dossier.unit
    elif about == About.PROCEDURE:
        procedure = Procedure.objects.filter(code=post.get("procedure", "").strip()).first()
        if procedure is None:
            raise fa.FeedbackRefused(_("Không tìm thấy thủ tục có mã này."))
        unit = _units_for(procedure).filter(code=post.get("unit", "")).first()
        if unit is None:
            raise fa.FeedbackRefused(_("Vui lòng chọn cơ quan giải quyết thủ tục mà Ông/Bà phản ánh."))
    elif about == About.CONDUCT:
        unit = Unit.objects.exclude(kind="office").filter(code=post.get("unit", "")).first()
        if unit is None:
            raise fa.FeedbackRefused(_("Vui lòng chọn cơ quan của cán bộ bị phản ánh."))
    else:
        raise fa.FeedbackRefused(_("Vui lòng chọn nội dung phản ánh về."))
    return {"unit": unit, "about": about, "procedure": procedure, "dossier": dossier}


def _submission(post, citizen, user):
    routed = _route(post, citizen, user)
    if citizen is not None:
        name, phone, email = citizen.full_name, post.get("phone") or citizen.phone, post.get("email") or citizen.email
    else:
        name, phone, email = post.get("name", ""), post.get("phone", ""), post.get("email", "")
    return fa.Submission(subject=post.get("subject", ""), content=post.get("content", ""),
                         officer=post.get("officer", ""), name=name, phone=phone, email=email,
                         user=user if citizen is not None else None, **routed)


def file(request):
    citizen = citizen_of(request.user)
    values = {key: request.GET.get(key, "") for key in ("about", "procedure", "dossier", "unit")}
    if request.GET.get("ho-so"):
        values.update(about=About.DOSSIER, dossier=request.GET["ho-so"])
    if request.GET.get("thu-tuc"):
        values.update(about=About.PROCEDURE, procedure=request.GET["thu-tuc"])
    if citizen is not None:
        values.update(name=citizen.full_name, phone=citizen.phone or "", email=citizen.email or "")
    error, status = "", 200
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in FIELDS}
        if citizen is None and is_ratelimited(request, group="portal.feedback", key="ip",
                                              rate=settings.MOTCUA_FEEDBACK_ANONYMOUS_RATE, increment=True):
            error, status = _("Địa chỉ này đã gửi nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau hoặc "
                              "đăng nhập bằng tài khoản định danh điện tử."), 429
        else:
            try:
                item = fa.do_file(_submission(request.POST, citizen, request.user), channel=Channel.PORTAL)
            except TransitionError as exc:
                error, status = str(exc), 400
            else:
                if citizen is not None:
                    messages.success(request, _("Đã gửi phản ánh %(code)s đến %(unit)s.") % {
                        "code": item.code, "unit": item.unit.name})
                    return redirect("portal:my_feedback_item", code=item.code)
                return render(request, "portal/feedback_sent.html", {"item": item})
    procedure = Procedure.objects.filter(code=values.get("procedure", "")).first() if values.get("procedure") else None
    dossiers = (Dossier.objects.visible_to(request.user).select_related("procedure").order_by("-received_at")[:50]
                if citizen is not None else [])
    response = render(request, "portal/feedback_form.html", {
        "values": values, "error": error, "citizen": citizen, "procedure": procedure,
        "procedure_units": _units_for(procedure), "dossiers": dossiers, "about_choices": About.choices,
        "units": Unit.objects.exclude(kind="office").order_by("position", "code")})
    response.status_code = status
    return response


def published(request):
    """Answers made public, personal data hidden (the subject masked again at display)."""
    query = (request.GET.get("q") or "").strip()
    items = Feedback.objects.filter(status=Status.PUBLISHED).select_related("unit").order_by("-published_at", "-id")
    if query:
        items = items.filter(Q(code__icontains=query) | Q(published_text__icontains=query))
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        item.public_subject = mask_personal_data(item.subject, [item.submitter_name, item.officer])
    return render(request, "portal/feedback_public.html", {"page": page, "q": query})


def _own(request, code) -> Feedback:
    item = (Feedback.objects.visible_to(request.user).select_related("unit", "procedure", "dossier", "previous")
            .filter(code=code).first())
    if item is None:
        raise Http404
    return item


@citizen_required
def mine(request):
    items = Feedback.objects.visible_to(request.user).select_related("unit").order_by("-received_at", "-id")[:200]
    return render(request, "portal/feedback_mine.html", {"items": items})


@citizen_required
def item_page(request, code):
    item = _own(request, code)
    state = item.current_status
    events = list(item.events.exclude(action="assign").order_by("at", "id"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
    return render(request, "portal/feedback_item.html", {
        "item": item, "can_rate": state in (Status.ANSWERED, Status.PUBLISHED),
        "can_raise_again": state in (Status.ANSWERED, Status.PUBLISHED, Status.REFUSED) and not item.raised_again,
        "info_requested": state == Status.INFO_REQUESTED,
        "later": Feedback.objects.filter(previous=item).visible_to(request.user),
        "events": events})


def _after(request, code, perform, success):
    item = _own(request, code)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1  # a form without its version is stale by definition
    try:
        result = perform(item, version)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("portal:my_feedback_item", code=code)
    messages.success(request, success)
    return redirect("portal:my_feedback_item", code=getattr(result, "code", code))


@citizen_required
@require_POST
def rate(request, code):
    return _after(request, code, lambda item, version: fa.do_rate(
        item, user=request.user, rating=request.POST.get("rating", ""), version=version),
        _("Cảm ơn Ông/Bà đã đánh giá kết quả trả lời."))


@citizen_required
@require_POST
def raise_again(request, code):
    def perform(item, version):
        citizen = request.citizen
        return fa.do_raise_again(item, fa.Submission(
            unit=item.unit, about=item.about or About.PROCEDURE, subject=item.subject,
            content=request.POST.get("content", ""), procedure=item.procedure, dossier=item.dossier,
            officer=item.officer, name=citizen.full_name, phone=item.submitter_phone or citizen.phone or "",
            email=item.submitter_email or citizen.email or "", user=request.user), version=version)

    return _after(request, code, perform, _("Đã gửi phản ánh lại; đây là phản ánh mới của Ông/Bà."))


@citizen_required
@require_POST
def add_info(request, code):
    return _after(request, code, lambda item, version: fa.do_add_info(
        item, actor=request.user, note=request.POST.get("note", ""), version=version),
        _("Đã gửi thông tin bổ sung."))


@citizen_required
def answer_pdf(request, code):
    item = _own(request, code)
    if not item.answer_file:
        raise Http404
    return FileResponse(default_storage.open(item.answer_file.name, "rb"), content_type="application/pdf",
                        filename=f"tra-loi-{item.code}.pdf")
