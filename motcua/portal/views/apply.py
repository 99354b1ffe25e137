"""Applying online: open the draft of a procedure, fill it in (saved at every change), attach components
(uploaded or from the personal data store), submit. One form that works without JavaScript; with it, the
answers are also saved as they are typed (portal/draft.js)."""

import logging

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from motcua.applications import drafts, submission
from motcua.applications.definitions import spec_of
from motcua.applications.formdef import prefilled_values
from motcua.applications.models import Draft
from motcua.catalog.models import Procedure
from motcua.citizens.access import citizen_of, citizen_required
from motcua.datastore.store import StoreError, stored_results
from motcua.portal.session import signed_in_at

logger = logging.getLogger(__name__)


def _own_draft(request, pk) -> Draft:
    """The signed-in citizen's own unsubmitted-or-submitted draft; anybody else's is 404."""
    return get_object_or_404(Draft.objects.select_related("procedure", "form", "unit"), pk=pk, owner=request.user,
                             assisted_by__isnull=True)


def _applicant(request) -> submission.Applicant:
    citizen = citizen_of(request.user)
    return submission.Applicant(identifier=citizen.identifier, known=citizen.known_data())


@citizen_required
def apply(request, code):
    procedure = get_object_or_404(Procedure, code=code)
    try:
        draft = drafts.open_draft(request.user, procedure, signed_in_at=signed_in_at(request))
    except drafts.ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect("portal:procedure", code=code)
    if draft.unit_id is None:  # the applicant's own commune when it accepts the procedure
        citizen = citizen_of(request.user)
        own = drafts.competent_units(procedure).filter(code=citizen.commune_code).first()
        if own is not None:
            Draft.objects.filter(pk=draft.pk).update(unit=own)
    return redirect("portal:draft", pk=draft.pk)


def _stored_choices(citizen, spec) -> tuple[list[dict], str]:
    """The applicant's stored results (for components that accept them), and an error text if the store
    cannot be read (the form still works with uploads)."""
    if not any(c.data_store for c in spec.components) or not citizen.id_number:
        return [], ""
    try:
        return stored_results(citizen.id_number), ""
    except StoreError as exc:
        logger.warning("data store unreadable for the portal: %s", exc)
        return [], "Chưa đọc được kho dữ liệu cá nhân của bạn lúc này; bạn vẫn có thể tải tệp lên."


def _context(request, draft, errors=None):
    citizen = citizen_of(request.user)
    spec = spec_of(draft.form)
    known = citizen.known_data()
    prefilled = prefilled_values(spec, known)
    stored, store_error = _stored_choices(citizen, spec)
    attachments = {a.component: a for a in draft.attachments.all()}
    errors = errors or {}
    fields = [{"spec": f, "value": prefilled.get(f.name, draft.answers.get(f.name, "")),
               "prefilled": f.name in prefilled, "error": errors.get(f.name, "")} for f in spec.fields]
    components = [{"spec": c, "attachment": attachments.get(c.key), "error": errors.get(f"component:{c.key}", "")}
                  for c in spec.components]
    return {"draft": draft, "spec": spec, "fields": fields, "components": components, "stored": stored,
            "store_error": store_error, "units": drafts.competent_units(draft.procedure),
            "unit_error": errors.get("unit", ""), "error_count": len(errors), "citizen": citizen}


@citizen_required
def draft(request, pk):
    draft = _own_draft(request, pk)
    if draft.submitted_at is not None:
        if draft.dossier_id:
            return redirect("portal:dossier", code=draft.dossier.code)
        raise Http404
    if request.method != "POST":
        return render(request, "portal/draft.html", _context(request, draft))
    citizen = citizen_of(request.user)
    errors = {}
    try:
        errors = drafts.save_answers(draft, request.POST.dict(), citizen.known_data(), request.POST.get("unit"))
    except drafts.ApplicationError as exc:
        errors[exc.field or "__all__"] = str(exc)
    for key, upload in request.FILES.items():
        component = key.removeprefix("file_")
        try:
            drafts.attach_upload(draft, component, upload)
        except drafts.ApplicationError as exc:
            errors[exc.field or f"component:{component}"] = str(exc)
    for name, value in request.POST.items():
        if name.startswith("store_") and value:
            component = name.removeprefix("store_")
            try:
                drafts.attach_stored_result(draft, component, value, citizen.id_number)
            except drafts.ApplicationError as exc:
                errors[exc.field or f"component:{component}"] = str(exc)
    if remove := request.POST.get("remove"):
        drafts.detach(draft, remove)
    if request.POST.get("action") == "submit" and not errors:
        try:
            dossier = submission.submit(draft, _applicant(request), actor=request.user,
                                        signed_in_at=signed_in_at(request))
        except submission.AlreadySubmitted as exc:
            messages.info(request, str(exc))
            draft.refresh_from_db()
            return redirect("portal:dossier", code=draft.dossier.code) if draft.dossier_id else redirect(
                "portal:my_dossiers")
        except submission.IncompleteApplication as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Đã nộp hồ sơ {dossier.code}.")
            return redirect("portal:dossier", code=dossier.code)
    elif not errors:
        messages.success(request, f"Đã lưu bản nháp lúc {timezone.localtime():%H:%M}.")
        return redirect("portal:draft", pk=draft.pk)
    draft.refresh_from_db()
    if request.POST.get("action") == "submit":  # show everything still missing, not only the wrong values
        _values, _prefilled, missing = submission.check(draft, _applicant(request), timezone.localdate())
        errors = {**missing, **errors}
    return render(request, "portal/draft.html", _context(request, draft, errors), status=400)


@citizen_required
@require_POST
def autosave(request, pk):
    """The answers typed so far (fetch from portal/draft.js): saved, with the errors of the values given."""
    draft = _own_draft(request, pk)
    try:
        errors = drafts.save_answers(draft, request.POST.dict(), citizen_of(request.user).known_data(),
                                     request.POST.get("unit"))
    except drafts.ApplicationError as exc:
        return JsonResponse({"saved": False, "errors": {exc.field or "__all__": str(exc)}}, status=400)
    return JsonResponse({"saved": True, "at": f"{timezone.localtime():%H:%M:%S}", "errors": errors})


@citizen_required
def drafts_list(request):
    rows = Draft.objects.filter(owner=request.user, submitted_at__isnull=True, assisted_by__isnull=True
                                ).select_related("procedure")
    return render(request, "portal/drafts.html", {"drafts": rows})
