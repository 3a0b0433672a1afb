"""What the shop really did, day by day: typed in or imported from order exports."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from plannerist.models import Organization

ZERO = Decimal("0")


def _count(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)])


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
    paid_incl_vat = _count(_("amount paid incl. VAT"))
    discounts = _count(_("discounts"))
    refunds = _count(_("refunds"))
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
