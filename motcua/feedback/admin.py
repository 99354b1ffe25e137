from django.contrib import admin

from motcua.feedback.models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """Read-only, even for superusers: feedback and its events change only through the feedback actions."""

    list_display = ("code", "unit", "status", "channel", "received_at", "answered_at", "refused_at", "rating",
                    "raised_again")
    list_filter = ("status", "channel", "rating", "raised_again")
    search_fields = ("code", "subject")
    raw_id_fields = ("unit", "dossier", "procedure", "submitted_by", "assignee", "previous")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
