"""An organisation's stored forecast: what the last refit computed (docs/forecasting.md § 2–3).

Pages and selectors read these rows; nothing is fitted in a web request. A refit replaces
the organisation's forecast and all its days at once (:func:`forecasting.services.forecast_refit`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from plannerist.models import Organization

HORIZON_DAYS = 400  # days forecast ahead of the refit's day


class Forecast(models.Model):
    """The last refit of one organisation: method chosen, backtest figures, what it rests on,
    and its promotion memory (each past campaign's uplift and dip, pooled by kind)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="forecast")
    fitted_at = models.DateTimeField(_("fitted at"))
    fitted_for = models.DateField(_("first day forecast"))  # the organisation's "today" at the refit
    method = models.CharField(_("method"), max_length=32)
    history_days = models.PositiveIntegerField(_("days of history"))
    first_history_day = models.DateField(null=True, blank=True)
    last_history_day = models.DateField(null=True, blank=True)
    # {"wape": …, "weekday_average_wape": …, "seasonal_naive_wape": …} (the contract's § 4 keys;
    # null where a candidate had too little history), plus "folds" and "horizon".
    backtest = models.JSONField(default=dict)
    # What the forecast rests on or lacks: [{"code": "no_yearly_seasonality", "values": {"days": 200}}].
    notes = models.JSONField(default=list)
    # {"campaigns": [{"id": 3, "name": …, "uplift": …, "uplift_lo80": …, "uplift_hi80": …,
    #   "dip_share": …, "projected": …}], "pooled": [{"mechanic", "depth_band", "n", "uplift", …}]}
    promotions = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("forecast")

    def __str__(self) -> str:
        return f"{self.organization} {self.method} {self.fitted_for}"


class ForecastDay(models.Model):
    """The baseline of one future day with its 80 % interval (P10–P90)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="forecast_days")
    date = models.DateField(_("date"))
    orders = models.FloatField(_("orders"))
    orders_lo80 = models.FloatField(_("orders, low (P10)"))
    orders_hi80 = models.FloatField(_("orders, high (P90)"))

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint("organization", "date", name="one_forecast_day_per_organization")]

    def __str__(self) -> str:
        return f"{self.organization} {self.date}"


class RefitState(models.Model):
    """Debounces refits the way ``kpis.RecomputeState`` debounces recomputes: one queued refit
    per organisation, released when the task starts (a change during it queues another)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="forecast_refit")
    pending = models.BooleanField(default=False)
    requested_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.organization} refit {'pending' if self.pending else 'idle'}"


class CounterfactualDay(models.Model):
    """A finished or live campaign's day as the last refit saw it without the campaign: the
    orders the shop would have had (docs/forecasting.md § 3's counterfactual). Days up to the
    refit's history are the promotion memory's model (fitted without any campaign day); days
    from the refit's first forecast day are the stored forecast's baseline. ``campaign_id`` is
    the campaign's id (no key: campaigns sit a floor above); a refit replaces them all."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="counterfactual_days")
    campaign_id = models.PositiveBigIntegerField(_("campaign"))
    date = models.DateField(_("date"))
    orders = models.FloatField(_("orders"))

    class Meta:
        ordering = ["campaign_id", "date"]
        constraints = [models.UniqueConstraint("organization", "campaign_id", "date",
                                               name="one_counterfactual_day_per_campaign")]

    def __str__(self) -> str:
        return f"{self.organization} campaign {self.campaign_id} {self.date}"
