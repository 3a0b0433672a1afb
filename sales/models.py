"""What the shop sold: its channels, the order files imported, the orders and lines they
held, the days' actuals (imported or typed in) and the discount codes that tie orders to a
campaign.

Campaigns live a floor up (:mod:`campaigns`): an order, a day or a code names its campaign by
``campaign_id`` alone, a plain indexed column without a database foreign key, and
``campaigns`` clears the rows of a campaign it deletes (:mod:`campaigns.receivers`).
"""

from __future__ import annotations

import datetime as dt
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


def _campaign_id(**kwargs) -> models.BigIntegerField:
    """A campaign's id (:class:`campaigns.models.Campaign`), without a foreign key: sales is below campaigns."""
    return models.BigIntegerField(_("campaign"), db_index=True, **kwargs)


class Channel(models.Model):
    """Where the shop sells: its web shop, a marketplace, a shop front."""

    class Kind(models.TextChoices):
        WEB_SHOP = "web_shop", _("Own web shop")
        MARKETPLACE = "marketplace", _("Marketplace")
        SHOP_FRONT = "shop_front", _("Shop front")
        SOCIAL = "social", _("Social selling")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="channels")
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.WEB_SHOP)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="channel_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name

class ImportBatch(models.Model):
    """One import of one or several order files: who, what, and how it went."""

    class Status(models.TextChoices):
        MAPPING = "mapping", _("waiting for its column mapping")
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
    # A large upload waiting for the worker to preview it (sales.services.previews.
    # PREVIEW_IN_WORKER_BYTES): the files as sent, zipped, kept only until the worker has
    # read them (minutes) and replaced them by ``pending_lines``; the expiry job deletes an
    # upload left unread after UPLOAD_TTL. Order lines also keep their files while they wait
    # for a column mapping, and in their preview so that the mapping can be changed (dropped
    # at the confirmation, and after UPLOAD_TTL at the latest).
    pending_upload = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # Working data, not the organisation's: left out of its export (plannerist.export).
    export_omitted_fields = ("pending_lines", "pending_upload")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="sales_batch_status_created")]

    def __str__(self) -> str:
        return f"{self.organization} {self.format} import {self.pk}"

    @property
    def mapping_saved_at(self) -> dt.datetime | None:
        """When the column mapping this batch was read with was saved (order lines only)."""
        saved = (self.options or {}).get("mapping_saved_at")
        return dt.datetime.fromisoformat(saved) if saved else None

    @property
    def mapping_can_change(self) -> bool:
        """Whether the files are still here to be read again with another column mapping."""
        return (self.format == "lines" and self.pending_upload is not None
                and self.status in (self.Status.MAPPING, self.Status.PENDING) and bool((self.options or {}).get("columns")))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_working(self) -> bool:
        """Whether the worker or the request is at it: the page polls while it is."""
        return self.status in (self.Status.READING, self.Status.QUEUED, self.Status.RUNNING)


class ColumnMapping(models.Model):
    """Which column of an order-lines file holds what, saved for the files of one shape (the
    header's :func:`sales.readers.detect.signature`): the next file of that shape is read
    with it without asking again."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="column_mappings")
    signature = models.CharField(_("header signature"), max_length=64)
    format = models.CharField(_("format"), max_length=20, default="lines")
    columns = models.JSONField(_("columns of the file"), default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict)  # field → column
    created_at = models.DateTimeField(auto_now_add=True)
    saved_at = models.DateTimeField(_("saved at"))
    used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "signature"], name="sales_mapping_one_per_shape"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} mapping {self.signature[:8]}"


class DailyActual(models.Model):
    """One day of one organisation, optionally narrowed to a campaign and a channel."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="daily_actuals")
    date = models.DateField(_("date"))
    campaign_id = _campaign_id(null=True, blank=True)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="actuals")
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
                "organization", "date", Coalesce("campaign_id", 0), Coalesce("channel", 0),
                name="one_actual_per_day_campaign_channel",
            )
        ]
        indexes = [models.Index(fields=["organization", "date"], name="sales_actual_org_date")]

    def __str__(self) -> str:
        return f"{self.organization} {self.date}"


class DiscountCode(models.Model):
    """A promo code that attributes imported orders to a campaign (matched case-insensitively)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="discount_codes")
    code = models.CharField(_("discount code"), max_length=64)
    campaign_id = _campaign_id()

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
    ticket): neither a sale nor a cancellation. ``campaign_id`` is the link recorded at import
    through :class:`DiscountCode`; ``channel_name`` is the channel as the file names it.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="imported_orders")
    order_id = models.CharField(_("order id"), max_length=64)
    ordered_at = models.DateTimeField(_("ordered at"))
    channel = models.ForeignKey(
        Channel, on_delete=models.SET_NULL, null=True, blank=True, related_name="imported_orders"
    )
    channel_name = models.CharField(_("channel in the file"), max_length=120, blank=True)
    campaign_id = _campaign_id(null=True, blank=True)
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
            models.Index(fields=["organization", "ordered_at"], name="sales_order_org_ordered_at"),
            models.Index(fields=["organization", "customer_key"], name="sales_order_org_customer"),
        ]

    def __str__(self) -> str:
        return self.order_id


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
            models.Index(fields=["organization", "order_id"], name="sales_line_org_order"),
            models.Index(fields=["organization", "date"], name="sales_line_org_date"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.product}"
