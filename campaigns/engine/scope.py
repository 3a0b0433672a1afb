"""Campaigns limited to part of the catalogue (categories or chosen products).

Semantics (the assumptions a user should know):

* An order holds products from one side only, in scope or not, with the profile's
  average units either way; so the in-scope share of baseline orders is the in-scope share
  of units sold (``weight``, normalised).
* The mechanic, the uplift and the campaign's overrides apply to the in-scope orders only;
  the out-of-scope orders keep the baseline economics and their baseline count (no halo,
  no cannibalisation). Fixed costs are charged once, on the campaign.
* Each side's order is the cost profile with the unit price and unit cost replaced by the
  units-weighted averages of its products.

Hence incremental figures, the break-even uplift (of in-scope orders), the ROI and the
verdict are those of the in-scope part alone; the totals add the unchanged rest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .campaign import CampaignInputs, Evaluation, Totals, evaluate
from .orders import ArrayLike, OrderInputs, as_float, per_order

# In the order of preference: ``price_incl_vat`` is converted when the profile's prices
# exclude VAT; ``unit_price`` and ``price`` are taken in the profile's convention.
PRICE_COLUMNS = ("unit_price", "price_incl_vat", "price")


@dataclass(frozen=True)
class ScopedOrders:
    """The order in scope, the order out of scope (None if none) and the in-scope share."""

    in_scope: OrderInputs
    out_of_scope: OrderInputs | None
    in_scope_share: float


def scoped_inputs(products: pd.DataFrame, profile: OrderInputs) -> ScopedOrders:
    """Split the sales mix into the campaign's scope and the rest.

    ``products`` has a price column (see ``PRICE_COLUMNS``), ``unit_cost``, ``weight``
    (share of units sold; any non-negative scale) and ``in_scope`` (bool). ``profile``
    gives everything else about an order (units, shipping, fees, returns, VAT…).
    """
    missing = {"unit_cost", "weight", "in_scope"} - set(products.columns)
    price_column = next((name for name in PRICE_COLUMNS if name in products.columns), None)
    if missing or price_column is None:
        needed = sorted(missing | ({"unit_price"} if price_column is None else set()))
        raise ValueError(f"products lack the column(s) {', '.join(needed)}")
    prices = products[price_column].to_numpy(dtype=np.float64)
    if price_column == "price_incl_vat":
        includes = np.asarray(profile.prices_include_vat, dtype=bool)
        prices = np.where(includes, prices, prices / (1.0 + as_float(profile.vat_rate)))
    costs = products["unit_cost"].to_numpy(dtype=np.float64)
    weights = products["weight"].to_numpy(dtype=np.float64)
    chosen = products["in_scope"].to_numpy(dtype=bool)
    if not np.all(np.isfinite(weights) & (weights >= 0.0)):
        raise ValueError("weights must be finite and non-negative")

    sold_in_scope = weights[chosen].sum()
    sold_elsewhere = weights[~chosen].sum()
    if sold_in_scope <= 0.0:
        raise ValueError("nothing in scope has any sales: the campaign would change nothing")

    def mix(mask: np.ndarray, sold: float) -> OrderInputs:
        share = weights[mask] / sold
        return replace(
            profile,
            unit_price=float(share @ prices[mask]),
            unit_cost=float(share @ costs[mask]),
        )

    return ScopedOrders(
        in_scope=mix(chosen, sold_in_scope),
        out_of_scope=mix(~chosen, sold_elsewhere) if sold_elsewhere > 0.0 else None,
        in_scope_share=float(sold_in_scope / (sold_in_scope + sold_elsewhere)),
    )


def evaluate_scoped(
    scoped: ScopedOrders, baseline_orders: ArrayLike, campaign: CampaignInputs
) -> Evaluation:
    """Evaluate a scoped campaign; per-order figures are those of an in-scope order."""
    orders = as_float(baseline_orders)
    inner = evaluate(scoped.in_scope, orders * scoped.in_scope_share, campaign)
    if scoped.out_of_scope is None:
        return inner
    rest = per_order(scoped.out_of_scope)
    rest_orders = orders * (1.0 - scoped.in_scope_share)
    unchanged = Totals(rest_orders, rest_orders * rest.revenue, rest_orders * rest.margin)

    def plus(totals: Totals) -> Totals:
        return Totals(
            totals.orders + unchanged.orders,
            totals.revenue + unchanged.revenue,
            totals.margin + unchanged.margin,
        )

    return replace(inner, baseline=plus(inner.baseline), campaign=plus(inner.campaign))
