"""Org-scoped capacity rows for tests; ``MAKERS`` feeds ``tests.factories.OBJECT_MAKERS``."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal as D

from capacity.models import Absence, Automation, Replenishment, Resource, StaffMember, StockItem
from plannerist.models import Organization

_seq = itertools.count(1)
WEEKDAYS_8H = [8, 8, 8, 8, 8, 0, 0]


def make_resource(org: Organization, **fields) -> Resource:
    fields.setdefault("name", f"Preparation {next(_seq)}")
    fields.setdefault("minutes_per_order", D("6"))
    fields.setdefault("efficiency", D("1"))
    return Resource.objects.create(organization=org, **fields)


def make_staff(resource: Resource, hours=WEEKDAYS_8H, **fields) -> StaffMember:
    fields.setdefault("name", f"Person {next(_seq)}")
    return StaffMember.objects.create(resource=resource, hours_per_weekday=list(hours), **fields)


def make_stock_item(org: Organization, **fields) -> StockItem:
    from tests.factories import make_product  # one make_product; here with a stock's monthly volume

    product = fields.pop("product", None) or make_product(org, units_per_month=D("100"), price=D("29"))
    return StockItem.objects.create(organization=org, product=product, **fields)


MAKERS = {
    Resource: make_resource,
    StaffMember: lambda org: make_staff(make_resource(org)),
    Absence: lambda org: Absence.objects.create(
        staff_member=make_staff(make_resource(org)), start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 2)
    ),
    StockItem: lambda org: make_stock_item(org, on_hand=D("10")),
    Replenishment: lambda org: Replenishment.objects.create(
        stock_item=make_stock_item(org), date=dt.date(2026, 12, 5), units=D("5")
    ),
    Automation: lambda org: Automation.objects.create(
        resource=make_resource(org), name="Labels", start=dt.date(2026, 12, 1), minutes_saved_per_order=D("1")
    ),
}
