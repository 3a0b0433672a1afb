"""The promotion economics engine: pure numpy, no Django, no clock.

Every input may be a float or an array; all inputs broadcast together, so one call
evaluates one scenario or a whole sweep (rates × uplifts × …) without a Python loop.
The formulas are the contract of docs/economics.md § 1. Per order, with V = 1 + vat_rate
when prices include VAT, else 1:

    units_shipped = units × (buy + get) / buy               (buy 1, get 0 outside buy_x_get_y)
    unit_price'   = max(unit_price × (1 − rate) − amount, 0)  (percent_off / amount_off)
    goods_paid    = units × unit_price' + units × get / buy × unit_price × (1 − get_discount)
    paid_incl_vat = goods_paid + shipping_fee                 (fee 0 with free_shipping)
    revenue       = paid_incl_vat / V
    goods_cost    = units_shipped × unit_cost
    payment_fees  = payment_fee_rate × paid_incl_vat + payment_fee_fixed
    commission    = commission_rate × paid_incl_vat
    returns       = return_rate × (revenue + return_cost − return_recovery × goods_cost)
    support       = support_contacts × support_cost_per_contact
    margin        = revenue − every cost above − packaging_cost − shipping_cost
    margin_rate   = margin / revenue                          (NaN when revenue is 0)

Over the period, with B baseline orders: campaign orders B × (1 + uplift), campaign margin
B × (1 + uplift) × margin_campaign − fixed_costs, incremental = campaign − baseline,
break_even_uplift = (B × margin_base + fixed_costs) / (B × margin_campaign) − 1 (NaN when
margin_campaign ≤ 0 or B = 0), roi = incremental margin / fixed_costs (NaN when no fixed
costs), verdict profitable / never_breaks_even / loses_margin.

Uncertainty (``monte_carlo``): a triangular uplift (low, expected, high), seeded draws;
probability that the incremental margin is negative, P10/P50/P90. Sensitivity:
``uplift_curve`` and ``discount_curve`` with their break-even points.

Scope (``scoped_inputs`` / ``evaluate_scoped``): baseline orders split by the in-scope
share of units sold; mechanic, uplift and overrides apply to the in-scope orders only,
the rest keep their baseline economics and count (see ``campaigns.engine.scope``).

NaN is the engine's null: ``as_dict()`` turns it into None for a single scenario.
"""

from .campaign import (
    LOSES_MARGIN,
    NEVER_BREAKS_EVEN,
    PROFITABLE,
    CampaignInputs,
    Evaluation,
    Totals,
    campaign_margin,
    evaluate,
)
from .orders import (
    MECHANIC_PARAMETERS,
    MECHANIC_TYPES,
    PER_ORDER_KEYS,
    Mechanic,
    OrderInputs,
    PerOrder,
    per_order,
)
from .risk import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    Curve,
    Risk,
    discount_curve,
    monte_carlo,
    triangular,
    uplift_curve,
)
from .scope import ScopedOrders, evaluate_scoped, scoped_inputs

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "LOSES_MARGIN",
    "MECHANIC_PARAMETERS",
    "MECHANIC_TYPES",
    "NEVER_BREAKS_EVEN",
    "PER_ORDER_KEYS",
    "PROFITABLE",
    "CampaignInputs",
    "Curve",
    "Evaluation",
    "Mechanic",
    "OrderInputs",
    "PerOrder",
    "Risk",
    "ScopedOrders",
    "Totals",
    "campaign_margin",
    "discount_curve",
    "evaluate",
    "evaluate_scoped",
    "monte_carlo",
    "per_order",
    "scoped_inputs",
    "triangular",
    "uplift_curve",
]
