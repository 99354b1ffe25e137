from django.contrib import admin

from motcua.feedback.models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("code", "unit", "status", "channel", "received_at", "answered_at", "refused_at", "rating",
                    "raised_again")
    list_filter = ("status", "channel", "rating", "raised_again")
    search_fields = ("code", "subject")
    raw_id_fields = ("unit", "dossier", "procedure", "submitted_by", "assignee", "previous")
