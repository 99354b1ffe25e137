"""Forecasts as they were made, so that a forecast can later be held against what happened."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Forecast(models.Model):
    """One forecast: the value of `what` for `scope` expected on `for_date`, with its band, made at
    `made_at` for the period starting `period_from` under the rule set `rules`.

    `what` is "total" (the 766 total), "group:I" … "group:V" (a group's points) or "target:<id>" (a
    target's value). One row per quantity, scope, period and day of making: recording again on the same
    day replaces that day's forecast (`motcua forecast record` runs daily)."""

    what = models.CharField(_("đại lượng"), max_length=40)
    scope = models.CharField(_("đơn vị"), max_length=40)  # a unit code; the province's for the province
    rules = models.CharField(_("bộ quy tắc"), max_length=40, default="qd766")
    period_from = models.DateField(_("từ ngày"))
    for_date = models.DateField(_("dự báo cho ngày"))
    made_on = models.DateField(_("ngày lập"))
    made_at = models.DateTimeField(_("thời điểm lập"))
    value = models.FloatField(_("giá trị dự báo"))
    low = models.FloatField(_("cận dưới"))
    high = models.FloatField(_("cận trên"))
    current = models.FloatField(_("giá trị khi lập"))

    class Meta:
        verbose_name = _("dự báo")
        verbose_name_plural = _("dự báo")
        ordering = ["-made_at", "scope", "what"]
        constraints = [models.UniqueConstraint(fields=["what", "scope", "rules", "period_from", "for_date", "made_on"],
                                               name="forecast_once_a_day")]
        indexes = [models.Index(fields=["scope", "what", "for_date", "made_on"], name="forecast_lookup")]

    def __str__(self):
        return f"{self.what} {self.scope} → {self.for_date}: {self.value:.2f}"
