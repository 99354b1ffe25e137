from django.contrib import admin

from motcua.interchange.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("folder", "imported_at", "counts")
