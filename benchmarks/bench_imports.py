"""Benchmarks of the order import and the KPI recompute (issue 5's targets).

Run from the repository root, no Django settings needed::

    python benchmarks/bench_imports.py [--repeat 3]

1. Import of 100,000 Shopify line items (79-column layout, continuation rows, multi-line
   notes), generated into a temporary directory: target under 20 s for the whole import.
2. Two years of daily KPIs for an organisation with 50,000 orders: building the daily
   actuals from the order lines, then computing every KPI per day, ISO week and month for
   the organisation, its campaigns and channels: target under 2 s.

Prints the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kpis.engine import CostProfile, compute_kpis, daily_actuals_from_orders  # noqa: E402
from sales.readers import OrderFile, read_shopify  # noqa: E402
from sales.readers.orders import orders_from_lines  # noqa: E402

SHOPIFY_COLUMNS = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
    "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,"
    "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,"
    "Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,"
    "Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,"
    "Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,"
    "Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,"
    "Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,"
    "Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,"
    "Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,"
    "Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,"
    "Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,"
    "Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
).split(",")


def shopify_export(line_items: int, seed: int = 5) -> pd.DataFrame:
    """A realistic Shopify export: 1–5 lines per order, order fields on the first line only."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 6, size=line_items)
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), line_items) + 1]
    sizes[-1] -= sizes.sum() - line_items
    orders = len(sizes)
    order_of_line = np.repeat(np.arange(orders), sizes)
    first = np.r_[True, order_of_line[1:] != order_of_line[:-1]]
    created = pd.Timestamp("2025-01-01") + pd.to_timedelta(
        np.sort(rng.integers(0, 365 * 24 * 3600, size=orders)), unit="s"
    )
    price = rng.choice([4.9, 9.9, 12.5, 19.9, 24.9, 39.0, 0.0], size=line_items)
    quantity = rng.integers(1, 4, size=line_items)
    subtotal = np.bincount(order_of_line, weights=price * quantity)
    customers = rng.integers(0, orders // 2, size=orders)
    frame = pd.DataFrame({name: "" for name in SHOPIFY_COLUMNS}, index=range(line_items))
    o = order_of_line
    frame["Name"] = [f"#{1000 + i}" for i in o]
    frame["Created at"] = (created[o].strftime("%Y-%m-%d %H:%M:%S") + " +0100").to_numpy()
    frame["Lineitem quantity"] = quantity.astype(str)
    frame["Lineitem name"] = [f"Candle {i % 300}" for i in rng.integers(0, 300, size=line_items)]
    frame["Lineitem sku"] = [f"SKU-{i:04d}" for i in rng.integers(0, 300, size=line_items)]
    frame["Lineitem price"] = np.char.mod("%.2f", price)
    frame["Lineitem discount"] = "0.00"
    frame["Vendor"] = "Atelier"
    order_fields = {
        "Email": np.char.add(np.char.add("customer", customers.astype(str)), "@example.fr"),
        "Financial Status": np.full(orders, "paid"),
        "Currency": np.full(orders, "EUR"),
        "Subtotal": np.char.mod("%.2f", subtotal),
        "Shipping": np.full(orders, "4.90"),
        "Total": np.char.mod("%.2f", subtotal + 4.9),
        "Discount Code": np.where(rng.random(orders) < 0.1, "NOEL20", ""),
        "Discount Amount": np.full(orders, "0.00"),
        "Refunded Amount": np.where(rng.random(orders) < 0.03, "12.50", "0.00"),
        "Cancelled at": np.where(rng.random(orders) < 0.01, "2025-12-31 10:00:00 +0100", ""),
        "Fulfilled at": (created + pd.Timedelta(hours=20)).strftime("%Y-%m-%d %H:%M:%S +0100"),
        "Source": np.full(orders, "web"),
        "Notes": np.where(
            rng.random(orders) < 0.05, "Gift wrap please\nLeave at the door, thanks", ""
        ),
        "Billing Name": np.full(orders, "Customer"),
        "Billing City": np.full(orders, "Lyon"),
    }
    for column, values in order_fields.items():
        frame.loc[first, column] = np.asarray(values)
    return frame


def daily_lines(orders: int, days: int = 730, seed: int = 7) -> pd.DataFrame:
    """Normalised order lines for an organisation: ``orders`` orders over ``days`` days."""
    rng = np.random.default_rng(seed)
    ordered_at = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        np.sort(rng.integers(0, days * 24 * 3600, size=orders)), unit="s"
    )
    lines_per_order = rng.integers(1, 4, size=orders)
    o = np.repeat(np.arange(orders), lines_per_order)
    n = len(o)
    price = rng.choice([9.9, 19.9, 29.9], size=n)
    quantity = rng.integers(1, 3, size=n).astype(float)
    code = rng.choice(["", "", "", "", "NOEL", "SOLDES", "BIENVENUE"], size=orders)
    total = np.bincount(o, weights=price * quantity) + 4.9
    return pd.DataFrame(
        {
            "order_id": np.char.add("#", o.astype(str)),
            "line_no": pd.Series(o).groupby(o).cumcount().to_numpy() + 1,
            "ordered_at": ordered_at[o],
            "quantity": quantity,
            "unit_price_incl_vat": price,
            "line_total_incl_vat": price * quantity,
            "is_adjustment": False,
            "discount_code": pd.Series(code[o]).replace("", np.nan),
            "discount_amount": 0.0,
            "shipping_incl_vat": 4.9,
            "order_total": total[o],
            "refunded_amount": np.where(rng.random(orders) < 0.04, 10.0, 0.0)[o],
            "customer_key": np.where(
                rng.random(orders) < 0.1,
                None,
                rng.integers(0, orders // 3, size=orders).astype(str),
            )[o],
            "cancelled": (rng.random(orders) < 0.01)[o],
            "currency": "EUR",
            "channel": rng.choice(["web", "shop", "market"], size=orders)[o],
            "shipped_at": (ordered_at + pd.Timedelta(hours=30))[o],
            "source_file": "bench",
        }
    )


def median_seconds(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--line-items", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=50_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "orders_export.csv"
        shopify_export(args.line_items).to_csv(path, index=False)
        size = path.stat().st_size
        content = path.read_bytes()
        seconds, result = median_seconds(
            lambda: read_shopify(OrderFile(path.name, content), salt="bench"), args.repeat
        )
    assert result.ok, result.errors[:5]
    print(
        f"Shopify import: {args.line_items:,} line items, {result.summary.orders:,} orders, "
        f"{size / 1e6:.1f} MB: median {seconds:.2f} s (target < 20 s)"
    )

    lines = daily_lines(args.orders)
    campaigns = {"NOEL": "christmas", "SOLDES": "sales", "BIENVENUE": "welcome"}
    seconds_daily, daily = median_seconds(
        lambda: daily_actuals_from_orders(orders_from_lines(lines), campaign_by_discount_code=campaigns), args.repeat
    )
    rng = np.random.default_rng(3)
    daily = daily.assign(
        ad_spend=rng.uniform(0, 40, len(daily)),
        support_contacts=rng.integers(0, 5, len(daily)),
        hours_worked=rng.uniform(1, 8, len(daily)),
    )
    costs = CostProfile(vat_rate=0.2, goods_cost_rate=0.35, cost_per_order=3.1, payment_fee_rate=0.014,
                        cost_per_return=6.0, cost_per_support_contact=4.0)  # fmt: skip
    seconds_kpis, kpis = median_seconds(lambda: compute_kpis(daily, costs), args.repeat)
    print(
        f"KPIs, 2 years, {len(orders_from_lines(lines)):,} orders: daily actuals "
        f"{len(daily):,} rows in {seconds_daily:.2f} s; {len(kpis):,} KPI values in "
        f"{seconds_kpis:.2f} s; total median {seconds_daily + seconds_kpis:.2f} s (target < 2 s)"
    )


if __name__ == "__main__":
    main()
