"""The products missing from the catalogue added with their costs: what a margin rests on
(issue 12 item 7). What imported orders sold per product is :mod:`sales.services.lines`."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from campaigns.models import Product
from kpis.services.recompute import recompute_request
from plannerist.models import Organization


@dataclasses.dataclass(frozen=True)
class NewProduct:
    sku: str
    name: str
    price: Decimal  # incl. VAT
    unit_cost: Decimal  # excl. VAT


@transaction.atomic
def missing_products_add(*, organization: Organization, products: Sequence[NewProduct]) -> list[Product]:
    """Add products sold but missing from the catalogue, all or none; a SKU already in the
    catalogue is refused (ValueError naming it) and nothing is added."""
    skus = [p.sku for p in products]
    taken = set(Product.objects.filter(organization=organization, sku__in=skus).values_list("sku", flat=True))
    if taken:
        raise ValueError(f"already in the catalogue: {', '.join(sorted(taken))}")
    created = Product.objects.bulk_create(
        Product(organization=organization, sku=p.sku, name=p.name, price=p.price, unit_cost=p.unit_cost,
                vat_rate=organization.vat_rate, active=True)
        for p in products
    )
    recompute_request(organization=organization)
    return created
