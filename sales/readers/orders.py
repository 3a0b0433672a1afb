"""One row per order from an import's lines: the shape of orders the services write and the
engines read, with the products each order sold."""

from __future__ import annotations

import pandas as pd

from sales.readers.schema import ORDER_FIELDS


def orders_from_lines(lines: pd.DataFrame, *, with_products: bool = True) -> pd.DataFrame:
    """One row per order: its earliest line time, line and unit counts, goods total and order fields.

    ``is_adjustment_order`` marks a non-cancelled order made only of negative lines (a stock
    write-off or a return booked on its own): neither a sale nor a cancellation.
    ``products`` holds the order's :func:`products_by_order` (empty without ``with_products``:
    the summary counts orders, it needs no products).
    """
    if lines.empty:
        columns = ["order_id", "ordered_at", "lines", "units", "goods_incl_vat", *ORDER_FIELDS]
        return pd.DataFrame(columns=[*columns, "is_adjustment_order", "source_file", "products"])
    aggregations = {
        "ordered_at": ("ordered_at", "min"),
        "lines": ("order_id", "size"),
        "units": ("quantity", "sum"),
        "goods_incl_vat": ("line_total_incl_vat", "sum"),
        **{field: (field, "first") for field in ORDER_FIELDS},
        "is_adjustment_order": ("is_adjustment", "all"),
        "source_file": ("source_file", "first"),
    }
    orders = lines.groupby("order_id", sort=False).agg(**aggregations).reset_index()
    orders["cancelled"] = orders["cancelled"].astype(bool)
    orders["is_adjustment_order"] = orders["is_adjustment_order"].astype(bool)
    products = products_by_order(lines) if with_products else {}
    orders["products"] = [products.get(order_id, ()) for order_id in orders["order_id"]]
    return orders


PRODUCT_KEY_LENGTH = 64


def products_by_order(lines: pd.DataFrame) -> dict[str, tuple[tuple[str, float, float], ...]]:
    """Order id → ``(product, units, amount incl. VAT)`` per product of the order, the product
    being the line's SKU, or its name when the file has none (what margins rest on)."""
    if lines.empty or ("sku" not in lines.columns and "product_name" not in lines.columns):
        return {}  # lines rebuilt from stored orders: their products are in ImportedLine
    blank = pd.Series(pd.NA, index=lines.index, dtype="string")
    sku = lines["sku"].astype("string").str.strip() if "sku" in lines.columns else blank
    name = lines["product_name"].astype("string").str.strip() if "product_name" in lines.columns else blank
    product = sku.where(sku.notna() & (sku != ""), name).fillna("").str.slice(0, PRODUCT_KEY_LENGTH)
    amount = lines["line_total_incl_vat"].where(
        lines["line_total_incl_vat"].notna(), lines["unit_price_incl_vat"] * lines["quantity"]
    )
    frame = pd.DataFrame({"order_id": lines["order_id"].to_numpy(), "product": product.to_numpy(dtype=object),
                          "units": lines["quantity"].to_numpy(), "amount": amount.to_numpy()})
    grouped = frame.groupby(["order_id", "product"], sort=False)[["units", "amount"]].sum(min_count=1).reset_index()
    found: dict[str, list] = {}
    # Plain lists, not the MultiIndex: iterating one builds a tuple object per key (6 s a year).
    for order_id, key, units, total in zip(
        grouped["order_id"].tolist(), grouped["product"].tolist(), grouped["units"].fillna(0.0).tolist(),
        grouped["amount"].fillna(0.0).tolist(), strict=True,
    ):
        found.setdefault(order_id, []).append((key, units, total))
    return {order_id: tuple(items) for order_id, items in found.items()}
