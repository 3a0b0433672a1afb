"""Catalogue, the channels' cost profiles, campaigns and their scenarios (the channels are :mod:`sales.models`)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plannerist.models import Organization
from sales.models import Channel

ZERO = Decimal("0")
MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(ZERO)]}
RATE = {"max_digits": 6, "decimal_places": 4}


def _share(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__gte": 0, f"{name}__lte": 1}) | Q(**{f"{name}__isnull": True}),
        name=f"%(app_label)s_%(class)s_{name}_is_a_share",
    )


class CostProfile(models.Model):
    """What one order costs on a channel beyond the goods: the costs promos forget."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="cost_profiles")
    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="cost_profile")
    units_per_order = models.DecimalField(
        _("units per order"), max_digits=8, decimal_places=3, default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    shipping_fee = models.DecimalField(_("shipping fee charged"), default=ZERO, **MONEY)
    shipping_cost = models.DecimalField(_("shipping cost"), default=ZERO, **MONEY)
    packaging_cost = models.DecimalField(_("packaging cost"), default=ZERO, **MONEY)
    payment_fee_rate = models.DecimalField(_("payment fee rate"), default=ZERO, **RATE)
    payment_fee_fixed = models.DecimalField(_("payment fee per order"), default=ZERO, **MONEY)
    commission_rate = models.DecimalField(_("commission rate"), default=ZERO, **RATE)
    return_rate = models.DecimalField(_("return rate"), default=ZERO, **RATE)
    return_cost = models.DecimalField(_("cost per return"), default=ZERO, **MONEY)
    return_recovery = models.DecimalField(_("goods recovered on a return"), default=ZERO, **RATE)
    support_contacts = models.DecimalField(
        _("support contacts per order"), max_digits=6, decimal_places=3, default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    support_cost_per_contact = models.DecimalField(_("cost per support contact"), default=ZERO, **MONEY)

    class Meta:
        constraints = [
            _share("payment_fee_rate"),
            _share("commission_rate"),
            _share("return_rate"),
            _share("return_recovery"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} costs"


class Product(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="products")
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=160)
    category = models.CharField(_("category"), max_length=80, blank=True)
    price = models.DecimalField(_("price incl. VAT"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate"), default=Decimal("0.20"), **RATE)
    unit_cost = models.DecimalField(_("unit cost excl. VAT"), **MONEY)
    units_per_month = models.DecimalField(
        _("units sold per month"), max_digits=10, decimal_places=2, default=Decimal("1"),
        validators=[MinValueValidator(ZERO)],
        help_text=_("The sales mix: a campaign on part of the catalogue is weighted by it."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "sku"], name="product_sku_per_org"),
            _share("vat_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"

    @property
    def gross_margin_rate(self) -> float | None:
        """(price excl. VAT − unit cost) / price excl. VAT."""
        price = self.price / (1 + self.vat_rate)
        return None if price == 0 else float((price - self.unit_cost) / price)


class Mechanic(models.TextChoices):
    NONE = "none", _("No promotion")
    PERCENT_OFF = "percent_off", _("Percentage off")
    AMOUNT_OFF = "amount_off", _("Amount off per unit")
    BUY_X_GET_Y = "buy_x_get_y", _("Buy X, get Y")
    FREE_SHIPPING = "free_shipping", _("Free shipping")


class Scope(models.TextChoices):
    CATALOGUE = "catalogue", _("Whole catalogue")
    CATEGORIES = "categories", _("Some categories")
    PRODUCTS = "products", _("Chosen products")


# The parameters a campaign shares with its scenarios (choosing a scenario copies them).
PLAN_FIELDS = [
    "mechanic", "discount_rate", "discount_amount", "buy", "get", "get_discount", "scope",
    "scope_categories", "products", "uplift", "uplift_low", "uplift_high", "ad_spend",
    "creative_cost", "setup_cost", "return_rate_override", "support_contacts_override",
]
# A campaign's economics: what operations approve. Changing any of them on an approved
# campaign sends it back to them; on a live one only they may change it.
ECONOMIC_FIELDS = [*PLAN_FIELDS, "channel", "start", "end", "baseline_orders"]


class PromotionPlan(models.Model):
    """The parameters a campaign and each of its scenarios share."""

    mechanic = models.CharField(_("mechanic"), max_length=16, choices=Mechanic.choices, default=Mechanic.PERCENT_OFF)
    discount_rate = models.DecimalField(_("discount"), default=ZERO, **RATE)
    discount_amount = models.DecimalField(_("amount off per unit (incl. VAT)"), default=ZERO, **MONEY)
    buy = models.PositiveSmallIntegerField(_("buy"), default=1, validators=[MinValueValidator(1)])
    get = models.PositiveSmallIntegerField(_("get"), default=1)
    get_discount = models.DecimalField(_("discount on the free units"), default=Decimal("1"), **RATE)
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices, default=Scope.CATALOGUE)
    scope_categories = models.JSONField(_("categories in scope"), default=list, blank=True)
    uplift = models.DecimalField(
        _("expected uplift"), max_digits=7, decimal_places=4, default=ZERO,
        validators=[MinValueValidator(Decimal("-1"))],
        help_text=_("Extra orders over the period: 0.5 means +50 %."),
    )
    uplift_low = models.DecimalField(_("uplift, low"), max_digits=7, decimal_places=4, null=True, blank=True)
    uplift_high = models.DecimalField(_("uplift, high"), max_digits=7, decimal_places=4, null=True, blank=True)
    ad_spend = models.DecimalField(_("ad spend"), default=ZERO, **MONEY)
    creative_cost = models.DecimalField(_("creative"), default=ZERO, **MONEY)
    setup_cost = models.DecimalField(_("setup"), default=ZERO, **MONEY)
    return_rate_override = models.DecimalField(_("return rate during the campaign"), null=True, blank=True, **RATE)
    support_contacts_override = models.DecimalField(
        _("support contacts per order during the campaign"), max_digits=6, decimal_places=3,
        null=True, blank=True, validators=[MinValueValidator(ZERO)],
    )

    class Meta:
        abstract = True

    @property
    def fixed_costs(self) -> Decimal:
        return self.ad_spend + self.creative_cost + self.setup_cost

    def clean(self) -> None:
        errors = {}
        if self.uplift_low is not None and self.uplift_low > self.uplift:
            errors["uplift_low"] = _("The low uplift cannot exceed the expected one.")
        if self.uplift_high is not None and self.uplift_high < self.uplift:
            errors["uplift_high"] = _("The high uplift cannot be below the expected one.")
        if self.mechanic == Mechanic.PERCENT_OFF and not (0 <= self.discount_rate <= 1):
            errors["discount_rate"] = _("A discount is between 0 and 100 %.")
        if self.scope == Scope.CATEGORIES and not self.scope_categories:
            errors["scope_categories"] = _("Choose at least one category.")
        if errors:
            raise ValidationError(errors)


class Campaign(PromotionPlan):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PLANNED = "planned", _("Planned")
        APPROVED = "approved", _("Approved")
        LIVE = "live", _("Live")
        FINISHED = "finished", _("Finished")
        STOPPED = "stopped", _("Stopped")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(_("name"), max_length=120)
    objective = models.TextField(_("objective"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("owner"),
    )
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("channel"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    baseline_orders = models.DecimalField(
        _("orders over the period without the campaign"), max_digits=10, decimal_places=1,
        null=True, blank=True, validators=[MinValueValidator(ZERO)],
        help_text=_("Leave empty to use the average of your actuals on the same weekdays."),
    )
    products = models.ManyToManyField(Product, blank=True, related_name="campaigns", verbose_name=_("products in scope"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="campaign_ends_after_start"),
            _share("discount_rate"),
            _share("get_discount"),
            _share("return_rate_override"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The campaign ends before it starts.")})


class Scenario(PromotionPlan):
    """A named variant of a campaign's parameters, compared side by side with the others."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(_("name"), max_length=120)
    products = models.ManyToManyField(Product, blank=True, related_name="+", verbose_name=_("products in scope"))
    chosen = models.BooleanField(_("chosen"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="scenario_name_per_campaign"),
            models.UniqueConstraint(fields=["campaign"], condition=Q(chosen=True), name="one_chosen_scenario"),
            _share("discount_rate"),
            _share("get_discount"),
            _share("return_rate_override"),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignComment(models.Model):
    """A comment on a campaign; approving or sending back may carry one."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("comment")
        SENT_BACK = "sent_back", _("sent back")
        APPROVED = "approved", _("approved")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.author}: {self.text[:40]}"


class CampaignChange(models.Model):
    """The audit log: who changed which field of a campaign, when, from what to what."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    field = models.CharField(_("field"), max_length=60)
    old = models.TextField(_("before"), blank=True)
    new = models.TextField(_("after"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.campaign} {self.field}: {self.old} → {self.new}"


class ProductPrice(models.Model):
    """The lowest unit price a product was charged on one day (the organisation's prices' VAT
    convention), from the imported orders: what the reference price of a reduction is measured
    from (Code de la consommation, art. L112-1-1)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="product_prices")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    date = models.DateField(_("date"))
    unit_price = models.DecimalField(_("unit price charged"), **MONEY)

    class Meta:
        ordering = ["product", "date"]
        constraints = [models.UniqueConstraint(fields=["product", "date"], name="product_price_per_day")]
        indexes = [models.Index(fields=["organization", "date"])]

    def __str__(self) -> str:
        return f"{self.product} {self.date}: {self.unit_price}"


class PromotionSettings(models.Model):
    """Where the shop stands for the legal sales periods (Code de commerce, art. D310-15-3).

    Kept beside the campaigns rather than on the organisation, whose model another change
    was rewriting; an online shop leaves the département empty (the national dates)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="promotion_settings")
    departement = models.CharField(
        _("département (INSEE code)"), max_length=3, blank=True,
        validators=[RegexValidator(r"^(\d{2,3}|2[ABab])$", _("An INSEE département code: 2 or 3 digits, or 2A / 2B."))],
        help_text=_("Where your shop front is: some départements have their own sales dates. "
                    "Leave empty for an online shop (national dates)."),
    )

    def __str__(self) -> str:
        return f"{self.organization}: {self.departement or '—'}"
