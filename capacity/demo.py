"""Demo capacity of the two demo businesses (idempotent: update_or_create on natural keys).

Lumière & Cire prepares orders with two people, answers a live chat and pours its candles;
with the campaigns demo's Black Friday "2 for 1" and Christmas −20 %, preparation is
overloaded on the days after Black Friday and during the Christmas rush. Call after
``campaigns.demo.seed`` (the stock belongs to its products; a missing SKU is skipped).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from campaigns.demo import peak_year
from campaigns.models import Product
from capacity.models import (
    Absence,
    Automation,
    CapacityPlan,
    Replenishment,
    Resource,
    StaffMember,
    StockItem,
)
from plannerist.models import Organization

WEEKDAYS_7H = [7, 7, 7, 7, 7, 0, 0]


def _resource(organization: Organization, name: str, staff: list[tuple], **fields) -> Resource:
    resource, _ = Resource.objects.update_or_create(organization=organization, name=name, defaults=fields)
    for member_name, kind, hours, cost in staff:
        StaffMember.objects.update_or_create(
            resource=resource, name=member_name,
            defaults={"kind": kind, "hours_per_weekday": hours, "hourly_cost": D(cost)},
        )
    return resource


def seed(organization: Organization, today: dt.date | None = None, *, like: str | None = None) -> None:
    shop = like or organization.slug
    if shop == "lumiere-et-cire":
        _lumiere(organization, peak_year(today or organization.today()))
    elif shop == "savonnerie-du-marais":
        _savonnerie(organization)


def _lumiere(organization: Organization, year: int) -> None:
    if organization.country != "FR":
        organization.country = "FR"
        organization.save(update_fields=["country"])
    CapacityPlan.objects.update_or_create(organization=organization, defaults={
        # The peak's demand from the shop's history (the stored forecast); typed stays the override.
        "baseline_source": CapacityPlan.BaselineSource.ACTUALS, "orders_per_day": D("35"),
        "weekday_profile": [1.1, 1.0, 1.0, 1.0, 1.1, 0.8, 0.9], "units_per_order": D("1.4"),
        "return_rate": D("0.04"), "support_contacts": D("0.12"), "target_utilization": D("0.85"),
    })
    employee = StaffMember.Kind.EMPLOYEE
    preparation = _resource(
        organization, "Préparation",
        [("Hugo", employee, WEEKDAYS_7H, "22"), ("Inès (temps partiel)", employee, [5, 5, 0, 5, 5, 5, 0], "18")],
        kind=Resource.Kind.PREPARATION, minutes_per_order=D("5"), minutes_per_unit=D("1.5"),
        minutes_per_return=D("4"), efficiency=D("0.85"), extra_hourly_cost=D("25"),
        extra_max_hours_per_day=D("6"),
    )
    _resource(
        organization, "SAV (chat en direct)", [("Manon", employee, [4, 4, 4, 4, 4, 0, 0], "20")],
        kind=Resource.Kind.SUPPORT, minutes_per_contact=D("6"), minutes_per_return=D("3"),
        efficiency=D("0.8"), extra_hourly_cost=D("22"), extra_max_hours_per_day=D("4"), live_channel=True,
        live_aht_seconds=240, live_answer_seconds=60, live_service_level=D("0.8"), live_open_hour=9,
        live_close_hour=18,
    )
    _resource(
        organization, "Production (coulage des bougies)", [("Camille", employee, [5, 5, 5, 5, 5, 0, 0], "0")],
        kind=Resource.Kind.PRODUCTION, minutes_per_unit=D("0.8"), efficiency=D("0.9"),
        extra_hourly_cost=D("30"), extra_max_hours_per_day=D("4"),
    )
    part_timer = StaffMember.objects.get(resource=preparation, name="Inès (temps partiel)")
    Absence.objects.update_or_create(
        staff_member=part_timer, start=dt.date(year, 12, 14), defaults={"end": dt.date(year, 12, 16), "reason": "Congés"}
    )
    Automation.objects.update_or_create(
        resource=preparation, name="Impression automatique des étiquettes",
        defaults={"start": dt.date(year, 12, 7), "minutes_saved_per_order": D("1"), "setup_cost": D("350")},
    )
    stock = {
        # sku: on hand, lead time, deliveries (day of December, units)
        "BOUG-FIGUIER": ("260", 21, [(8, "200")]),
        "BOUG-AMBRE": ("240", 21, [(8, "150")]),
        "BOUG-PREM-CEDRE": ("90", 21, []),
        "COFF-NOEL": ("110", 30, [(15, "40")]),
        "FOND-VANILLE": ("700", 10, []),
    }
    products = {p.sku: p for p in Product.objects.filter(organization=organization, sku__in=stock)}
    for sku, (on_hand, lead_time, deliveries) in stock.items():
        product = products.get(sku)
        if product is None:
            continue
        item, _ = StockItem.objects.update_or_create(
            product=product,
            defaults={"organization": organization, "on_hand": D(on_hand), "lead_time_days": lead_time},
        )
        for day, units in deliveries:
            Replenishment.objects.update_or_create(
                stock_item=item, date=dt.date(year, 12, day), defaults={"units": D(units)}
            )


def _savonnerie(organization: Organization) -> None:
    CapacityPlan.objects.update_or_create(organization=organization, defaults={
        "baseline_source": CapacityPlan.BaselineSource.TYPED, "orders_per_day": D("20"),
        "weekday_profile": [1, 1, 1, 1, 1, 1, 1], "units_per_order": D("2.1"),
        "return_rate": D("0.02"), "support_contacts": D("0.05"),
    })
    _resource(
        organization, "Préparation", [("Nadia", StaffMember.Kind.EMPLOYEE, [6, 6, 6, 6, 6, 0, 0], "0")],
        kind=Resource.Kind.PREPARATION, minutes_per_order=D("5"), minutes_per_unit=D("1"),
        efficiency=D("0.85"), extra_hourly_cost=D("20"),
    )
