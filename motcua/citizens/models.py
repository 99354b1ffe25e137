"""Citizens and organisations who sign in through the identity provider (VNeID-style, interop.md §4).

The account's username is the identifier the dossiers carry in `applicant_id_number`: the 12-digit personal
identity number (số định danh cá nhân) of a person, the tax code (mã số thuế) of an organisation. That is
what `Dossier.objects.visible_to` matches, so a citizen sees only the dossiers filed under his own number.
The population data (dữ liệu dân cư) is refreshed from the provider's claims at every sign-in.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PERSON = "person", _("Công dân")
    BUSINESS = "business", _("Tổ chức, doanh nghiệp")


class Citizen(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen")
    kind = models.CharField(_("loại tài khoản"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    # The provider's subject (`sub` claim): stable for the person even if his number were corrected.
    subject = models.CharField(max_length=255, unique=True)
    id_number = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True, default="", db_index=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True, default="", db_index=True)
    full_name = models.CharField(_("họ và tên"), max_length=255)
    organization_name = models.CharField(_("tên tổ chức"), max_length=500, blank=True, default="")
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=10, blank=True, default="")
    permanent_address = models.CharField(_("nơi thường trú"), max_length=500, blank=True, default="")
    commune_code = models.CharField(_("mã xã, phường thường trú"), max_length=10, blank=True, default="")
    household_code = models.CharField(_("số hộ gia đình"), max_length=20, blank=True, default="")
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True, default="")
    email = models.EmailField(_("thư điện tử"), blank=True, default="")
    updated_at = models.DateTimeField(_("cập nhật dữ liệu dân cư lúc"), auto_now=True)

    class Meta:
        verbose_name = _("công dân, tổ chức")
        verbose_name_plural = _("công dân, tổ chức")

    def __str__(self):
        return f"{self.full_name} ({self.identifier})"

    @property
    def identifier(self) -> str:
        """What the dossiers carry as the applicant's number (and the account's username)."""
        return self.tax_code if self.kind == Kind.BUSINESS else self.id_number

    def known_data(self) -> dict[str, str]:
        """The population data a form may fill in (`citizen_data`): source name -> value, blanks left out."""
        values = {
            "full_name": self.full_name,
            "id_number": self.id_number,
            "tax_code": self.tax_code,
            "organization_name": self.organization_name,
            "birth_date": self.birth_date.strftime("%d/%m/%Y") if self.birth_date else "",
            "sex": self.sex,
            "permanent_address": self.permanent_address,
            "household_code": self.household_code,
            "phone": self.phone,
            "email": self.email,
        }
        return {k: v for k, v in values.items() if v}


class AccountEvent(models.Model):
    """The audit trail of a citizen account: its creation and every sign-in, with the population data that
    the sign-in changed (field -> [old, new]), written in the same transaction as the change."""

    class Action(models.TextChoices):
        CREATED = "created", _("Tạo tài khoản")
        SIGNED_IN = "signed_in", _("Đăng nhập")
        SIGNED_OUT = "signed_out", _("Đăng xuất")

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("việc"), max_length=12, choices=Action.choices)
    at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhật ký tài khoản công dân")
        verbose_name_plural = _("nhật ký tài khoản công dân")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.citizen_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
