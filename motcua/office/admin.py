"""The administrators' second-factor devices in the admin, in Vietnamese (django-otp's own admin is English).

Removing an administrator's authenticator app (a lost phone) makes him enrol a new one at his next login;
a set of recovery codes, issued here by another administrator, lets him in meanwhile, each code once.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.office.models import AuthenticatorApp, RecoveryCodes
from motcua.office.security import DEVICE_NAME

RECOVERY_CODES = 10
# Form labels are shown as given (a model field's verbose_name would be capitalised by Django).
LABELS = {"user": _("Người dùng"), "name": _("Tên"), "confirmed": _("Đã kích hoạt"), "token": _("Mã dự phòng")}

for model in (TOTPDevice, StaticDevice):  # shown below under their Vietnamese names instead
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class DeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "device_name", "is_confirmed", "created_on", "last_used_on")
    readonly_fields = ("created_on", "last_used_on")
    raw_id_fields = ("user",)
    search_fields = ("user__username", "user__membership__full_name")

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, labels=LABELS, **kwargs)

    @admin.display(description=_("tên"), ordering="name")
    def device_name(self, device):
        return device.name

    @admin.display(description=_("đã kích hoạt"), boolean=True, ordering="confirmed")
    def is_confirmed(self, device):
        return device.confirmed

    @admin.display(description=_("ngày tạo"), ordering="created_at")
    def created_on(self, device):
        return device.created_at

    @admin.display(description=_("lần dùng gần nhất"), ordering="last_used_at")
    def last_used_on(self, device):
        return device.last_used_at


@admin.register(AuthenticatorApp)
class AuthenticatorAppAdmin(DeviceAdmin):
    """Seen and removed here, never added: an app is enrolled by its owner at login, the secret never shown."""

    fields = ("user", "name", "confirmed", "created_on", "last_used_on")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecoveryCodeInline(admin.TabularInline):
    model = StaticToken
    extra = 0
    verbose_name = _("mã dự phòng")
    verbose_name_plural = _("mã dự phòng (mỗi mã dùng được một lần)")

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, labels=LABELS, **kwargs)


@admin.register(RecoveryCodes)
class RecoveryCodesAdmin(DeviceAdmin):
    fields = ("user", "name", "confirmed", "created_on", "last_used_on")
    inlines = (RecoveryCodeInline,)

    def get_changeform_initial_data(self, request):
        return {"name": f"Mã dự phòng ({DEVICE_NAME.lower()} bị mất)", "confirmed": True,
                **super().get_changeform_initial_data(request)}

    def save_related(self, request, form, formsets, change):
        """A new set without codes typed in gets RECOVERY_CODES random ones, shown on its page afterwards."""
        super().save_related(request, form, formsets, change)
        device = form.instance
        if not change and not device.token_set.exists():
            StaticToken.objects.bulk_create(
                StaticToken(device=device, token=StaticToken.random_token()) for _ in range(RECOVERY_CODES))
