from django.contrib import admin

from motcua.payments.models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("dossier", "amount_vnd", "method", "paid_at", "reference")
    list_filter = ("method",)
    raw_id_fields = ("dossier",)
