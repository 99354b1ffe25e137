"""Back-office records: login throttling, one-time form tokens and the signed electronic results (the
administrators' second-factor devices are django-otp's, office/security.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class LoginThrottle(models.Model):
    """Failed logins of one username from one client address (security.py, docs/decisions.md).

    Kept per username and address, so that someone guessing an officer's password elsewhere locks
    out only his own address, never the officer at his desk. Waits grow with each failure; the fifth
    locks that address for 15 minutes (security level 3). The row is deleted on a successful login.
    """

    username = models.CharField(max_length=150)
    source = models.CharField(max_length=64, default="")
    failures = models.PositiveSmallIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đăng nhập sai")
        verbose_name_plural = _("đăng nhập sai")
        constraints = [models.UniqueConstraint(fields=["username", "source"], name="login_throttle_per_source")]
        indexes = [models.Index(fields=["username", "last_failure_at"])]

    def __str__(self):
        return f"{self.username} ({self.source})"


class AuthenticatorApp(TOTPDevice):
    """django-otp's TOTP device under its Vietnamese name in the admin (office/admin.py)."""

    class Meta:
        proxy = True
        verbose_name = _("ứng dụng xác thực")
        verbose_name_plural = _("ứng dụng xác thực")


class RecoveryCodes(StaticDevice):
    """django-otp's static device, a set of one-time recovery codes, under its Vietnamese name in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("bộ mã dự phòng")
        verbose_name_plural = _("bộ mã dự phòng")


class SubmissionToken(models.Model):
    """A one-time token carried by a form that creates something (the receipt form).

    Consumed in the same transaction as the change, so a form posted twice (double click, browser
    back and resend) creates one dossier and the second post gets a clear message.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã biểu mẫu dùng một lần")
        verbose_name_plural = _("mã biểu mẫu dùng một lần")

    def __str__(self):
        return self.token


class DossierResult(models.Model):
    """The electronic result (kết quả điện tử) of a dossier: the signed PDF and its result code.

    Written once, when the leader approves and signs; the dossier's `e_result_code` mirrors `code`
    for the exchange format and the index.
    """

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="result")
    code = models.CharField(_("mã kết quả"), max_length=80, unique=True)
    file = models.FileField(_("tệp kết quả đã ký"), upload_to="results/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    signer_name = models.CharField(_("đơn vị ký"), max_length=255)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("ngày cấp"))

    class Meta:
        verbose_name = _("kết quả điện tử")
        verbose_name_plural = _("kết quả điện tử")

    def __str__(self):
        return self.code
