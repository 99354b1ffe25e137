from django.contrib import admin

from motcua.catalog.models import Authority, OnlineReductionPolicy, Procedure, ProcedureComponent


class ComponentInline(admin.TabularInline):
    model = ProcedureComponent
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "level", "time_limit", "time_unit", "fee_vnd", "online_level",
                    "online_required")
    # online_required is checked by Procedure.clean (only for full_online_eligible procedures).
    list_filter = ("level", "online_level", "online_required", "time_unit", "field")
    search_fields = ("code", "name")
    inlines = [ComponentInline]


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("unit", "procedure")
    search_fields = ("unit__name", "procedure__code", "procedure__name")
    raw_id_fields = ("unit", "procedure")


@admin.register(OnlineReductionPolicy)
class OnlineReductionPolicyAdmin(admin.ModelAdmin):
    list_display = ("year", "percent", "note")
