"""What imported orders sold, per product: what margins rest on (joined with the catalogue at
each recompute, :func:`kpis.selectors.goods_cost_by_day`)."""

from __future__ import annotations

import pandas as pd

from plannerist.bulk import insert_rows
from plannerist.models import Organization
from sales.models import MONEY_QUANTUM, ImportBatch, ImportedLine
from sales.services.common import as_decimal, in_chunks


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
