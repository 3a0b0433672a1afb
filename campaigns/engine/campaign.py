"""A campaign over its period: totals against the baseline, break-even uplift, verdict."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from .orders import (
    PER_ORDER_KEYS,
    ArrayLike,
    FloatArray,
    Mechanic,
    OrderInputs,
    PerOrder,
    as_float,
    json_number,
    per_order,
)

PROFITABLE = "profitable"
LOSES_MARGIN = "loses_margin"
NEVER_BREAKS_EVEN = "never_breaks_even"


@dataclass(frozen=True)
class CampaignInputs:
    """The campaign: its mechanic, expected uplift of orders, fixed costs and overrides.

    ``return_rate`` / ``support_contacts`` replace the order's values during the campaign
    when not None. ``fixed_costs`` (ad spend, creative, setup) are excl. VAT.
    """

    mechanic: Mechanic = field(default_factory=Mechanic)
    uplift: ArrayLike = 0.0
    fixed_costs: ArrayLike = 0.0
    return_rate: ArrayLike | None = None
    support_contacts: ArrayLike | None = None

    def order_during(self, order: OrderInputs) -> OrderInputs:
        """The order as it is during the campaign (overrides applied)."""
        overrides = {
            name: value
            for name, value in (
                ("return_rate", self.return_rate),
                ("support_contacts", self.support_contacts),
            )
            if value is not None
        }
        return replace(order, **overrides) if overrides else order


@dataclass(frozen=True)
class Totals:
    """Orders, revenue (excl. VAT) and margin over the campaign period."""

    orders: FloatArray
    revenue: FloatArray
    margin: FloatArray

    def as_dict(self) -> dict[str, float | None]:
        return {
            "orders": json_number(self.orders),
            "revenue": json_number(self.revenue),
            "margin": json_number(self.margin),
        }


@dataclass(frozen=True)
class Evaluation:
    """Everything the contract reports, as arrays of the scenario's (broadcast) shape.

    ``break_even_uplift`` and ``roi`` are NaN where the contract says null.
    """

    per_order_baseline: PerOrder
    per_order_campaign: PerOrder
    baseline: Totals
    campaign: Totals
    incremental: Totals
    break_even_uplift: FloatArray
    roi: FloatArray
    verdict: npt.NDArray[np.str_]

    @property
    def shape(self) -> tuple[int, ...]:
        return self.incremental.margin.shape

    def as_dict(self) -> dict[str, Any]:
        """The contract's output document for a single scenario (None for nulls)."""
        return {
            "per_order": {
                "baseline": self.per_order_baseline.as_dict(),
                "campaign": self.per_order_campaign.as_dict(),
            },
            "totals": {"baseline": self.baseline.as_dict(), "campaign": self.campaign.as_dict()},
            "incremental": self.incremental.as_dict(),
            "break_even_uplift": json_number(self.break_even_uplift),
            "roi": json_number(self.roi),
            "verdict": str(self.verdict),
        }


def campaign_margin(
    baseline_orders: ArrayLike,
    uplift: ArrayLike,
    margin_per_order: ArrayLike,
    fixed_costs: ArrayLike,
) -> FloatArray:
    """B × (1 + uplift) × margin_campaign − fixed_costs (shared with the Monte Carlo)."""
    orders = as_float(baseline_orders) * (1.0 + as_float(uplift))
    return orders * as_float(margin_per_order) - as_float(fixed_costs)


def evaluate(
    order: OrderInputs, baseline_orders: ArrayLike, campaign: CampaignInputs
) -> Evaluation:
    """Evaluate one scenario, or a whole array of variants in one call (inputs broadcast)."""
    orders = as_float(baseline_orders)
    base = per_order(order)
    during = per_order(campaign.order_during(order), campaign.mechanic)
    uplift, fixed_costs = as_float(campaign.uplift), as_float(campaign.fixed_costs)
    campaign_orders = orders * (1.0 + uplift)
    baseline_margin = orders * base.margin
    margin = campaign_margin(orders, uplift, during.margin, fixed_costs)
    baseline_revenue = orders * base.revenue
    revenue = campaign_orders * during.revenue
    incremental_margin = margin - baseline_margin

    # No uplift can pay anything when a campaign order earns nothing, or when there are no
    # baseline orders to lift: the contract's null (NaN here).
    lifts = (during.margin > 0.0) & (orders > 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        break_even = np.where(
            lifts, (baseline_margin + fixed_costs) / (orders * during.margin) - 1.0, np.nan
        )
        roi = np.where(fixed_costs != 0.0, incremental_margin / fixed_costs, np.nan)
    verdict = np.where(
        incremental_margin > 0.0,
        PROFITABLE,
        np.where(during.margin <= 0.0, NEVER_BREAKS_EVEN, LOSES_MARGIN),
    )

    shape = np.broadcast_shapes(
        orders.shape, uplift.shape, fixed_costs.shape, base.shape, during.shape
    )

    def full(value: FloatArray) -> FloatArray:
        return np.broadcast_to(value, shape)

    def per_order_full(value: PerOrder) -> PerOrder:
        return PerOrder(**{key: full(getattr(value, key)) for key in PER_ORDER_KEYS})

    return Evaluation(
        per_order_baseline=per_order_full(base),
        per_order_campaign=per_order_full(during),
        baseline=Totals(full(orders), full(baseline_revenue), full(baseline_margin)),
        campaign=Totals(full(campaign_orders), full(revenue), full(margin)),
        incremental=Totals(
            full(campaign_orders - orders),
            full(revenue - baseline_revenue),
            full(incremental_margin),
        ),
        break_even_uplift=full(break_even),
        roi=full(roi),
        verdict=full(verdict),
    )
