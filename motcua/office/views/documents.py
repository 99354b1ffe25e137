"""Documents of a dossier: the scanned components, the desk's forms as PDFs and the signed result.

Each is reached through its dossier, so the scoping method decides: outside one's scope, "not found".
"""

import logging

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from motcua.dossiers.constants import Status
from motcua.office import actions, pdfs
from motcua.office.access import can_act, dossier_or_404, office_required
from motcua.office.clock import control_sheet
from motcua.office.models import DossierResult
from motcua.office.verification import verify_stored
from motcua.units.calendars import CalendarBook

logger = logging.getLogger(__name__)


def _pdf(content: bytes | None, filename: str) -> HttpResponse:
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Personal data: never kept by a shared cache or the browser's back-forward cache.
    response["Cache-Control"] = "no-store, private"
    return response


@office_required
def component_file(request, code, pk):
    dossier = dossier_or_404(request.user, code)
    component = dossier.components.filter(pk=pk).exclude(file="").first()
    if component is None or not component.file:
        raise Http404
    extension = component.file.name.rsplit(".", 1)[-1]
    response = FileResponse(component.file.open("rb"), content_type=component.content_type or "application/pdf",
                            filename=f"{dossier.code}-{component.pk}.{extension}")
    response["Cache-Control"] = "no-store, private"
    return response


@office_required
def receipt_slip(request, code):
    dossier = dossier_or_404(request.user, code)
    return _pdf(pdfs.receipt_slip(dossier), f"giay-tiep-nhan-{dossier.code}.pdf")


@office_required
def refusal(request, code):
    dossier = dossier_or_404(request.user, code)
    return _pdf(pdfs.refusal(dossier), f"phieu-tu-choi-{dossier.code}.pdf")


@office_required
def supplement_request(request, code):
    dossier = dossier_or_404(request.user, code)
    return _pdf(pdfs.supplement_request(dossier), f"phieu-yeu-cau-bo-sung-{dossier.code}.pdf")


@office_required
def apology(request, code, event_id):
    dossier = dossier_or_404(request.user, code)
    event = dossier.events.filter(pk=event_id, action="apologize").first()
    if event is None:
        raise Http404
    return _pdf(pdfs.apology(dossier, event), f"van-ban-xin-loi-{dossier.code}-{event.pk}.pdf")


@office_required
def control_sheet_pdf(request, code):
    dossier = dossier_or_404(request.user, code)
    now = timezone.now()
    rows = control_sheet(dossier, CalendarBook(), now)
    return _pdf(pdfs.control_sheet(dossier, rows, now), f"phieu-kiem-soat-{dossier.code}.pdf")


@office_required
def result(request, code):
    dossier = dossier_or_404(request.user, code)
    stored = DossierResult.objects.filter(dossier=dossier).first()
    if stored is None:
        raise Http404
    with stored.file.open("rb") as handle:
        return _pdf(handle.read(), f"ket-qua-{dossier.code}.pdf")


@office_required
def result_preview(request, code):
    """The result as it will be signed, unsigned: what the leader reads before approving (the sign form asks
    him to tick that he has). Only while the dossier is resolved and its result not yet signed."""
    dossier = dossier_or_404(request.user, code)
    if (dossier.status != Status.RESOLVED or DossierResult.objects.filter(dossier=dossier).exists()
            or not dossier.events.filter(action="resolve").exists()):
        raise Http404
    approver = None
    if can_act(request.user, dossier, "sign_result"):  # the name under the signature, as the signing puts it
        membership = getattr(request.user, "membership", None)
        approver = membership.full_name if membership and membership.full_name else request.user.get_username()
    content = pdfs.result_document(dossier, actions.result_code(dossier), timezone.now(), approver)
    return _pdf(content, f"ket-qua-xem-truoc-{dossier.code}.pdf")


@office_required
def verify_result(request, code):
    """Check the stored result's signature again, as anyone holding the file could: against the configured
    trust roots (the demo root only in demo mode, `pdfs.result_trust_roots`) and the configured CRLs."""
    dossier = dossier_or_404(request.user, code)
    stored = DossierResult.objects.filter(dossier=dossier).first()
    if stored is None:
        raise Http404
    check = verify_stored(stored)
    return render(request, "office/verification.html", {"dossier": dossier, "check": check,
                                                                 "result": stored})
