"""Receipt at the desk: find the procedure (diacritics ignored), fill the applicant and the components,
receive (or refuse) and print the receipt and appointment slip."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.dossiers.lifecycle import TransitionError
from motcua.dossiers.models import Dossier
from motcua.lib.textfold import fold, matches
from motcua.office import actions
from motcua.office.access import can_receive, office_required, unit_of
from motcua.office.forms import ProcedureSearchForm, ReceiptForm

MAX_RESULTS = 50
GENERIC_COMPONENT = ("x", "Giấy tờ kèm theo", False)


def _components(procedure):
    specs = [(str(c.pk), c.name, c.required) for c in procedure.components.order_by("position", "id")]
    # A procedure whose components are not in the catalog still lets the desk scan what it receives.
    return specs or [GENERIC_COMPONENT]


@office_required
def search(request):
    if not can_receive(request.user):
        raise PermissionDenied
    form = ProcedureSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = []
    if query.strip():
        # The catalog is small (a few thousand rows): fold in Python, identically for every database.
        for code, name, field, level in Procedure.objects.values_list("code", "name", "field", "level"):
            if matches(query, code, name, field):
                results.append({"code": code, "name": name, "field": field, "level": level})
        results.sort(key=lambda r: (not fold(r["name"]).startswith(fold(query)), r["name"]))
    return render(request, "office/receipt_search.html", {
        "form": form, "results": results[:MAX_RESULTS], "more": len(results) > MAX_RESULTS, "query": query})


def _lookup_applicant(request, id_number: str) -> dict:
    """Fill the applicant from the latest dossier with this identity number that the officer may see."""
    previous = (Dossier.objects.visible_to(request.user).filter(applicant_id_number=id_number)
                .order_by("-received_at").first())
    if previous is None:
        messages.info(request, _("Không tìm thấy hồ sơ trước đây của số định danh %(id)s; vui lòng nhập thông "
                                 "tin người nộp.") % {"id": id_number})
        return {"applicant_id_number": id_number}
    messages.info(request, _("Đã điền thông tin người nộp từ hồ sơ %(code)s.") % {"code": previous.code})
    return {"applicant_id_number": id_number, "applicant_name": previous.applicant_name,
            "applicant_phone": previous.applicant_phone, "applicant_address": previous.applicant_address,
            "applicant_email": previous.applicant_email}


@office_required
def receive(request, procedure_code):
    if not can_receive(request.user):
        raise PermissionDenied
    procedure = get_object_or_404(Procedure, code=procedure_code)
    specs = _components(procedure)
    desk = unit_of(request.user)
    if procedure.online_required:
        # Filed online only (docs/decisions.md): no paper receipt, the desk files it online with the citizen.
        if request.method == "POST":
            messages.error(request, _("Thủ tục này bắt buộc nộp trực tuyến: không tiếp nhận hồ sơ giấy. Vui lòng hỗ "
                                      "trợ công dân nộp trực tuyến."))
        return render(request, "office/receipt_form.html", {"procedure": procedure, "desk": desk},
                      status=400 if request.method == "POST" else 200)
    if request.method != "POST":
        initial = {"token": actions.issue_token(request.user)}
        own = procedure.authorities.filter(unit=desk).first()
        if own is not None:
            initial["unit"] = desk.pk
        id_number = request.GET.get("cccd", "").strip()
        if id_number.isdigit():
            initial.update(_lookup_applicant(request, id_number))
        form = ReceiptForm(initial=initial, procedure=procedure, components=specs)
        return render(request, "office/receipt_form.html", {"form": form, "procedure": procedure, "desk": desk})

    refusing = request.POST.get("decision") == "refuse"
    form = ReceiptForm(request.POST, request.FILES, procedure=procedure, components=specs, refusing=refusing)
    if not form.is_valid():
        messages.error(request, _("Hồ sơ chưa được tiếp nhận: vui lòng sửa các lỗi bên dưới và chọn lại các tệp "
                                  "(trình duyệt không giữ tệp đã chọn)."))
        return render(request, "office/receipt_form.html", {"form": form, "procedure": procedure, "desk": desk},
                      status=400)
    data = form.cleaned_data
    components = [
        actions.ComponentInput(name=name, upload=data.get(f"file_{key}") or None, kind=form.kinds.get(key),
                               paper=bool(data.get(f"paper_{key}")))
        for key, name, _required in specs]
    try:
        dossier = actions.do_receive(
            actor=request.user, procedure=procedure, unit=data["unit"], received_by=desk,
            applicant=actions.Applicant(data["applicant_name"], data["applicant_id_number"],
                                        data["applicant_phone"], data["applicant_address"],
                                        email=data["applicant_email"]),
            components=components, token=data["token"],
            refusal_reason=data["refusal_reason"].strip() if refusing else "")
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect("office:queue")
    if refusing:
        messages.success(request, _("Đã từ chối tiếp nhận hồ sơ %(code)s. In phiếu từ chối cho người nộp.")
                         % {"code": dossier.code})
    else:
        messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s. In giấy tiếp nhận và hẹn trả kết quả cho người "
                                    "nộp.") % {"code": dossier.code})
    return redirect("office:dossier", code=dossier.code)
