"""Resources, who staffs them and when, extra capacity, automations and stock."""

from __future__ import annotations

import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plannerist.models import Organization

ZERO = Decimal("0")
WEEKDAYS = 7


def _week_default() -> list[float]:
    return [0.0] * WEEKDAYS


def validate_week(value: object) -> None:
    """Seven finite non-negative numbers, Monday to Sunday."""
    if (
        not isinstance(value, list)
        or len(value) != WEEKDAYS
        or not all(isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v < math.inf for v in value)
    ):
        raise ValidationError(_("Give seven numbers, Monday to Sunday, none negative."))


def _minutes(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=7, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)])


class CapacityPlan(models.Model):
    """The organisation's demand assumptions for capacity checks."""

    class BaselineSource(models.TextChoices):
        ACTUALS = "actuals", _("Average of the last weeks' actuals")
        TYPED = "typed", _("Typed below")

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="capacity_plan")
    baseline_source = models.CharField(
        _("baseline demand"), max_length=8, choices=BaselineSource.choices, default=BaselineSource.ACTUALS
    )
    baseline_weeks = models.PositiveSmallIntegerField(
        _("weeks of actuals"), default=8, validators=[MinValueValidator(1), MaxValueValidator(104)]
    )
    orders_per_day = models.DecimalField(
        _("orders per day"), max_digits=9, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    weekday_profile = models.JSONField(
        _("weekday profile"), default=list, validators=[validate_week],
        help_text=_("Monday to Sunday, 1 = an average day."),
    )
    units_per_order = models.DecimalField(
        _("units per order"), max_digits=7, decimal_places=3, default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    return_rate = models.DecimalField(
        _("return rate"), max_digits=5, decimal_places=4, default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("1"))],
    )
    support_contacts = models.DecimalField(
        _("support contacts per order"), max_digits=6, decimal_places=3, default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    target_utilization = models.DecimalField(
        _("target utilisation"), max_digits=4, decimal_places=3, default=Decimal("0.85"),
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1"))],
    )

    def __str__(self) -> str:
        return f"{self.organization} capacity plan"


class Resource(models.Model):
    class Kind(models.TextChoices):
        PREPARATION = "preparation", _("Preparation")
        SUPPORT = "support", _("Support")
        PRODUCTION = "production", _("Production")
        DELIVERY = "delivery", _("Delivery")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PREPARATION)
    minutes_per_order = _minutes(_("minutes per order"))
    minutes_per_unit = _minutes(_("minutes per unit"))
    minutes_per_return = _minutes(_("minutes per return"))
    minutes_per_contact = _minutes(_("minutes per support contact"))
    efficiency = models.DecimalField(
        _("efficiency"), max_digits=4, decimal_places=3, default=Decimal("0.85"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
        help_text=_("Share of paid hours spent on this work (breaks, interruptions)."),
    )
    works_public_holidays = models.BooleanField(_("works on public holidays"), default=False)
    extra_hourly_cost = models.DecimalField(
        _("cost of an extra hour"), max_digits=8, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)],
        help_text=_("Overtime or freelancer rate used to price the hours missing."),
    )
    extra_max_hours_per_day = models.DecimalField(
        _("extra hours available per day"), max_digits=6, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(ZERO)], help_text=_("Empty: no ceiling."),
    )
    live_channel = models.BooleanField(_("live channel (chat, phone)"), default=False)
    live_aht_seconds = models.PositiveIntegerField(_("average handling time (s)"), default=240)
    live_answer_seconds = models.PositiveIntegerField(_("answer within (s)"), default=60)
    live_service_level = models.DecimalField(
        _("share answered in time"), max_digits=4, decimal_places=3, default=Decimal("0.8"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("0.999"))],
    )
    live_open_hour = models.PositiveSmallIntegerField(_("opens at"), default=9, validators=[MaxValueValidator(23)])
    live_close_hour = models.PositiveSmallIntegerField(_("closes at"), default=18, validators=[MaxValueValidator(24)])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="resource_name_per_org"),
            models.CheckConstraint(condition=Q(efficiency__gt=0, efficiency__lte=1), name="resource_efficiency_share"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.live_channel and self.live_close_hour <= self.live_open_hour:
            raise ValidationError({"live_close_hour": _("Closes before it opens.")})


class StaffMember(models.Model):
    """A person or role working on a resource: employees, and booked freelancers."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        FREELANCER = "freelancer", _("Freelancer")
        OVERTIME = "overtime", _("Planned overtime")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField(_("name or role"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EMPLOYEE)
    hours_per_weekday = models.JSONField(
        _("hours per weekday"), default=_week_default, validators=[validate_week],
        help_text=_("Monday to Sunday."),
    )
    hourly_cost = models.DecimalField(
        _("hourly cost"), max_digits=8, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=models.F("start")),
                name="staff_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("Ends before it starts.")})


class Absence(models.Model):
    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="absences")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=80, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="absence_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.staff_member} {self.start}–{self.end}"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("Ends before it starts.")})


class Automation(models.Model):
    """A tool or process change that cuts minutes per order from a date, for a setup cost."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="automations")
    name = models.CharField(_("name"), max_length=80)
    start = models.DateField(_("from"))
    minutes_saved_per_order = models.DecimalField(
        _("minutes saved per order"), max_digits=7, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    setup_cost = models.DecimalField(
        _("setup cost"), max_digits=10, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )

    class Meta:
        ordering = ["start"]

    def __str__(self) -> str:
        return self.name


class StockItem(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="stock_items")
    product = models.OneToOneField("campaigns.Product", on_delete=models.CASCADE, related_name="stock")
    on_hand = models.DecimalField(_("units on hand"), max_digits=10, decimal_places=2, default=ZERO)
    lead_time_days = models.PositiveSmallIntegerField(_("replenishment lead time (days)"), default=14)

    class Meta:
        ordering = ["product__name"]

    def __str__(self) -> str:
        return f"Stock of {self.product}"


class Replenishment(models.Model):
    stock_item = models.ForeignKey(StockItem, on_delete=models.CASCADE, related_name="replenishments")
    date = models.DateField(_("arrives on"))
    units = models.DecimalField(_("units"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.units} × {self.stock_item.product} on {self.date}"
