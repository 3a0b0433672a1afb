"""Daily actuals from orders: the one shape of orders an import gives the KPI engine."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def daily_actuals_from_orders(
    orders: pd.DataFrame,
    *,
    campaign_by_discount_code: Mapping[str, str] | None = None,
    first_order_dates: Mapping[str, object] | pd.Series | None = None,
) -> pd.DataFrame:
    """Daily actuals (one row per day, campaign and channel) from orders.

    ``orders`` has one row per order in the shape of :func:`sales.readers.orders_from_lines`
    (the files just read) — the stored orders are read in the same shape
    (:func:`sales.selectors.orders_on_days`). An order's campaign is its ``campaign`` column
    when there is one (the link recorded at import), else ``campaign_by_discount_code``
    attributes it by its promo code (case-insensitive); without either, no campaign. ``first_order_dates`` (customer_key → date) is what the organisation
    already knows of its customers' first orders, so that an April import counts March's
    customers as returning; it may include the imported orders themselves.

    Besides the :data:`ACTUAL_COLUMNS` that orders can give, rows carry ``guest_orders``
    (orders without a customer id), ``cancelled_orders`` and ``adjustment_orders`` (orders
    made only of negative lines), which are counted but not in ``orders``. Such an order with
    a negative total (a credit note, a return ticket) adds its amount to ``refunds`` and
    counts as a returned order; with a positive total (a voided order) it brings no money.
    Spend, support contacts and hours worked are not in order files: they come from quick
    entry.
    """
    if orders.empty:
        return pd.DataFrame(columns=[*_DAILY_COLUMNS])
    orders = orders.copy()
    orders["date"] = pd.to_datetime(orders["ordered_at"]).dt.normalize()
    if "campaign" not in orders.columns:
        codes = {str(k).strip().casefold(): v for k, v in (campaign_by_discount_code or {}).items()}
        orders["campaign"] = orders["discount_code"].str.strip().str.casefold().map(codes)
    kind = np.select(
        [orders["cancelled"].to_numpy(), orders["is_adjustment_order"].to_numpy()],
        ["cancelled", "adjustment"],
        "sale",
    )
    sale = kind == "sale"
    sales = orders.loc[sale]

    first = sales.groupby("customer_key")["date"].min()
    if first_order_dates is not None:
        known = pd.to_datetime(pd.Series(first_order_dates, dtype=object)).dt.normalize()
        first = pd.concat([first, known]).groupby(level=0).min()
    first_date = pd.to_datetime(orders["customer_key"].map(first.to_dict()))  # a dict: an empty Series fails
    # A customer is new once: on their first order of the import, if no earlier order is known.
    rank = sales.sort_values(["ordered_at", "order_id"]).groupby("customer_key").cumcount()
    is_first_in_import = pd.Series(False, index=orders.index)
    is_first_in_import.loc[rank.index[rank.to_numpy() == 0]] = True
    orders["new"] = sale & is_first_in_import.to_numpy() & (first_date == orders["date"]).to_numpy()
    returning = sale & (first_date < orders["date"]).to_numpy()
    orders["returning_key"] = orders["customer_key"].where(returning)
    shipped = sale & orders["shipped_at"].notna().to_numpy()
    hours = (orders["shipped_at"] - orders["ordered_at"]).dt.total_seconds() / 3600

    money = orders[["units", "order_total", "discount_amount", "refunded_amount"]].fillna(0.0)
    # A cancelled or adjustment order with a negative total is money given back (a credit
    # note, a return ticket); one with a positive total was never paid. Neither is a sale.
    credit = ~sale & (money["order_total"] < 0).to_numpy()
    money.loc[~sale, ["units", "discount_amount", "refunded_amount"]] = 0.0
    money.loc[credit, "refunded_amount"] = -money.loc[credit, "order_total"]
    money.loc[~sale, "order_total"] = 0.0
    frame = pd.DataFrame(
        {
            "date": orders["date"],
            "campaign": orders["campaign"],
            "channel": orders["channel"],
            "orders": sale.astype(int),
            "units": money["units"],
            "paid_incl_vat": money["order_total"],
            "discounts": money["discount_amount"],
            "refunds": money["refunded_amount"],
            "returned_orders": (
                (sale & (orders["refunded_amount"].fillna(0) > 0).to_numpy()) | credit
            ).astype(int),
            "new_customers": orders["new"].astype(int),
            "returning_key": orders["returning_key"],
            "guest_orders": (sale & orders["customer_key"].isna().to_numpy()).astype(int),
            "cancelled_orders": (kind == "cancelled").astype(int),
            "adjustment_orders": (kind == "adjustment").astype(int),
            "orders_shipped": shipped.astype(int),
            "order_to_ship_hours": hours.where(shipped, 0.0).clip(lower=0.0),
        }
    )
    keys = ["date", "campaign", "channel"]
    grouped = frame.groupby(keys, dropna=False, sort=True)
    daily = grouped.sum(numeric_only=True)
    daily["returning_customers"] = grouped["returning_key"].nunique()
    daily = daily.reset_index()
    daily["date"] = daily["date"].dt.date
    return daily[list(_DAILY_COLUMNS)]


_DAILY_COLUMNS = (
    "date", "campaign", "channel", "orders", "units", "paid_incl_vat", "discounts", "refunds",
    "returned_orders", "new_customers", "returning_customers", "guest_orders",
    "cancelled_orders", "adjustment_orders", "orders_shipped", "order_to_ship_hours",
)  # fmt: skip
