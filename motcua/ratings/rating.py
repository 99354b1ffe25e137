"""The rules of rating a dossier, in one place for the portal, the link and the desk.

- Only a dossier whose result was returned (status 10, `Status.RETURNED`) may be rated: rules.md
  "Satisfaction" starts "After a result is returned"; a dossier that ended otherwise (refused, withdrawn,
  stopped) has no service to rate, and its applicant has feedback and complaints (PAKN) instead.
- One rating per dossier. It may be changed, through any channel, until MOTCUA_RATING_CHANGE_DAYS days
  after it was first given; later the change is refused with a Vietnamese message.
- `rate` writes the rating and sets `Dossier.rating` through `lifecycle.record_change` in one transaction:
  the event row (the audit trail), the change stamp the live index follows (indicator 4.3 counts it at once)
  and the new version for the national portal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.dossiers.constants import Status
from motcua.dossiers.lifecycle import ConcurrentChange, record_change
from motcua.dossiers.models import Dossier
from motcua.lib.vnformat import local_moment
from motcua.ratings.criteria import ANSWERS, CRITERIA, KEYS
from motcua.ratings.models import DossierRating, RatingChannel

COMMENT_MAX_CHARS = 2000
ACTOR_LABELS = {
    RatingChannel.PORTAL: "Người nộp hồ sơ (Cổng dịch vụ công)",
    RatingChannel.LINK: "Người nộp hồ sơ (đường dẫn đánh giá)",
    RatingChannel.DESK: "Người nộp hồ sơ (tại Bộ phận Một cửa)",
}


class RatingError(Exception):
    """The rating cannot be written; the message is shown to the citizen as is."""


def change_window() -> timedelta:
    return timedelta(days=settings.MOTCUA_RATING_CHANGE_DAYS)


def rateable(dossier: Dossier) -> bool:
    return dossier.status == Status.RETURNED


@dataclass(frozen=True)
class Standing:
    """What the citizen may do with the rating of a dossier now."""
    rating: DossierRating | None
    open: bool  # a first rating or a change may be given now
    change_until: datetime | None  # the end of the change window, once rated

    @property
    def rated(self) -> bool:
        return self.rating is not None


def standing(dossier: Dossier, at: datetime | None = None) -> Standing:
    at = at or timezone.now()
    rating = DossierRating.objects.filter(dossier=dossier).first()
    if rating is None:
        return Standing(None, rateable(dossier), None)
    until = rating.rated_at + change_window()
    return Standing(rating, rateable(dossier) and at <= until, until)


def clean_criteria(criteria) -> dict[str, str]:
    """criterion key -> "satisfied" | "unsatisfied"; a blank or None answer is a skipped criterion."""
    cleaned = {}
    for key, answer in dict(criteria or {}).items():
        if key not in KEYS:
            raise RatingError("Tiêu chí đánh giá không hợp lệ.")
        if answer in (None, ""):
            continue
        if answer not in ANSWERS:
            raise RatingError("Câu trả lời cho tiêu chí không hợp lệ.")
        cleaned[key] = answer
    return cleaned


def rate(dossier: Dossier, *, satisfied: bool, criteria=None, comment: str = "", channel: str,
         actor=None, at: datetime | None = None) -> DossierRating:
    """Write the one rating of `dossier` (or change it within the window) and set `Dossier.rating`.

    `actor` is the signed-in user if any (the citizen on the portal, the officer whose desk device it is);
    the event is labelled as the applicant's act through `channel`. Raises RatingError (a Vietnamese
    message) for a dossier not returned, a change after the window, or an invalid answer.
    """
    at = at or timezone.now()
    if not isinstance(satisfied, bool):
        raise RatingError("Vui lòng chọn Hài lòng hoặc Không hài lòng.")
    if channel not in RatingChannel.values:
        raise ValueError(f"unknown rating channel {channel!r}")
    criteria = clean_criteria(criteria)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise RatingError(f"Ý kiến dài quá {COMMENT_MAX_CHARS} ký tự.")
    value = "satisfied" if satisfied else "unsatisfied"
    try:
        with transaction.atomic():
            # The dossier row locked: two ratings of one dossier are written one after the other.
            current = Dossier.objects.select_for_update().get(pk=dossier.pk)
            if not rateable(current):
                raise RatingError("Chỉ đánh giá được hồ sơ đã trả kết quả.")
            rating = DossierRating.objects.select_for_update().filter(dossier=current).first()
            changed = rating is not None
            if changed:
                until = rating.rated_at + change_window()
                if at > until:
                    raise RatingError(
                        f"Hồ sơ {current.code} đã được đánh giá lúc {local_moment(rating.rated_at)}; chỉ được "
                        f"thay đổi đánh giá trong {settings.MOTCUA_RATING_CHANGE_DAYS} ngày (đến "
                        f"{local_moment(until)}).")
                rating.satisfied, rating.criteria, rating.comment = satisfied, criteria, comment
                rating.channel, rating.changed_at, rating.changes = channel, at, rating.changes + 1
                rating.user = actor if actor is not None else rating.user
                rating.save()
            else:
                rating = DossierRating.objects.create(
                    dossier=current, satisfied=satisfied, criteria=criteria, comment=comment, channel=channel,
                    rated_at=at, user=actor)
            # The citizen signed in on the portal acts himself; at the desk the officer's device is not the rater.
            record_change(current, "rate", {"rating": value}, actor=actor if channel == RatingChannel.PORTAL else None,
                          actor_label=ACTOR_LABELS[channel],
                          at=at, note=ANSWERS[value] + (" (thay đổi)" if changed else ""),
                          data={"rating": value, "criteria": criteria, "channel": channel, "changed": changed,
                                "by": actor.get_username() if actor is not None else ""})
    except (IntegrityError, ConcurrentChange):  # another request rated or changed the dossier meanwhile
        raise RatingError("Hồ sơ vừa được đánh giá. Vui lòng tải lại trang.") from None
    dossier.rating, dossier.version = current.rating, current.version
    return rating


def read_form(data) -> dict:
    """The answer posted by a rating form (portal, link or desk): `satisfied` "1" or "0", `c_<key>` for each
    criterion ("satisfied", "unsatisfied" or blank), `comment`. Returns the keyword arguments of `rate`."""
    answer = data.get("satisfied")
    if answer not in ("1", "0"):
        raise RatingError("Vui lòng chọn Hài lòng hoặc Không hài lòng.")
    criteria = {c.key: data.get(f"c_{c.key}", "") for c in CRITERIA}
    return {"satisfied": answer == "1", "criteria": criteria, "comment": data.get("comment", "")}
