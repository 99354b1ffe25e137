from django.contrib import admin

from motcua.dossiers.models import Dossier, DossierEvent, DossierPause


class PauseInline(admin.TabularInline):
    model = DossierPause
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "action", "old_status", "new_status", "actor_label", "note")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    """Read-only here: a dossier is created and its status changed only through the state machine
    (`motcua.dossiers.lifecycle`: the back office's actions and the import), never by an admin form."""

    list_display = ("code", "procedure", "unit", "channel", "status", "received_at", "due_at")
    list_filter = ("status", "channel")
    search_fields = ("code", "applicant_name")
    date_hierarchy = "received_at"
    raw_id_fields = ("procedure", "unit", "received_by", "holder", "assignee", "import_batch")
    inlines = [PauseInline, EventInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
