"""What the shop really did, day by day: typed in or imported from order exports."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext_lazy as _

from plannerist.models import Organization

ZERO = Decimal("0")


def _count(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)])


# Imported money is kept at full precision: prices read excl. VAT get VAT added unrounded
# (0.555 + 20 % = 0.666), so that revenue = paid incl. VAT / (1 + rate) gives back exactly
# what the file said (docs/economics.md). Six decimals hold a price of up to 3 decimals times
# any VAT rate of up to 3 (5.5 %, 20 %) exactly; incl. VAT, the amounts are stored as read.
MONEY_DECIMALS = 6
MONEY_QUANTUM = "0.000001"


def _money(label: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(label, max_digits=18, decimal_places=MONEY_DECIMALS, default=ZERO, **kwargs)


class DailyActual(models.Model):
    """One day of one organisation, optionally narrowed to a campaign and a channel."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="daily_actuals")
    date = models.DateField(_("date"))
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, null=True, blank=True, related_name="actuals"
    )
    channel = models.ForeignKey(
        "campaigns.Channel", on_delete=models.CASCADE, null=True, blank=True, related_name="actuals"
    )
    orders = _count(_("orders"))
    units = _count(_("units"))
    paid_incl_vat = _money(_("amount paid incl. VAT"), validators=[MinValueValidator(ZERO)])
    discounts = _money(_("discounts"), validators=[MinValueValidator(ZERO)])
    refunds = _money(_("refunds"), validators=[MinValueValidator(ZERO)])
    returned_orders = _count(_("returned orders"))
    new_customers = _count(_("new customers"))
    returning_customers = _count(_("returning customers"))
    ad_spend = _count(_("ad spend"))
    support_contacts = _count(_("support contacts"))
    hours_worked = _count(_("hours worked"))
    orders_shipped = _count(_("orders shipped"))
    order_to_ship_hours = models.DecimalField(
        _("average hours from order to shipping"), max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(ZERO)],
    )

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                "organization", "date", Coalesce("campaign", 0), Coalesce("channel", 0),
                name="one_actual_per_day_campaign_channel",
            )
        ]
        indexes = [models.Index(fields=["organization", "date"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.date}"


class ImportBatch(models.Model):
    """One import of one or several order files: who, what, and how it went."""

    class Status(models.TextChoices):
        READING = "reading", _("reading the files")
        PENDING = "pending", _("previewed, waiting for confirmation")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="import_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    format = models.CharField(_("format"), max_length=20)
    file_names = models.JSONField(_("files"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)  # column mapping, cancel prefix
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # A preview's read lines (gzipped CSV, customers hashed), kept until the import runs, is
    # cancelled or expires: never the uploaded files, which hold customers' e-mails. Kept in
    # the database because the web process and the worker may not share a disk.
    pending_lines = models.BinaryField(null=True, blank=True, editable=False)
    # A large upload waiting for the worker to preview it (kpis.services.imports.
    # PREVIEW_IN_WORKER_BYTES): the files as sent, zipped, kept only until the worker has
    # read them (minutes) and replaced them by ``pending_lines``; the expiry job deletes an
    # upload left unread after UPLOAD_TTL.
    pending_upload = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # Working data, not the organisation's: left out of its export (plannerist.export).
    export_omitted_fields = ("pending_lines", "pending_upload")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.format} import {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_working(self) -> bool:
        """Whether the worker or the request is at it: the page polls while it is."""
        return self.status in (self.Status.READING, self.Status.QUEUED, self.Status.RUNNING)


class DiscountCode(models.Model):
    """A promo code that attributes imported orders to a campaign (matched case-insensitively)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="discount_codes")
    code = models.CharField(_("discount code"), max_length=64)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="discount_codes")

    class Meta:
        constraints = [
            models.UniqueConstraint("organization", Lower("code"), name="one_discount_code_per_org"),
        ]

    def __str__(self) -> str:
        return self.code


class ImportedOrder(models.Model):
    """One order as an import read it, keyed by the shop's order id: a re-import updates it.

    Money is incl. VAT, in the organisation's currency, at full precision (:data:`MONEY_DECIMALS`). ``units`` is net of negative lines.
    ``is_adjustment`` marks an order made only of negative lines (a write-off, a return
    ticket): neither a sale nor a cancellation. ``campaign`` is the link recorded at import
    through :class:`DiscountCode`; ``channel_name`` is the channel as the file names it.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="imported_orders")
    order_id = models.CharField(_("order id"), max_length=64)
    ordered_at = models.DateTimeField(_("ordered at"))
    channel = models.ForeignKey(
        "campaigns.Channel", on_delete=models.SET_NULL, null=True, blank=True, related_name="imported_orders"
    )
    channel_name = models.CharField(_("channel in the file"), max_length=120, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="imported_orders"
    )
    discount_code = models.CharField(_("discount code"), max_length=64, blank=True)
    customer_key = models.CharField(_("customer (salted hash)"), max_length=64, null=True, blank=True)  # noqa: DJ001 (null = guest)
    units = models.DecimalField(_("units"), max_digits=12, decimal_places=3, default=ZERO)
    paid_incl_vat = _money(_("amount paid incl. VAT"))
    discounts = _money(_("discounts"))
    refunds = _money(_("refunds"))
    shipping_incl_vat = _money(_("shipping incl. VAT"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    is_adjustment = models.BooleanField(_("stock adjustment"), default=False)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    source_format = models.CharField(_("format"), max_length=20)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="imported_orders")

    class Meta:
        ordering = ["-ordered_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "order_id"], name="one_imported_order_per_id"),
        ]
        indexes = [
            models.Index(fields=["organization", "ordered_at"]),
            models.Index(fields=["organization", "customer_key"]),
        ]

    def __str__(self) -> str:
        return self.order_id


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


class ImportedLine(models.Model):
    """What an imported order sold, per product: what margins rest on.

    ``product`` is the line's SKU (its name when the file has none); ``amount_incl_vat`` the
    lines' total incl. VAT; ``date`` the order's local day; ``sale`` false for a cancelled or
    adjustment order. An import replaces the lines of the orders it holds. Joined with the
    catalogue at each recompute (:func:`kpis.selectors.goods_cost_by_day`), so a product added
    later costs the days it was sold on.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="imported_lines")
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="lines")
    order_id = models.CharField(_("order id"), max_length=64)
    date = models.DateField(_("date"))
    product = models.CharField(_("product"), max_length=64, blank=True)
    units = models.DecimalField(_("units"), max_digits=12, decimal_places=3, default=ZERO)
    amount_incl_vat = _money(_("amount incl. VAT"))
    sale = models.BooleanField(_("sale"), default=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "order_id"]),
            models.Index(fields=["organization", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.product}"
