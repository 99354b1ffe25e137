from django.contrib import admin

from motcua.units.models import CalendarException, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "e_certified_copy")
    list_filter = ("kind", "e_certified_copy")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "unit", "note")
    list_filter = ("kind",)
    date_hierarchy = "date"
