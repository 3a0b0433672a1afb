"""What imported orders sold, per product, and the products missing from the catalogue added
with their costs: what a margin rests on (issue 12 item 7)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd
from django.db import transaction

from campaigns.models import Product
from kpis.services.common import as_decimal, in_chunks
from kpis.services.recompute import recompute_request
from plannerist.bulk import insert_rows
from plannerist.models import Organization
from sales.models import MONEY_QUANTUM, ImportBatch, ImportedLine


def imported_lines_replace(*, organization: Organization, orders: pd.DataFrame, batch: ImportBatch) -> int:
    """The products sold by ``orders`` (one row each, with the ``products`` column of
    :func:`sales.readers.orders_from_lines`) replace what earlier imports recorded for the
    same order ids; returns the number of lines written. Runs inside the import's transaction."""
    if orders.empty or "products" not in orders.columns:
        return 0
    order_ids = [str(order_id) for order_id in orders["order_id"]]
    for chunk in in_chunks(order_ids):
        ImportedLine.objects.filter(organization=organization, order_id__in=chunk).delete()
    days = pd.to_datetime(orders["ordered_at"]).dt.date.tolist()
    sale = (~orders["cancelled"].astype(bool) & ~orders["is_adjustment_order"].astype(bool)).tolist()
    rows = (
        [organization.id, batch.pk, order_id, day, product, as_decimal(units, "0.001"), as_decimal(amount, MONEY_QUANTUM), is_sale]
        for order_id, day, is_sale, products in zip(order_ids, days, sale, orders["products"], strict=True)
        for product, units, amount in products
    )
    return insert_rows(
        ImportedLine,
        ["organization_id", "batch_id", "order_id", "date", "product", "units", "amount_incl_vat", "sale"],
        rows,
    )


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
