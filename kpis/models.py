"""What the KPIs make of the sales: snapshots, targets, thresholds, signals and live paces.

What the shop sold (orders, imports, daily actuals, discount codes) is :mod:`sales.models`."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from plannerist.models import Organization

ZERO = Decimal("0")


class KpiSnapshot(models.Model):
    """A computed KPI of one scope and period; a recompute replaces the organisation's rows."""

    class Scope(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        CAMPAIGN = "campaign", _("campaign")
        CHANNEL = "channel", _("channel")
        FORECAST = "forecast", _("capacity forecast")

    class Period(models.TextChoices):
        DAY = "day", _("day")
        WEEK = "week", _("ISO week")
        MONTH = "month", _("month")
        QUARTER = "quarter", _("quarter")

    # No index of its own: the unique constraint's index starts with the organisation and
    # serves its lookups; one index less to maintain when a recompute writes 50,000 rows.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="kpi_snapshots", db_index=False
    )
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    scope_id = models.CharField(_("scope id"), max_length=64, blank=True, default="")
    period = models.CharField(_("period"), max_length=7, choices=Period.choices)
    period_start = models.DateField(_("period start"))
    kpi = models.CharField(_("KPI"), max_length=40)
    value = models.FloatField(_("value"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["scope", "scope_id", "period", "period_start", "kpi"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "scope", "scope_id", "period", "period_start", "kpi"],
                name="one_kpi_snapshot_per_scope_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.scope} {self.scope_id} {self.period} {self.period_start}"


class RecomputeState(models.Model):
    """Per organisation: are the snapshots stale, and is a recompute already queued?

    ``pending`` is claimed by a conditional update, so at most one recompute is queued per
    organisation; ``stale`` stays set when the broker could not be reached, for the sweep.
    """

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="kpi_recompute")
    stale = models.BooleanField(default=False)
    stale_since = models.DateTimeField(null=True, blank=True)
    pending = models.BooleanField(default=False)
    last_computed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.organization} recompute state"


class KpiTarget(models.Model):
    """The organisation's target for one KPI. A ratio's target holds for any period; an
    amount's (orders, revenue, margin: ``ADDITIVE_KPIS``) is set per week and scaled to the
    period's length where it is compared (:func:`kpis.pages.target_for`)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="kpi_targets")
    kpi = models.CharField(_("KPI"), max_length=40)
    value = models.FloatField(_("target"))

    class Meta:
        ordering = ["kpi"]
        constraints = [models.UniqueConstraint(fields=["organization", "kpi"], name="one_target_per_kpi")]

    def __str__(self) -> str:
        return f"{self.organization} {self.kpi} target {self.value}"


class SignalThresholds(models.Model):
    """Per organisation: when the rules raise a signal. Shares are stored as fractions."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="signal_thresholds")
    margin_drop = models.DecimalField(
        _("margin per order falling by more than"), max_digits=5, decimal_places=4, default=Decimal("0.20"),
        validators=[MinValueValidator(ZERO)],
    )
    utilisation_limit = models.DecimalField(
        _("forecast utilisation above"), max_digits=5, decimal_places=4, default=Decimal("1.00"),
        validators=[MinValueValidator(ZERO)],
    )
    headroom_utilisation = models.DecimalField(
        _("capacity headroom when the forecast stays below"), max_digits=5, decimal_places=4,
        default=Decimal("0.80"), validators=[MinValueValidator(ZERO)],
    )
    return_spike = models.DecimalField(
        _("return rate spike: times the usual rate"), max_digits=5, decimal_places=2, default=Decimal("1.50"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    return_rate_floor = models.DecimalField(
        _("ignore return rates below"), max_digits=5, decimal_places=4, default=Decimal("0.02"),
        validators=[MinValueValidator(ZERO)],
    )
    lookback_weeks = models.PositiveSmallIntegerField(_("weeks the usual level is taken over"), default=4)
    horizon_weeks = models.PositiveSmallIntegerField(_("weeks of capacity and stock forecast"), default=8)

    def __str__(self) -> str:
        return f"{self.organization} signal thresholds"


SEVERITY_ORDER = ("stop", "adjust", "amplify")  # Signal.Action's values, the most pressing first


def by_severity() -> models.Case:
    """An ordering expression: stop, then adjust, then amplify (anything else last)."""
    return models.Case(
        *(models.When(action=action, then=models.Value(rank)) for rank, action in enumerate(SEVERITY_ORDER)),
        default=models.Value(len(SEVERITY_ORDER)), output_field=models.IntegerField(),
    )


class Signal(models.Model):
    """One open signal from the last recompute: what to do, who owns it, and the evidence."""

    class Action(models.TextChoices):
        STOP = "stop", _("stop or restrict the scope")
        ADJUST = "adjust", _("adjust")
        AMPLIFY = "amplify", _("amplify")

    class Side(models.TextChoices):
        MARKETING = "marketing", _("marketing")
        OPERATIONS = "operations", _("operations")
        SHARED = "shared", _("shared")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="signals")
    rule = models.CharField(_("rule"), max_length=40)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, null=True, blank=True, related_name="signals"
    )
    raised_at = models.DateTimeField(_("raised at"))

    class Meta:
        ordering = ["organization", by_severity(), "rule", "subject"]
        indexes = [models.Index(fields=["organization", "rule"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.rule} {self.subject}"


class CampaignPace(models.Model):
    """A live campaign's pace as the last recompute read it: its days so far against the stored
    counterfactual and its projected end (``kpis.engine.rules.LivePace`` as a dict: days, uplift
    with its interval, the plan's, projected orders, revenue and margin after the cost to
    deliver, None where unknown). The dashboard reads these rows; the recompute replaces them."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="campaign_paces")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="paces")
    figures = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["organization", "campaign"]
        constraints = [models.UniqueConstraint("organization", "campaign", name="one_pace_per_campaign")]

    def __str__(self) -> str:
        return f"{self.organization} pace of {self.campaign_id}"


class PeakOutlook(models.Model):
    """The busiest working day of the weeks ahead against capacity, as the last recompute's
    capacity outlook found it (``kpis.engine.peaks.PeakDay``): the portfolio reads this row
    for all of a consultant's clients in one query instead of planning capacity in the
    request. ``day`` is None when no resource works on any day up to ``until``; the row is
    removed when the organisation describes neither a resource nor a stock item."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="peak_outlook")
    until = models.DateField(_("looked at up to"))
    day = models.DateField(_("busiest day"), null=True, blank=True)
    resource = models.CharField(_("resource"), max_length=120, blank=True)
    utilisation = models.FloatField(_("load to capacity"), null=True, blank=True)
    overloaded_days = models.PositiveIntegerField(_("days over capacity"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    def __str__(self) -> str:
        return f"{self.organization} peak {self.day}"


class KpiCohort(models.Model):
    """One cell of the cohort retention (``kpis.engine.cohort_retention``): of the customers
    whose first order fell in ``cohort_month``, how many ordered again ``months_since_first``
    months later. The recompute replaces the organisation's rows; the KPI page reads them
    instead of going through every imported order."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="kpi_cohorts",
                                     db_index=False)  # the unique constraint's index starts with it
    cohort_month = models.DateField(_("first-order month"))
    months_since_first = models.PositiveSmallIntegerField(_("months since the first order"))
    cohort_customers = models.PositiveIntegerField(_("customers of the cohort"))
    active_customers = models.PositiveIntegerField(_("of them ordering that month"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["organization", "cohort_month", "months_since_first"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "cohort_month", "months_since_first"], name="one_cohort_cell_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} cohort {self.cohort_month} +{self.months_since_first}"
