"""Rating links: the invitation sent by e-mail/SMS when a result is returned, usable without signing in.

The token is 32 random bytes (URL-safe text); only its SHA-256 is stored, so the database alone cannot rate
anyone's dossier. A link is used once (a rating through it marks it used) and expires
MOTCUA_RATING_LINK_DAYS days after it was sent. The page behind it shows the dossier's code and procedure,
never the applicant's personal data.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.ratings.models import DossierRating, RatingChannel, RatingLink
from motcua.ratings.rating import RatingError, rate

UNKNOWN, USED, EXPIRED = "unknown", "used", "expired"
MESSAGES = {
    UNKNOWN: "Đường dẫn đánh giá không đúng. Vui lòng kiểm tra lại đường dẫn trong thư điện tử hoặc tin nhắn.",
    USED: "Đường dẫn này đã được dùng để đánh giá hồ sơ. Mỗi đường dẫn chỉ dùng được một lần; Ông/Bà có thể "
          "xem và thay đổi đánh giá trên Cổng dịch vụ công (mục Hồ sơ của tôi).",
    EXPIRED: "Đường dẫn đánh giá đã hết hạn. Ông/Bà có thể đánh giá trên Cổng dịch vụ công (mục Hồ sơ của tôi) "
             "hoặc tại Bộ phận Một cửa.",
}


class LinkError(RatingError):
    def __init__(self, reason: str):
        super().__init__(MESSAGES[reason])
        self.reason = reason


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(dossier: Dossier, at: datetime | None = None) -> str:
    """A new link for `dossier`; returns the token (shown once, in the invitation)."""
    at = at or timezone.now()
    token = secrets.token_urlsafe(32)
    RatingLink.objects.create(dossier=dossier, token_hash=_hash(token), created_at=at,
                              expires_at=at + timedelta(days=settings.MOTCUA_RATING_LINK_DAYS))
    return token


def link_url(token: str) -> str:
    """The absolute address of the link page (MOTCUA_SITE_URL + the public path)."""
    return settings.MOTCUA_SITE_URL.rstrip("/") + reverse("rating_link", args=[token])


def find_link(token: str, at: datetime | None = None, *, for_update: bool = False) -> RatingLink:
    """The valid link of `token`, or LinkError(unknown | used | expired)."""
    at = at or timezone.now()
    if not token or len(token) > 100:
        raise LinkError(UNKNOWN)
    links = RatingLink.objects.select_related("dossier__procedure", "dossier__unit")
    if for_update:
        links = links.select_for_update(of=("self",))
    link = links.filter(token_hash=_hash(token)).first()
    if link is None:
        raise LinkError(UNKNOWN)
    if link.used_at is not None:
        raise LinkError(USED)
    if at > link.expires_at:
        raise LinkError(EXPIRED)
    return link


def rate_by_link(token: str, *, satisfied: bool, criteria=None, comment: str = "",
                 at: datetime | None = None) -> DossierRating:
    """Rate through the link and use it up, in one transaction (a second post finds it used)."""
    at = at or timezone.now()
    with transaction.atomic():
        link = find_link(token, at, for_update=True)
        rating = rate(link.dossier, satisfied=satisfied, criteria=criteria, comment=comment,
                      channel=RatingChannel.LINK, actor=None, at=at)
        RatingLink.objects.filter(pk=link.pk).update(used_at=at)
    return rating
