"""Assisted online submission (nộp trực tuyến có hỗ trợ) at the desk: with the citizen present and his
consent, a desk officer fills the procedure's online application for him and submits it.

Two steps. `start`: the citizen's identity number (or tax code), name, phone, e-mail and his consent; a
draft of the officer (`assisted_by` = the officer, `consent_at` = now) is opened and the citizen's
particulars are kept in the officer's session for that draft. `fill`: the procedure's form rendered from
its definition, the competent unit and the uploads; submitting makes an online dossier in status 1 filed
under the citizen's number, which waits in the chosen unit's intake queue and which the citizen sees in
the portal. Nothing is read from the population data at the desk (`known` is empty, `citizen_data` stays
false): what the citizen said is typed, and shown as typed.

A submitted draft is never submitted again (`submission.AlreadySubmitted`, a compare-and-update), so a form
posted twice makes one dossier.
"""

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.applications import drafts, formdef, submission
from motcua.applications.definitions import spec_of
from motcua.applications.models import Draft
from motcua.catalog.models import OnlineLevel, Procedure
from motcua.dossiers.models import Dossier
from motcua.office.access import can_receive, office_required, unit_of

SESSION_KEY = "office_assisted"
ID_NUMBER = re.compile(r"^[0-9]{12}$")
TAX_CODE = re.compile(r"^[0-9]{10}(-[0-9]{3})?$")
CONSENT_TEXT = gettext_lazy(
    "Công dân đồng ý để cán bộ nộp hồ sơ trực tuyến thay mình; thông tin được ghi nhận vào hồ sơ cùng tên cán bộ "
    "và thời điểm đồng ý, và công dân theo dõi hồ sơ trên Cổng dịch vụ công bằng tài khoản của mình.")


class CitizenForm(forms.Form):
    """Who the application is filed for, and his consent."""

    identifier = forms.CharField(label=gettext_lazy("Số định danh cá nhân (12 chữ số) hoặc mã số thuế"),
                                 max_length=14, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    name = forms.CharField(label=gettext_lazy("Họ và tên (hoặc tên tổ chức)"), max_length=255)
    phone = forms.CharField(label=gettext_lazy("Số điện thoại"), max_length=20)
    email = forms.EmailField(label=gettext_lazy("Thư điện tử"), required=False,
                             error_messages={"invalid": gettext_lazy("Địa chỉ thư điện tử không hợp lệ.")})
    consent = forms.BooleanField(label=CONSENT_TEXT, error_messages={
        "required": gettext_lazy("Cần có sự đồng ý của công dân trước khi cán bộ nộp hồ sơ trực tuyến thay.")})

    def clean_identifier(self):
        value = self.cleaned_data["identifier"].strip()
        if not (ID_NUMBER.match(value) or TAX_CODE.match(value)):
            raise forms.ValidationError(_("Số định danh cá nhân gồm đúng 12 chữ số; mã số thuế gồm 10 chữ số (hoặc "
                                          "10 chữ số, dấu gạch và 3 chữ số)."))
        return value

    def clean_phone(self):
        value = self.cleaned_data["phone"].replace(" ", "")
        if not formdef.PHONE.match(value):
            raise forms.ValidationError(_("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (ví dụ 0912345678)."))
        return value


def _procedure_or_refuse(request, procedure_code) -> Procedure:
    if not can_receive(request.user):
        raise PermissionDenied
    procedure = get_object_or_404(Procedure, code=procedure_code)
    if procedure.online_level == OnlineLevel.NONE:
        raise Http404
    return procedure


def _particulars_answers(spec: formdef.FormSpec, citizen: dict) -> dict[str, str]:
    """The form's fields that the citizen's particulars answer (by the field's population-data source),
    typed once at the first step instead of twice. They stay typed answers, not population data."""
    identifier = citizen["identifier"]
    by_source = {"full_name": citizen["name"], "organization_name": citizen["name"], "phone": citizen["phone"],
                 "email": citizen["email"],
                 "id_number": identifier if ID_NUMBER.match(identifier) else "",
                 "tax_code": identifier if TAX_CODE.match(identifier) else ""}
    return {f.name: by_source[f.source] for f in spec.fields if f.source in by_source and by_source[f.source]}


def _citizen_of(request, draft) -> dict | None:
    return request.session.get(SESSION_KEY, {}).get(str(draft.pk))


@office_required
def start(request, procedure_code):
    procedure = _procedure_or_refuse(request, procedure_code)
    form = CitizenForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        if request.method == "POST":
            messages.error(request, _("Chưa bắt đầu được: vui lòng sửa các lỗi bên dưới."))
        return render(request, "office/assisted.html", {"procedure": procedure, "form": form},
                      status=400 if request.method == "POST" else 200)
    data = form.cleaned_data
    citizen = {"identifier": data["identifier"], "name": data["name"].strip(), "phone": data["phone"],
               "email": data["email"]}
    now = timezone.now()
    try:
        # A new draft for each citizen served: nothing of the previous citizen can be filed for this one.
        draft = drafts.open_draft(request.user, procedure, assisted_by=request.user, consent_at=now, fresh=True)
    except drafts.ApplicationError as error:
        messages.error(request, str(error))
        return render(request, "office/assisted.html", {"procedure": procedure, "form": form}, status=400)
    kept = request.session.get(SESSION_KEY, {})
    drafts.save_answers(draft, _particulars_answers(spec_of(draft.form), citizen), {})
    kept = {key: value for key, value in kept.items() if Draft.objects.filter(
        pk=int(key), submitted_at__isnull=True).exists()}  # forget the drafts submitted since
    kept[str(draft.pk)] = citizen
    request.session[SESSION_KEY] = kept
    return redirect("office:assisted_form", procedure_code=procedure.code, draft_id=draft.pk)


def _default_unit(request, units):
    desk = unit_of(request.user)
    if desk is not None and any(u.pk == desk.pk for u in units):
        return desk.pk
    return units[0].pk if len(units) == 1 else None


def _field_rows(spec, answers: dict, errors: dict) -> list[dict]:
    return [{"spec": f, "value": answers.get(f.name, ""), "error": errors.get(f.name, ""),
             "numeric": f.type in ("id_number", "tax_code", "phone", "number")} for f in spec.fields]


def _component_rows(spec, draft, errors: dict) -> list[dict]:
    attached = {a.component: a for a in draft.attachments.all()}
    return [{"spec": c, "attachment": attached.get(c.key), "error": errors.get(f"component:{c.key}", ""),
             "accept": ",".join(sorted({drafts.KIND_NAMES[k] for k in c.accept}))} for c in spec.components]


def _render_form(request, procedure, draft, citizen, errors=None, http_status=200):
    errors = errors or {}
    spec = spec_of(draft.form)
    units = list(drafts.competent_units(procedure))
    unit_id = draft.unit_id or _default_unit(request, units)
    return render(request, "office/assisted_form.html", {
        "procedure": procedure, "draft": draft, "citizen": citizen, "spec": spec,
        "fields": _field_rows(spec, draft.answers, errors), "components": _component_rows(spec, draft, errors),
        "units": units, "unit_id": unit_id, "unit_error": errors.get("unit", ""),
        "other_errors": [message for key, message in errors.items() if key == "__all__"],
    }, status=http_status)


def _already_submitted(request, draft):
    draft.refresh_from_db()
    if draft.dossier_id is not None and Dossier.objects.visible_to(request.user).filter(pk=draft.dossier_id).exists():
        messages.info(request, _("Hồ sơ này đã được nộp trước đó (mã %(code)s); không có hồ sơ nào được tạo thêm.")
                      % {"code": draft.dossier.code})
        return redirect("office:dossier", code=draft.dossier.code)
    messages.info(request, _("Hồ sơ này đã được nộp trước đó; không có hồ sơ nào được tạo thêm."))
    return redirect("office:intake")


@office_required
def fill(request, procedure_code, draft_id):
    procedure = _procedure_or_refuse(request, procedure_code)
    # Only the officer's own assisted drafts: another officer's is "not found".
    draft = get_object_or_404(Draft.objects.select_related("form", "dossier"), pk=draft_id, owner=request.user,
                              assisted_by=request.user, procedure=procedure)
    if draft.submitted_at is not None:
        return _already_submitted(request, draft)
    citizen = _citizen_of(request, draft)
    if citizen is None:
        messages.info(request, _("Vui lòng nhập lại thông tin và sự đồng ý của công dân."))
        return redirect("office:assisted", procedure_code=procedure.code)
    if request.method != "POST":
        return _render_form(request, procedure, draft, citizen)

    spec = spec_of(draft.form)
    # A field missing from the post keeps its saved value; an unticked checkbox is never posted, so it is "".
    answers = {f.name: request.POST.get(f.name, "") for f in spec.fields
               if f.type == "checkbox" or f.name in request.POST}
    unit_id = request.POST.get("unit", "")
    errors = {}
    try:
        if unit_id and not unit_id.isdigit():
            raise drafts.ApplicationError(_("Vui lòng chọn nơi giải quyết hồ sơ."), field="unit")
        errors.update(drafts.save_answers(draft, answers, {}, unit_id or None))
    except drafts.ApplicationError as error:
        if error.field is None:  # submitted meanwhile (the same form posted twice)
            return _already_submitted(request, draft)
        errors.update(drafts.save_answers(draft, answers, {}))
        errors[error.field] = str(error)
    for component in spec.components:
        upload = request.FILES.get(f"file_{component.key}")
        if upload is None:
            continue
        try:
            drafts.attach_upload(draft, component.key, upload)
        except drafts.ApplicationError as error:
            if error.field is None:
                return _already_submitted(request, draft)
            errors[error.field or f"component:{component.key}"] = str(error)
    id_field = next((f for f in spec.fields if f.source in ("id_number", "tax_code")), None)
    if id_field is not None and draft.answers.get(id_field.name, "").strip() not in ("", citizen["identifier"]):
        errors[id_field.name] = _("Không khớp với số định danh (mã số thuế) của công dân đã nhập ở bước trước: "
                                  "%(id)s.") % {"id": citizen["identifier"]}
    applicant = submission.Applicant(citizen["identifier"], {})
    if errors and request.POST.get("decision") == "submit":
        # Everything that keeps it from being filed, at once (a draft being saved reports only wrong values).
        draft.refresh_from_db()
        errors = {**submission.check(draft, applicant, timezone.localdate())[2], **errors}
    elif request.POST.get("decision") == "submit":
        try:
            dossier = submission.submit(draft, applicant, actor=request.user, at=timezone.now())
        except submission.AlreadySubmitted:
            return _already_submitted(request, draft)
        except submission.IncompleteApplication as incomplete:
            errors = incomplete.errors
        else:
            request.session.get(SESSION_KEY, {}).pop(str(draft.pk), None)
            request.session.modified = True
            messages.success(request, _("Đã nộp trực tuyến hồ sơ %(code)s thay công dân. Hồ sơ đang chờ Bộ phận Một "
                                        "cửa của đơn vị giải quyết tiếp nhận.") % {"code": dossier.code})
            if not Dossier.objects.visible_to(request.user).filter(pk=dossier.pk).exists():
                return redirect("office:intake")  # filed to another unit, whose desk receives it
            return redirect("office:dossier", code=dossier.code)
    draft.refresh_from_db()
    if errors:
        messages.error(request, _("Hồ sơ chưa được nộp: vui lòng sửa các mục được đánh dấu bên dưới. Các tệp đã "
                                  "đính kèm được giữ lại."))
        return _render_form(request, procedure, draft, citizen, errors, http_status=400)
    messages.success(request, _("Đã lưu bản nháp."))
    return redirect("office:assisted_form", procedure_code=procedure.code, draft_id=draft.pk)
