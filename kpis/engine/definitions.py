"""What the KPI engine reads and gives: the daily actuals' columns, the periods and scopes,
the organisation's costs, and the KPIs' definitions (labels, formulas, direction, owner)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Literal

import numpy as np

ACTUAL_COLUMNS: Mapping[str, str] = {
    "date": "the day",
    "campaign": "campaign the row is attributed to (its id or slug); null for no campaign",
    "channel": "sales channel; null when unknown",
    "orders": "orders placed that day, cancelled orders and stock adjustments excluded",
    "units": "units in those orders (net of returned lines)",
    "paid_incl_vat": "what customers paid for those orders incl. VAT: after discounts, shipping included",
    "discounts": "discounts granted on those orders, incl. VAT",
    "refunds": "amount refunded on those orders incl. VAT (booked on the order's day)",
    "returned_orders": "orders among them with a refund or return",
    "new_customers": "customers whose first order ever is in this row (each customer counts once, ever)",
    "returning_customers": "distinct customers in this row who had ordered on an earlier day",
    "ad_spend": "marketing spend excl. VAT",
    "support_contacts": "customer-service contacts handled",
    "hours_worked": "hours worked by the team",
    "orders_shipped": "orders whose order-to-ship time is counted in order_to_ship_hours",
    "order_to_ship_hours": "hours from order to shipment, summed over orders_shipped",
    "goods_cost": "optional: cost of goods sold excl. VAT, when the catalogue knows it",
    "cost_coverage": "optional: share (0–1) of the row's revenue whose goods' cost is known (from its "
                     "order lines); missing: 1 where goods_cost is set, else CostProfile.goods_cost_known",
    "capacity_orders": "optional: orders the team could deliver that day (the capacity engine's bottleneck)",
    "stock_units": "optional: units in stock at the end of the day (a level, not summed)",
}

PeriodKind = Literal["day", "week", "month", "quarter"]
PERIODS: tuple[PeriodKind, ...] = ("day", "week", "month", "quarter")
ScopeKind = Literal["organisation", "campaign", "channel"]


@dataclasses.dataclass(frozen=True)
class CostProfile:
    """An organisation's costs, all excl. VAT except where a rate applies to an incl.-VAT amount.

    ``goods_cost_rate``: cost of goods as a share of revenue excl. VAT (used where the actuals
    have no ``goods_cost``). ``cost_per_order``: picking, packing, shipping label, fixed
    payment fee. ``payment_fee_rate``: share of the amount paid incl. VAT. ``cost_per_return``:
    handling and return shipping of one returned order. ``cost_per_support_contact``.
    """

    vat_rate: float = 0.20
    goods_cost_rate: float = 0.0
    cost_per_order: float = 0.0
    payment_fee_rate: float = 0.0
    cost_per_return: float = 0.0
    cost_per_support_contact: float = 0.0
    # Whether goods_cost_rate rests on costs someone entered; None: when the rate is above 0.
    # A rate of 0 because no product has a cost is no cost of goods: margins resting on it
    # are unknown (their cost_coverage is 0).
    goods_cost_known: bool | None = None

    def __post_init__(self) -> None:
        if self.goods_cost_known is None:
            object.__setattr__(self, "goods_cost_known", self.goods_cost_rate > 0)
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool):
                continue
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"{field.name} must be a finite number ≥ 0, got {value!r}")


@dataclasses.dataclass(frozen=True)
class KpiDefinition:
    key: str
    label_en: str
    label_fr: str
    formula: str
    unit: Literal["currency", "share", "count", "hours", "per_hour", "multiple", "days"]
    direction: Literal["higher", "lower"]
    owner: Literal["marketing", "operations", "shared"]


KPI_DEFINITIONS: tuple[KpiDefinition, ...] = (
    KpiDefinition("orders", "Orders", "Commandes",
                  "Orders placed, cancelled orders and stock adjustments excluded.",
                  "count", "higher", "shared"),
    KpiDefinition("revenue_excl_vat", "Revenue (excl. VAT)", "Chiffre d'affaires HT",
                  "(Amount paid incl. VAT − refunds) ÷ (1 + VAT rate).",
                  "currency", "higher", "marketing"),
    KpiDefinition("cost_coverage", "Revenue with known goods cost", "CA dont le coût d'achat est connu",
                  "Revenue excl. VAT of the products whose unit cost is known ÷ revenue excl. VAT. "
                  "Below 95 % the margins are unknown.",
                  "share", "higher", "operations"),
    KpiDefinition("margin", "Margin per operation", "Marge par opération",
                  "Revenue excl. VAT − cost of goods − per-order costs × orders − payment fees "
                  "− return costs × returned orders − support costs − marketing spend.",
                  "currency", "higher", "shared"),
    KpiDefinition("margin_per_order", "Margin per order", "Marge par commande",
                  "Margin ÷ orders.", "currency", "higher", "shared"),
    KpiDefinition("margin_rate", "Margin rate", "Taux de marge",
                  "Margin ÷ revenue excl. VAT.", "share", "higher", "operations"),
    KpiDefinition("cac", "Customer acquisition cost", "Coût d'acquisition client",
                  "Marketing spend excl. VAT ÷ new customers.", "currency", "lower", "marketing"),
    KpiDefinition("repeat_purchase_rate", "Repeat-purchase rate", "Taux de réachat",
                  "Returning customers ÷ (new + returning customers), identified customers only.",
                  "share", "higher", "marketing"),
    KpiDefinition("roas", "Return on ad spend", "ROAS",
                  "Revenue excl. VAT ÷ marketing spend excl. VAT.", "multiple", "higher", "marketing"),
    KpiDefinition("return_rate", "Return rate", "Taux de retour",
                  "Returned or refunded orders ÷ orders.", "share", "lower", "operations"),
    KpiDefinition("support_cost_per_order", "Support cost per order", "Coût du support par commande",
                  "Support contacts × cost per contact ÷ orders.", "currency", "lower", "operations"),
    KpiDefinition("order_to_ship_hours", "Processing speed (order to shipment)",
                  "Vitesse de traitement (commande → expédition)",
                  "Hours from order to shipment summed over shipped orders ÷ shipped orders.",
                  "hours", "lower", "operations"),
    KpiDefinition("orders_per_hour_worked", "Orders per hour worked", "Commandes par heure travaillée",
                  "Orders ÷ hours worked.", "per_hour", "higher", "operations"),
    KpiDefinition("capacity_utilisation", "Volume against deliverable capacity",
                  "Volume face à la capacité livrable",
                  "Orders ÷ orders the team could deliver with its planned hours (the capacity "
                  "engine's bottleneck resource, day by day).", "share", "lower", "shared"),
    KpiDefinition("stock_cover_days", "Stock cover", "Couverture de stock",
                  "Units in stock at the end of the period ÷ units sold per day in the period.",
                  "days", "higher", "operations"),
)  # fmt: skip

KPI_KEYS: tuple[str, ...] = tuple(d.key for d in KPI_DEFINITIONS)

# Below this share of revenue with a known goods cost, a margin would claim more than the
# data holds: margin, margin per order and margin rate are unknown (NaN).
MIN_COST_COVERAGE = 0.95
MARGIN_KPIS: tuple[str, ...] = ("margin", "margin_per_order", "margin_rate")

# KPIs that add up over time: their targets are weekly and scale with the period's length.
ADDITIVE_KPIS: frozenset[str] = frozenset({"orders", "revenue_excl_vat", "margin"})

# The article's three pairs: where the marketing side and the operations side meet.
KPI_PAIRS: tuple[tuple[str, str], ...] = (
    ("revenue_excl_vat", "margin"),
    ("repeat_purchase_rate", "cac"),
    ("orders", "capacity_utilisation"),
)
