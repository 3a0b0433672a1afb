"""A plan's economics from values: margin, risk and the two sensitivity curves, the scenario
table's rows and its best row. Pure (numpy, pandas), no Django: :mod:`campaigns.selectors`
reads the catalogue, the cost profile and the baseline, and calls :func:`evaluate_plan`."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from campaigns.engine.campaign import CampaignInputs, Evaluation
from campaigns.engine.orders import Mechanic, OrderInputs, json_number
from campaigns.engine.risk import Curve, Risk, discount_curve, monte_carlo, uplift_curve
from campaigns.engine.scope import ScopedOrders, evaluate_scoped, scoped_inputs

UPLIFT_GRID = np.linspace(-0.2, 3.0, 65)
DEPTH_GRIDS = {
    "rate": np.linspace(0.0, 0.6, 61),
    "get_discount": np.linspace(0.0, 1.0, 51),
}


@dataclass(frozen=True)
class Baseline:
    orders: float
    source: str  # "typed", "forecast", "forecast_partial", "actuals" or "missing"


@dataclass(frozen=True)
class CampaignEconomics:
    evaluation: Evaluation
    risk: Risk
    uplift_curve: Curve
    discount_curve: Curve
    baseline: Baseline
    in_scope_share: float
    products_in_scope: int
    planned_depth: float  # the plan's value of the discount curve's parameter
    # The share of the price the plan takes off, as the promotion memory bands it
    # (docs/forecasting.md § 3): a percentage off's rate, an amount off over the in-scope
    # average unit price (None when no product in scope has a price); None for other mechanics.
    depth_share: float | None = None

    @property
    def uncertain(self) -> bool:
        return float(np.ptp(self.risk.incremental_margin)) > 0.0


def scoped_orders(order: OrderInputs, *, catalogue: pd.DataFrame, in_scope: np.ndarray, whole_catalogue: bool) -> ScopedOrders:
    """The average order in and out of the promotion's scope (the whole order when it covers
    the catalogue; nothing in scope when no product in it sells)."""
    if whole_catalogue:
        return ScopedOrders(in_scope=order, out_of_scope=None, in_scope_share=1.0)
    if catalogue["weight"].to_numpy()[in_scope].sum() > 0:
        return scoped_inputs(catalogue.assign(in_scope=in_scope), order)
    return ScopedOrders(in_scope=order, out_of_scope=order, in_scope_share=0.0)


def evaluate_at_pace(
    scoped: ScopedOrders, inputs: CampaignInputs, baseline_orders: float, shop_uplifts: np.ndarray
) -> Evaluation:
    """The campaign's totals if the shop's orders over its period end ``shop_uplifts`` above
    the counterfactual ``baseline_orders`` (vectorised over the uplifts). The shop's uplift is
    carried by the orders in scope alone (those out of scope assumed unchanged): their uplift is
    the shop's divided by the in-scope share; with nothing in scope the campaign only costs."""
    share = scoped.in_scope_share
    uplifts = np.asarray(shop_uplifts, dtype="float64")
    in_scope = uplifts / share if share > 0 else np.zeros_like(uplifts)
    return evaluate_scoped(scoped, baseline_orders, replace(inputs, uplift=in_scope))


def evaluate_plan(
    order: OrderInputs,
    inputs: CampaignInputs,
    baseline: Baseline,
    *,
    catalogue: pd.DataFrame,
    in_scope: np.ndarray,
    whole_catalogue: bool,
    uplift_low: float,
    uplift_high: float,
) -> CampaignEconomics:
    """Evaluate one plan: ``order`` is the catalogue's average order on the channel,
    ``in_scope`` the catalogue rows the promotion covers (all of them when ``whole_catalogue``)."""
    orders = baseline.orders
    scoped = scoped_orders(order, catalogue=catalogue, in_scope=in_scope, whole_catalogue=whole_catalogue)
    evaluation = evaluate_scoped(scoped, orders, inputs)
    share, in_scope_order = scoped.in_scope_share, scoped.in_scope
    in_scope_orders = orders * share
    risk = monte_carlo(in_scope_order, in_scope_orders, inputs, uplift_low=uplift_low, uplift_high=uplift_high)
    mechanic = inputs.mechanic.with_depth(0.0)
    depths = DEPTH_GRIDS.get(mechanic.depth_parameter)
    if depths is None:  # amount off: up to the average unit price
        depths = np.linspace(0.0, max(float(in_scope_order.unit_price), 1.0), 61)
    return CampaignEconomics(
        evaluation=evaluation,
        risk=risk,
        uplift_curve=uplift_curve(in_scope_order, in_scope_orders, inputs, UPLIFT_GRID),
        discount_curve=discount_curve(in_scope_order, in_scope_orders, inputs, depths),
        baseline=baseline,
        in_scope_share=share,
        products_in_scope=int(in_scope.sum()),
        planned_depth=float(getattr(inputs.mechanic, mechanic.depth_parameter))
        if inputs.mechanic.type == mechanic.type else 0.0,
        depth_share=depth_share(inputs.mechanic, float(in_scope_order.unit_price)),
    )


def depth_share(mechanic: Mechanic, unit_price: float) -> float | None:
    """The share of the price ``mechanic`` takes off at ``unit_price`` (incl. VAT, as the amount
    off is typed): a percentage off's rate; an amount off over the price, at most 1 (None
    without a price); None for the mechanics the memory pools without a depth."""
    if mechanic.type == "percent_off":
        return float(mechanic.rate)
    if mechanic.type == "amount_off":
        return min(float(mechanic.amount) / unit_price, 1.0) if unit_price > 0 else None
    return None


def summary_row(name: str, economics: CampaignEconomics, **extra) -> dict:
    """One row of the campaign list or the scenario table."""
    ev = economics.evaluation
    return {
        "name": name,
        "margin_per_order": float(ev.per_order_campaign.margin),
        "orders": float(ev.campaign.orders),
        "revenue": float(ev.campaign.revenue),
        "incremental_margin": float(ev.incremental.margin),
        "break_even_uplift": json_number(ev.break_even_uplift),
        "roi": json_number(ev.roi),
        "verdict": str(ev.verdict),
        "probability_of_loss": float(economics.risk.probability_of_loss),
        **extra,
    }


def best_row(rows: list[dict]) -> int | None:
    """The row with the highest margin after delivery (the incremental margin where that cost
    is unknown), only when it earns money: no variant that loses money is ever "best"."""
    def earned(row: dict) -> float:
        after = row["margin_after_delivery"]
        return row["incremental_margin"] if after is None else after

    if not rows:
        return None
    best = max(range(len(rows)), key=lambda i: earned(rows[i]))
    return best if earned(rows[best]) > 0 else None


def margin_net_of_dip(evaluation, dip_share: float) -> float:
    """The incremental margin less the orders given back after the campaign (``dip_share`` of
    its incremental orders), each a full-price order's margin that the baseline would have made."""
    given_back = dip_share * float(evaluation.incremental.orders)
    return float(evaluation.incremental.margin) - given_back * float(evaluation.per_order_baseline.margin)
