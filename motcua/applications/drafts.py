"""Drafts of online applications: opened, saved at every change, with their components attached.

Every function here is one change, made whole or not at all; errors are `ApplicationError`s whose
`field` names the form field or component (`component:<key>`) the Vietnamese message is about.
"""

import hashlib
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from motcua.applications import formdef
from motcua.applications.definitions import latest, spec_of
from motcua.applications.models import Draft, DraftAttachment
from motcua.catalog.models import Authority, OnlineLevel
from motcua.datastore.store import StoreError, stored_result
from motcua.lib.filetypes import HEAD_BYTES, PDF, UploadRefused, check_upload
from motcua.lib.storedfiles import StoredFiles

KIND_NAMES = {"pdf": PDF.content_type, "jpeg": "image/jpeg", "png": "image/png"}


class ApplicationError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def competent_units(procedure):
    """The units that accept the procedure (any of them, wherever the applicant lives: boundary-free)."""
    from motcua.units.models import Unit
    return Unit.objects.filter(pk__in=Authority.objects.filter(procedure=procedure).values("unit_id")).order_by(
        "name")


def open_draft(owner, procedure, *, signed_in_at: datetime | None = None, assisted_by=None,
               consent_at: datetime | None = None, fresh: bool = False) -> Draft:
    """The owner's unsubmitted draft of this procedure (the latest), or a new one on the latest form;
    `fresh` always starts a new one (the desk's assisted submission: one draft per citizen served)."""
    if procedure.online_level == OnlineLevel.NONE:
        raise ApplicationError("Thủ tục này chưa được cung cấp dịch vụ công trực tuyến; vui lòng nộp tại Bộ phận "
                               "Một cửa.")
    form = latest(procedure)
    if form is None:
        raise ApplicationError("Thủ tục này chưa có biểu mẫu điện tử.")
    existing = None if fresh else Draft.objects.filter(
        owner=owner, procedure=procedure, submitted_at__isnull=True, assisted_by=assisted_by).order_by(
        "-updated_at").first()
    if existing is not None:
        if signed_in_at and existing.signed_in_at != signed_in_at:
            existing.signed_in_at = signed_in_at
            existing.save(update_fields=["signed_in_at", "updated_at"])
        return existing
    return Draft.objects.create(owner=owner, procedure=procedure, form=form, signed_in_at=signed_in_at,
                                assisted_by=assisted_by, consent_at=consent_at)


def save_answers(draft: Draft, answers: dict, known: dict[str, str], unit_id=None) -> dict[str, str]:
    """Keep what was typed (only the form's own fields, as text) and the chosen unit; return the errors of
    the values given so far (missing ones are reported at submission)."""
    if draft.submitted_at is not None:
        raise ApplicationError("Hồ sơ này đã được nộp, không sửa được bản nháp.")
    spec = spec_of(draft.form)
    names = {f.name for f in spec.fields}
    kept = {name: str(value)[:5000] for name, value in answers.items() if name in names}
    draft.answers = {**draft.answers, **kept}
    fields = ["answers", "updated_at"]
    if unit_id:
        if not competent_units(draft.procedure).filter(pk=unit_id).exists():
            raise ApplicationError("Đơn vị được chọn không giải quyết thủ tục này.", field="unit")
        draft.unit_id = int(unit_id)
        fields.append("unit")
    draft.save(update_fields=fields)
    _values, errors = formdef.clean_answers(spec, draft.answers, known, timezone.localdate(), complete=False)
    return errors


def _component(draft: Draft, key: str) -> formdef.ComponentSpec:
    if draft.submitted_at is not None:
        raise ApplicationError("Hồ sơ này đã được nộp, không sửa được bản nháp.")
    component = spec_of(draft.form).component(key)
    if component is None:
        raise ApplicationError("Thành phần hồ sơ không có trong biểu mẫu.", field=f"component:{key}")
    return component


def _store_file(draft: Draft, key: str, content: bytes, content_type: str, extension: str, *, original_name: str,
                stored_result_code: str = "") -> DraftAttachment:
    files = StoredFiles()  # the file before the transaction that records it (lib/storedfiles.py)
    name = files.save("drafts", extension, ContentFile(content))
    with files.recording():
        for old in DraftAttachment.objects.filter(draft=draft, component=key):
            old.delete()
            transaction.on_commit(lambda old_name=old.file.name: default_storage.delete(old_name))
        attachment = DraftAttachment(draft=draft, component=key, content_type=content_type, size=len(content),
                                     sha256=hashlib.sha256(content).hexdigest(), original_name=original_name[:255],
                                     stored_result_code=stored_result_code)
        attachment.file.name = name
        attachment.save()
        Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
    return attachment


def attach_upload(draft: Draft, key: str, upload) -> DraftAttachment:
    """An uploaded file, checked by its content (not its name) and its size."""
    component = _component(draft, key)
    field = f"component:{key}"
    upload.seek(0)
    try:
        kind = check_upload(upload.name, upload.size, upload.read(HEAD_BYTES), settings.MOTCUA_MAX_UPLOAD_BYTES)
    except UploadRefused as exc:
        raise ApplicationError(str(exc), field=field) from exc
    if kind.content_type not in {KIND_NAMES[k] for k in component.accept}:
        labels = ", ".join(k.upper() for k in component.accept)
        raise ApplicationError(f"Thành phần này chỉ nhận tệp {labels}; tệp “{upload.name}” là {kind.label}.",
                               field=field)
    upload.seek(0)
    return _store_file(draft, key, upload.read(), kind.content_type, kind.extension, original_name=upload.name)


def attach_stored_result(draft: Draft, key: str, result_code: str, holder_id: str) -> DraftAttachment:
    """An earlier signed result of the applicant, from his personal data store, instead of an upload."""
    component = _component(draft, key)
    field = f"component:{key}"
    if not component.data_store:
        raise ApplicationError("Thành phần này không nhận kết quả từ kho dữ liệu.", field=field)
    try:
        stored = stored_result(result_code)
    except StoreError as exc:
        raise ApplicationError(str(exc), field=field) from exc
    if stored.get("SoDinhDanh") != holder_id:
        # Somebody else's result: said as "not found", never as "not yours".
        raise ApplicationError(f"Kho dữ liệu cá nhân của bạn không có kết quả {result_code}.", field=field)
    return _store_file(draft, key, stored["pdf"], PDF.content_type, PDF.extension,
                       original_name=f"{result_code}.pdf", stored_result_code=result_code)


def detach(draft: Draft, key: str) -> None:
    """Remove a component's file from the draft (the stored file too, once the row is gone)."""
    _component(draft, key)
    for attachment in DraftAttachment.objects.filter(draft=draft, component=key):
        name = attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda name=name: default_storage.delete(name))
