"""Usage of the online services (thống kê sử dụng dịch vụ công trực tuyến), counted by motcua itself.

Page views are added into daily aggregate rows as they happen; no row per request is kept. Unique visitors
and visits need to recognise a returning browser within one day only: it is known by a keyed hash of its
address and user agent under a salt that is drawn each day, kept only in that day's `DailySalt` row and
deleted, together with the day's `DayVisitor` set, when the day is aggregated (docs/usage.md explains why
this keeps no personal data beyond the day). The application funnel is derived from the drafts
(`motcua.applications`) when a day is aggregated.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageKind(models.TextChoices):
    CATALOG = "catalog", _("Danh mục, tìm kiếm thủ tục")
    PROCEDURE = "procedure", _("Trang thủ tục")
    FORM = "form", _("Biểu mẫu nộp hồ sơ")
    DRAFTS = "drafts", _("Hồ sơ nháp")
    MY_DOSSIERS = "my_dossiers", _("Hồ sơ của tôi")
    DOSSIER = "dossier", _("Theo dõi một hồ sơ")
    LOOKUP = "lookup", _("Tra cứu hồ sơ")
    OTHER = "other", _("Trang khác")


class DailySalt(models.Model):
    """The secret salt of one day's visitor hashes; deleted when the day is aggregated, so that nobody, not
    even the operator, can afterwards test whether an address visited that day."""

    day = models.DateField(primary_key=True)
    salt = models.CharField(max_length=64)

    def __str__(self):
        return str(self.day)


class DayVisitor(models.Model):
    """The set of visitor hashes seen on one day, per scope (0: the portal; otherwise a procedure's id), and
    when the hash was last seen (a visit ends after the inactivity gap). Emptied when the day is aggregated."""

    day = models.DateField()
    visitor = models.CharField(max_length=32)
    scope = models.BigIntegerField(default=0)
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "visitor", "scope"], name="usage_visitor_once")]

    def __str__(self):
        return f"{self.day} {self.visitor[:8]}…"


class DailyUsage(models.Model):
    """Page views of one day for one kind of page, procedure and unit (0 when the page has none).

    Plain integer keys rather than foreign keys: a NULL is never equal to another in a unique constraint, and
    the one-statement UPSERT that counts a view needs the key to collide. `entries` are the visits that began
    on this page and `new_visitors` the portal's unique visitors first seen on it (each summed over rows gives
    the portal's visits and unique visitors); `procedure_visitors` the procedure's unique visitors first seen
    on this row (summed over a procedure's rows: its unique visitors)."""

    day = models.DateField(db_index=True)
    kind = models.CharField(max_length=20, choices=PageKind.choices)
    procedure_key = models.BigIntegerField(default=0)
    unit_key = models.BigIntegerField(default=0)
    views = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    new_visitors = models.PositiveIntegerField(default=0)
    procedure_visitors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "kind", "procedure_key", "unit_key"],
                                               name="usage_daily_key")]

    def __str__(self):
        return f"{self.day} {self.kind} {self.procedure_key}/{self.unit_key}: {self.views}"


class DailyFunnel(models.Model):
    """Online applications of one day for one procedure and unit: drafts started that day, drafts submitted
    that day, and of the drafts started that day those not submitted within the abandonment delay, by the
    furthest step reached. `settled` once the delay has passed for the day's drafts (before, the abandoned
    counts are not known yet and stay 0). Rewritten whole by each aggregation of the day."""

    day = models.DateField(db_index=True)
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    started = models.PositiveIntegerField(default=0)
    submitted = models.PositiveIntegerField(default=0)
    abandoned_opened = models.PositiveIntegerField(default=0)
    abandoned_answered = models.PositiveIntegerField(default=0)
    abandoned_attached = models.PositiveIntegerField(default=0)
    abandoned_tried = models.PositiveIntegerField(default=0)
    settled = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.day} {self.procedure_id}/{self.unit_id}: {self.started}→{self.submitted}"

    @property
    def abandoned(self) -> int:
        return self.abandoned_opened + self.abandoned_answered + self.abandoned_attached + self.abandoned_tried


class SubmitAttempt(models.Model):
    """A draft whose submission was tried and refused for errors: the furthest step of the funnel."""

    draft = models.OneToOneField("applications.Draft", on_delete=models.CASCADE, primary_key=True,
                                 related_name="+")
    first_at = models.DateTimeField()

    def __str__(self):
        return str(self.draft_id)
