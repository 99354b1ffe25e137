from django.contrib import admin

from motcua.core.models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "full_name", "role", "unit")
    list_filter = ("role",)
    raw_id_fields = ("unit",)
