"""Customer cohorts by first-order month and how many come back."""

from __future__ import annotations

import pandas as pd


def cohort_retention(orders: pd.DataFrame) -> pd.DataFrame:
    """Cohort retention by first-order month.

    ``orders`` needs ``customer_key`` and ``ordered_at`` (order lines work too); cancelled
    orders (``cancelled``) and stock adjustments (``is_adjustment_order``) are left out when
    those columns exist, guests always. Returns ``cohort_month`` (first day), ``months_since_first``
    (0 = the cohort's month, up to the data's last month), ``cohort_customers``,
    ``active_customers`` (cohort customers who ordered in that month) and ``retention``.
    """
    keep = orders["customer_key"].notna()
    for flag in ("cancelled", "is_adjustment_order"):
        if flag in orders.columns:
            keep &= ~orders[flag].astype(bool)
    kept = orders.loc[keep, ["customer_key", "ordered_at"]]
    columns = [
        "cohort_month",
        "months_since_first",
        "cohort_customers",
        "active_customers",
        "retention",
    ]
    if kept.empty:
        return pd.DataFrame(columns=columns)
    stamp = pd.to_datetime(kept["ordered_at"])
    month = (stamp.dt.year * 12 + stamp.dt.month - 1).to_numpy()
    active = pd.DataFrame(
        {"customer": kept["customer_key"].to_numpy(), "month": month}
    ).drop_duplicates()
    active["cohort"] = active.groupby("customer")["month"].transform("min")
    active["offset"] = active["month"] - active["cohort"]
    counts = active.groupby(["cohort", "offset"]).size()
    sizes = counts.xs(0, level="offset")
    last = int(month.max())
    grid = pd.MultiIndex.from_tuples(
        [(c, k) for c in sizes.index for k in range(last - c + 1)], names=["cohort", "offset"]
    )
    table = counts.reindex(grid, fill_value=0).rename("active_customers").reset_index()
    table["cohort_customers"] = table["cohort"].map(sizes)
    table["retention"] = table["active_customers"] / table["cohort_customers"]
    table["cohort_month"] = pd.to_datetime(
        {"year": table["cohort"] // 12, "month": table["cohort"] % 12 + 1, "day": 1}
    ).dt.date
    table = table.rename(columns={"offset": "months_since_first"})
    return table[columns]
