"""The citizen's own dossiers: the list, each dossier's page (clock, history, what is asked of him,
the signed result and its check), answering a supplement request online. Every dossier is read through
`Dossier.objects.visible_to(user)`: another person's dossier is 404, never 403."""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from motcua.applications.models import Draft
from motcua.citizens.access import citizen_required
from motcua.dossiers.constants import PauseKind, Status
from motcua.dossiers.lifecycle import TransitionError
from motcua.dossiers.models import Dossier
from motcua.office.actions import ComponentInput, do_complete_supplement
from motcua.office.forms import check_upload
from motcua.office.models import DossierResult
from motcua.office.verification import verify_stored
from motcua.portal import following
from motcua.units.calendars import CalendarBook


def own_dossier(user, code) -> Dossier:
    dossier = Dossier.objects.visible_to(user).select_related("procedure", "unit", "received_by").filter(
        code=code).first()
    if dossier is None:
        raise Http404
    return dossier


@citizen_required
def my_dossiers(request):
    now = timezone.now()
    dossiers = list(Dossier.objects.visible_to(request.user).select_related("procedure", "unit")
                    .prefetch_related("pauses").order_by("-received_at", "-id")[:200])
    book = CalendarBook()
    rows = [{"dossier": d, "clock": following.clock(d, now, book), "waiting": following.waiting_for_citizen(d)}
            for d in dossiers]
    drafts = Draft.objects.filter(owner=request.user, submitted_at__isnull=True, assisted_by__isnull=True
                                  ).select_related("procedure")
    return render(request, "portal/my_dossiers.html", {"rows": rows, "drafts": drafts})


@citizen_required
def dossier(request, code):
    dossier = own_dossier(request.user, code)
    now = timezone.now()
    result = DossierResult.objects.filter(dossier=dossier).first()
    apology = following.apology(dossier)
    new_due = None
    if apology is not None and apology.data.get("new_due_at"):
        new_due = datetime.fromisoformat(apology.data["new_due_at"])
    payable = (dossier.fee_vnd > 0 and dossier.paid_online_at is None
               and dossier.status in (Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.WAITING_FEES)
               and dossier.procedure.fee_integrated) or dossier.status == Status.WAITING_FEES
    return render(request, "portal/dossier.html", {
        "dossier": dossier, "clock": following.clock(dossier, now), "history": following.history(dossier),
        "supplement": following.open_request(dossier, PauseKind.SUPPLEMENT)
        if dossier.status == Status.SUPPLEMENT_REQUESTED else None,
        "fee_wait": following.open_request(dossier, PauseKind.FEE_WAIT)
        if dossier.status == Status.WAITING_FEES else None,
        "apology": apology, "new_due": new_due, "result": result, "payable": payable,
        "payments": dossier.payments.order_by("paid_at"),
        "components": dossier.components.all(),
    })


@citizen_required
@require_POST
def answer_supplement(request, code):
    """The citizen sends the supplement online: the request is completed and the clock runs again."""
    dossier = own_dossier(request.user, code)
    upload = request.FILES.get("file")
    note = (request.POST.get("note") or "").strip()[:2000]
    component = None
    if upload is not None:
        try:
            kind = check_upload(upload)
        except ValidationError as exc:  # the one upload check: content, size, name
            messages.error(request, exc.messages[0])
            return redirect("portal:dossier", code=code)
        component = ComponentInput(name=request.POST.get("name") or "Giấy tờ bổ sung", upload=upload, kind=kind)
    elif not note:
        messages.error(request, "Vui lòng đính kèm giấy tờ bổ sung hoặc ghi nội dung bổ sung.")
        return redirect("portal:dossier", code=code)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        do_complete_supplement(dossier, actor=request.user, version=version, note=note or "Bổ sung trực tuyến",
                               component=component)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Đã gửi hồ sơ bổ sung. Thời gian giải quyết tiếp tục được tính từ bây giờ.")
    return redirect("portal:dossier", code=code)


def _result(request, code) -> DossierResult:
    dossier = own_dossier(request.user, code)
    stored = DossierResult.objects.filter(dossier=dossier).first()
    if stored is None:
        raise Http404
    return stored


@citizen_required
def result_pdf(request, code):
    stored = _result(request, code)
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=f"ket-qua-{code}.pdf",
                        content_type="application/pdf")


@citizen_required
def verify_result(request, code):
    stored = _result(request, code)
    return render(request, "portal/verification.html", {"dossier": stored.dossier, "result": stored,
                                                        "check": verify_stored(stored)})
