"""The unit prices an import charged: what the campaigns' price history is written from (the
reference price of a reduction is the lowest of the 30 days before it: Code de la
consommation, art. L112-1-1). Pure pandas."""

from __future__ import annotations

import datetime as dt

import pandas as pd


def lowest_unit_prices(orders: pd.DataFrame) -> list[tuple[str, dt.date, float]]:
    """(SKU, local day, lowest unit price incl. VAT) of the sales in ``orders`` (one row each,
    with the ``products`` column of :func:`sales.readers.orders_from_lines`: the line totals
    per product, so a line discount counts); cancelled and adjustment orders and returned units
    charge no price."""
    if orders.empty or "products" not in orders.columns:
        return []
    sale = ~orders["cancelled"].astype(bool) & ~orders["is_adjustment_order"].astype(bool)
    days = pd.to_datetime(orders["ordered_at"]).dt.date
    lowest: dict[tuple[str, dt.date], float] = {}
    for day, products in zip(days[sale], orders.loc[sale, "products"], strict=True):
        for product, units, amount in products:
            if not product or not (units > 0) or not (amount >= 0):  # NaN fails both
                continue
            key, price = (str(product), day), float(amount) / float(units)
            lowest[key] = min(price, lowest.get(key, price))
    return [(sku, day, price) for (sku, day), price in lowest.items()]
