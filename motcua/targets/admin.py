"""Targets in the admin, in Vietnamese. Saving a change here goes through `history.change_target`: the
old row stays, superseded by the new one."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from motcua.targets import history
from motcua.targets.models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("measure_label", "comparison", "value", "scope", "unit", "officer", "start", "end", "programme",
                    "is_current")
    list_filter = ("programme", "scope", "measure", ("superseded_at", admin.EmptyFieldListFilter))
    search_fields = ("programme", "measure", "document_number", "document_title", "unit__name", "officer__username")
    date_hierarchy = "start"
    raw_id_fields = ("unit", "officer")
    readonly_fields = ("created_at", "created_by", "superseded_by", "superseded_at", "changed_by",
                       "superseded_reason")
    fieldsets = (
        (None, {"fields": ("measure", "comparison", "value", "scope", "unit", "officer", "start", "end")}),
        ("Văn bản", {"fields": ("programme", "document_number", "document_date", "document_title", "note")}),
        ("Lịch sử", {"fields": ("reason", "created_at", "created_by", "superseded_by", "superseded_at",
                                "changed_by", "superseded_reason")}),
    )

    @admin.display(boolean=True, description="Đang hiệu lực")
    def is_current(self, obj):
        return obj.is_current

    @admin.display(description="Chỉ tiêu")
    def measure_label(self, obj):
        return obj.measure_label

    def has_delete_permission(self, request, obj=None):
        return False  # the history is kept: withdraw instead

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_current:
            return [f.name for f in Target._meta.fields]  # a superseded row is history
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by, obj.created_at = request.user, timezone.now()
            history.check(obj)
            obj.save()
            return
        old = Target.objects.get(pk=obj.pk)
        changes = {name: getattr(obj, name) for name in history.CONTENT_FIELDS}
        reason = obj.reason if obj.reason and obj.reason != old.reason else "Điều chỉnh trong trang quản trị"
        try:
            new = history.change_target(old, by=request.user, reason=reason, **changes)
        except (ValidationError, history.TargetChanged) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
            obj.pk = old.pk
            return
        obj.pk = new.pk  # the admin's redirect shows the new row
