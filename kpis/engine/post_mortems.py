"""A campaign's plan against what its days did."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

POST_MORTEM_MEASURES: tuple[str, ...] = ("orders", "revenue_excl_vat", "margin", "uplift", "capacity_utilisation")


def post_mortem(
    planned: Mapping[str, float], days: pd.DataFrame, *, baseline_orders: float
) -> pd.DataFrame:
    """What a campaign's plan promised against what its days did.

    ``planned``: the what-if's ``orders``, ``revenue_excl_vat``, ``margin`` (over the whole
    period), ``uplift`` and ``capacity_utilisation``. ``days``: one row per day of the period
    so far with ``orders``, ``revenue_excl_vat``, ``margin`` and ``capacity_orders``
    (NaN where unknown). Actual uplift is the orders against the baseline pro rata of the
    days elapsed; capacity used is orders over deliverable orders. Returns ``measure,
    planned, actual, gap`` (gap = actual − planned, NaN when either is unknown).
    """
    elapsed = len(days)
    share = elapsed / planned["days"] if planned.get("days") else 1.0
    orders = float(days["orders"].sum(min_count=1)) if elapsed else np.nan
    capacity = days["capacity_orders"].sum(min_count=1) if "capacity_orders" in days else np.nan
    actual = {
        "orders": orders,
        "revenue_excl_vat": float(days["revenue_excl_vat"].sum(min_count=1)) if elapsed else np.nan,
        "margin": float(days["margin"].sum(min_count=1)) if elapsed else np.nan,
        "uplift": orders / (baseline_orders * share) - 1.0 if baseline_orders > 0 and elapsed else np.nan,
        "capacity_utilisation": orders / capacity if capacity and capacity > 0 else np.nan,
    }
    pro_rata = {"orders", "revenue_excl_vat", "margin"}
    rows = []
    for measure in POST_MORTEM_MEASURES:
        plan = float(planned.get(measure, np.nan))
        if measure in pro_rata:
            plan *= share
        rows.append((measure, plan, actual[measure], actual[measure] - plan))
    return pd.DataFrame(rows, columns=["measure", "planned", "actual", "gap"])
