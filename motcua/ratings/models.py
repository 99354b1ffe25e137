"""Ratings of dossiers (đánh giá mức độ hài lòng) and the links that invite them.

`DossierRating` is the citizen's one rating of a returned dossier: the overall answer, the national criteria
(`criteria.py`), a comment, the channel it came through. Only `motcua.ratings.rating.rate` writes it, in the
transaction that also sets `Dossier.rating` through the lifecycle (the event row is the audit trail of every
answer and change). `RatingLink` is an invitation sent by e-mail/SMS when the result is returned: only the
SHA-256 of its random token is stored; it is used once and expires.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingChannel(models.TextChoices):
    PORTAL = "portal", _("Cổng dịch vụ công")
    LINK = "link", _("Đường dẫn trong thư, tin nhắn")
    DESK = "desk", _("Tại Bộ phận Một cửa")


class DossierRating(models.Model):
    dossier = models.OneToOneField("dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
                                   related_name="rating_given")
    satisfied = models.BooleanField(_("hài lòng"))
    # criterion key -> "satisfied" | "unsatisfied"; a skipped criterion is absent.
    criteria = models.JSONField(_("tiêu chí"), default=dict, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True, default="")
    channel = models.CharField(_("kênh đánh giá"), max_length=10, choices=RatingChannel.choices)
    rated_at = models.DateTimeField(_("đánh giá lúc"), db_index=True)
    changed_at = models.DateTimeField(_("thay đổi lúc"), null=True, blank=True)
    changes = models.PositiveIntegerField(_("số lần thay đổi"), default=0)
    # The signed-in user: the citizen on the portal, the officer whose desk device it was; none by link.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("đánh giá hồ sơ")
        verbose_name_plural = _("đánh giá hồ sơ")
        ordering = ["-rated_at", "-id"]

    def __str__(self):
        return f"{self.dossier_id}: {'hài lòng' if self.satisfied else 'không hài lòng'}"

    @property
    def value(self) -> str:
        return "satisfied" if self.satisfied else "unsatisfied"


class RatingLink(models.Model):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="rating_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đường dẫn đánh giá")
        verbose_name_plural = _("đường dẫn đánh giá")

    def __str__(self):
        return f"{self.dossier_id} ({self.created_at:%Y-%m-%d})"
