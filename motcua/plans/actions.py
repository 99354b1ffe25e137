"""The changes to a task: the lead unit's progress update and its evidence. Each is atomic, checks who may
make it, and leaves a TaskEvent; nothing is ever edited or deleted (append-only)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.lib.filetypes import HEAD_BYTES, JPEG, PDF, PNG, UploadRefused, check_upload
from motcua.lib.storedfiles import StoredFiles
from motcua.plans.access import can_update, plan_unit
from motcua.plans.models import Evidence, Task, TaskEvent, TaskUpdate

TEXT_MAX = 5000


class ActionRefused(ValueError):
    """A change that cannot be made; the message (Vietnamese) says why."""


def _lead_unit(actor, task: Task):
    if not can_update(actor, task):
        raise ActionRefused("Chỉ lãnh đạo, chuyên viên của đơn vị chủ trì nhiệm vụ được cập nhật tiến độ.")
    return plan_unit(actor)


@transaction.atomic
def post_update(task: Task, actor, text: str, percent: int, at: datetime | None = None) -> TaskUpdate:
    at = at or timezone.now()
    unit = _lead_unit(actor, task)
    text = (text or "").strip()
    if not text:
        raise ActionRefused("Vui lòng ghi kết quả thực hiện.")
    if len(text) > TEXT_MAX:
        raise ActionRefused(f"Kết quả thực hiện dài quá {TEXT_MAX} ký tự.")
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ActionRefused("Mức độ hoàn thành phải từ 0 đến 100%.")
    update = TaskUpdate.objects.create(task=task, unit=unit, text=text, percent=percent, at=at, by=actor)
    TaskEvent.objects.create(plan_id=task.plan_id, task=task, unit=unit, kind=TaskEvent.Kind.UPDATED, at=at,
                             actor=actor, data={"update": update.pk, "percent": percent})
    return update


def checked_upload(upload) -> str:
    """The upload's real content type, or ActionRefused with the one upload rule's message."""
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    try:
        kind = check_upload(upload.name, upload.size, head, settings.MOTCUA_MAX_UPLOAD_BYTES)
    except UploadRefused as exc:
        raise ActionRefused(str(exc)) from exc
    return kind.content_type


def add_evidence(task: Task, actor, upload, note: str = "", at: datetime | None = None) -> Evidence:
    at = at or timezone.now()
    unit = _lead_unit(actor, task)
    content_type = checked_upload(upload)
    evidence = Evidence(task=task, unit=unit, name=upload.name[:255], content_type=content_type, size=upload.size,
                        note=(note or "").strip()[:300], at=at, by=actor)
    # The file before the transaction that records it (lib/storedfiles.py): no row without its file.
    files = StoredFiles()
    extension = next((kind.extension for kind in (PDF, PNG, JPEG) if kind.content_type == content_type), "bin")
    evidence.file.name = files.save("plans/evidence", extension, upload)
    with files.recording():
        evidence.save()
        TaskEvent.objects.create(plan_id=task.plan_id, task=task, unit=unit, kind=TaskEvent.Kind.EVIDENCE, at=at,
                                 actor=actor, data={"evidence": evidence.pk, "name": evidence.name})
    return evidence
