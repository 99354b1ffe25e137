"""The only writers of targets: create, change (a new row superseding the old), withdraw.

A change never edits the old row's content: it stamps `superseded_by`, `superseded_at` and `changed_by` on
it (compare-and-update on `superseded_at IS NULL`, so two monitors changing the same target at once cannot
both succeed) and creates the new row with the reason. The rows themselves are the audit trail.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from motcua.targets import measures
from motcua.targets.models import Scope, Target

# The fields that make up a target's content (copied on a change unless given).
CONTENT_FIELDS = ("measure", "scope", "unit", "officer", "value", "comparison", "start", "end", "programme",
                  "document_number", "document_date", "document_title", "note")


class TargetChanged(Exception):
    """The target was changed or withdrawn by someone else first; nothing was written."""


def check(target: Target) -> None:
    """The rules a target's content must follow (ValidationError with Vietnamese messages)."""
    errors = {}
    try:
        measure = measures.measure(target.measure)
    except KeyError:
        errors["measure"] = "Chỉ tiêu không có trong danh mục."
        measure = None
    if measure is not None and target.scope not in measure.scopes:
        errors["scope"] = "Chỉ tiêu này không áp dụng cho phạm vi đã chọn."
    if target.scope == Scope.PROVINCE:
        target.unit, target.officer = None, None
    elif target.scope == Scope.UNIT:
        target.officer = None
        if target.unit_id is None and target.unit is None:
            errors["unit"] = "Chọn đơn vị."
    elif target.scope == Scope.OFFICER:
        officer = target.officer
        membership = getattr(officer, "membership", None) if officer is not None else None
        if officer is None:
            errors["officer"] = "Chọn cán bộ."
        elif membership is None or membership.unit_id is None:
            errors["officer"] = "Cán bộ chưa thuộc đơn vị nào."
        else:
            target.unit_id = membership.unit_id
    if target.start and target.end and target.end < target.start:
        errors["end"] = "Ngày kết thúc phải sau ngày bắt đầu."
    if target.value is not None and measure is not None and measure.kind in (measures.SHARE, measures.PERCENT):
        if not Decimal(0) <= Decimal(target.value) <= Decimal(100):
            errors["value"] = "Tỷ lệ phải từ 0 đến 100 (%)."
    if errors:
        raise ValidationError(errors)


def create_target(*, by=None, reason: str = "", at: datetime | None = None, **content) -> Target:
    """A new target. `content` holds the fields of `CONTENT_FIELDS` (unit/officer as objects)."""
    target = Target(**content, created_by=by, reason=reason, created_at=at or timezone.now())
    check(target)
    target.save()
    return target


def change_target(old: Target, *, by=None, reason: str, at: datetime | None = None, **changes) -> Target:
    """A new target superseding `old`, with `changes` applied to its content. The old row stays.

    Raises TargetChanged when `old` is no longer current, ValidationError when the new content is invalid
    or no reason is given.
    """
    if not reason.strip():
        raise ValidationError({"reason": "Ghi lý do điều chỉnh chỉ tiêu."})
    at = at or timezone.now()
    content = {name: getattr(old, name) for name in CONTENT_FIELDS}
    content.update(changes)
    new = Target(**content, created_by=by, reason=reason.strip(), created_at=at)
    check(new)
    with transaction.atomic():
        new.save()
        updated = Target.objects.filter(pk=old.pk, superseded_at__isnull=True).update(
            superseded_by=new, superseded_at=at, changed_by=by, superseded_reason=reason.strip())
        if updated != 1:
            raise TargetChanged("Chỉ tiêu vừa được người khác điều chỉnh hoặc thu hồi. Vui lòng tải lại trang.")
    old.superseded_by, old.superseded_at, old.changed_by, old.superseded_reason = new, at, by, reason.strip()
    return new


def withdraw_target(old: Target, *, by=None, reason: str, at: datetime | None = None) -> Target:
    """End `old` with no successor (kept in the history, no longer current)."""
    if not reason.strip():
        raise ValidationError({"reason": "Ghi lý do thu hồi chỉ tiêu."})
    at = at or timezone.now()
    with transaction.atomic():
        updated = Target.objects.filter(pk=old.pk, superseded_at__isnull=True).update(
            superseded_at=at, changed_by=by, superseded_reason=reason.strip())
        if updated != 1:
            raise TargetChanged("Chỉ tiêu vừa được người khác điều chỉnh hoặc thu hồi. Vui lòng tải lại trang.")
    old.refresh_from_db()
    return old
