from django.contrib import admin

from motcua.payments.models import Callback, Payment, PaymentOrder, Reconciliation


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read-only, even for superusers: a payment is recorded only by the actions and the platform's callback."""

    list_display = ("dossier", "amount_vnd", "method", "paid_at", "reference")
    list_filter = ("method",)
    raw_id_fields = ("dossier",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PaymentOrder)
class PaymentOrderAdmin(admin.ModelAdmin):
    list_display = ("code", "dossier", "purpose", "amount_vnd", "state", "late", "created_at", "paid_at",
                    "transaction_id")
    list_filter = ("state", "purpose", "late")
    search_fields = ("code", "transaction_id", "dossier__code")
    raw_id_fields = ("dossier", "created_by", "payment")

    # Read-only, even for superusers: orders are created by the back office's action and changed only by
    # the platform's signed callback.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    list_display = ("received_at", "order_code", "verdict", "remote_addr")
    list_filter = ("verdict",)
    search_fields = ("order_code",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reconciliation)
class ReconciliationAdmin(admin.ModelAdmin):
    list_display = ("day", "run_at", "local_count", "platform_count")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
