"""Input documents of the ``simulate`` contract, shared by the contract and command tests."""

from __future__ import annotations

import copy
from typing import Any

EXAMPLE: dict[str, Any] = {
    "vat_rate": 0.20,
    "prices_include_vat": True,
    "order": {
        "units": 1.5,
        "unit_price": 30.0,
        "unit_cost": 9.0,
        "shipping_fee": 4.90,
        "packaging_cost": 0.80,
        "shipping_cost": 6.50,
        "payment_fee_rate": 0.014,
        "payment_fee_fixed": 0.25,
        "commission_rate": 0.0,
        "return_rate": 0.05,
        "return_cost": 8.0,
        "return_recovery": 0.8,
        "support_contacts": 0.10,
        "support_cost_per_contact": 3.50,
    },
    "baseline": {"orders": 300},
    "campaign": {
        "mechanic": {"type": "percent_off", "rate": 0.20},
        "uplift": 0.5,
        "fixed_costs": 1000.0,
        "return_rate": None,
        "support_contacts": None,
    },
}
PER_ORDER_KEYS = {
    "units_shipped",
    "paid_incl_vat",
    "revenue",
    "goods_cost",
    "packaging_cost",
    "shipping_cost",
    "payment_fees",
    "commission",
    "returns",
    "support",
    "margin",
    "margin_rate",
}


DELETE = object()


def document(**changes: Any) -> dict[str, Any]:
    """The worked example with ``changes`` applied; a dotted key reaches inside, DELETE drops."""
    result = copy.deepcopy(EXAMPLE)
    for dotted, value in changes.items():
        *parents, key = dotted.split("__")
        target = result
        for parent in parents:
            target = target[parent]
        if value is DELETE:
            del target[key]
        else:
            target[key] = value
    return result


BAD_DOCUMENTS = [
    # (what, document, field named in the message)
    ("not an object", [], "document"),
    ("unknown top-level key", document(currency="EUR"), "currency"),
    ("missing vat_rate", document(vat_rate=DELETE), "vat_rate"),
    ("vat_rate above 1", document(vat_rate=20), "vat_rate"),
    ("vat_rate as a string", document(vat_rate="0.2"), "vat_rate"),
    ("prices_include_vat as a number", document(prices_include_vat=1), "prices_include_vat"),
    ("order not an object", document(order=[1, 2]), "order"),
    ("unknown order key", document(order__discount=0.1), "order.discount"),
    ("missing order key", document(order__unit_cost=DELETE), "order.unit_cost"),
    ("negative unit price", document(order__unit_price=-30), "order.unit_price"),
    ("negative unit cost", document(order__unit_cost=-1), "order.unit_cost"),
    ("negative shipping cost", document(order__shipping_cost=-6.5), "order.shipping_cost"),
    ("negative support contacts", document(order__support_contacts=-0.1), "order.support_contacts"),
    ("boolean as a number", document(order__unit_price=True), "order.unit_price"),
    ("null price", document(order__unit_price=None), "order.unit_price"),
    ("string as a number", document(order__units="1.5"), "order.units"),
    ("zero units", document(order__units=0), "order.units"),
    ("payment_fee_rate above 1", document(order__payment_fee_rate=1.4), "order.payment_fee_rate"),
    ("negative commission_rate", document(order__commission_rate=-0.1), "order.commission_rate"),
    ("return_rate above 1", document(order__return_rate=5), "order.return_rate"),
    ("return_recovery above 1", document(order__return_recovery=80), "order.return_recovery"),
    ("infinite amount", document(order__return_cost=float("inf")), "order.return_cost"),
    ("huge integer", document(order__return_cost=10**400), "order.return_cost"),
    ("missing baseline orders", document(baseline={}), "baseline.orders"),
    ("negative baseline orders", document(baseline__orders=-300), "baseline.orders"),
    ("unknown baseline key", document(baseline__days=30), "baseline.days"),
    ("missing campaign", document(campaign=DELETE), "campaign"),
    ("missing uplift", document(campaign__uplift=DELETE), "campaign.uplift"),
    ("uplift below -1", document(campaign__uplift=-1.5), "campaign.uplift"),
    ("negative fixed costs", document(campaign__fixed_costs=-1000), "campaign.fixed_costs"),
    ("override rate above 1", document(campaign__return_rate=1.2), "campaign.return_rate"),
    ("negative override", document(campaign__support_contacts=-1), "campaign.support_contacts"),
    ("unknown campaign key", document(campaign__budget=5), "campaign.budget"),
    ("mechanic not an object", document(campaign__mechanic="percent_off"), "campaign.mechanic"),
    ("missing mechanic type", document(campaign__mechanic={"rate": 0.2}), "campaign.mechanic.type"),
    ("unknown mechanic", document(campaign__mechanic={"type": "bogo"}), "campaign.mechanic.type"),
    (
        "mechanic rate above 1",
        document(campaign__mechanic={"type": "percent_off", "rate": 20}),
        "campaign.mechanic.rate",
    ),
    (
        "mechanic rate missing",
        document(campaign__mechanic={"type": "percent_off"}),
        "campaign.mechanic.rate",
    ),
    (
        "key of another mechanic",
        document(campaign__mechanic={"type": "percent_off", "rate": 0.2, "amount": 5}),
        "campaign.mechanic.amount",
    ),
    (
        "negative amount",
        document(campaign__mechanic={"type": "amount_off", "amount": -5}),
        "campaign.mechanic.amount",
    ),
    (
        "buy zero",
        document(campaign__mechanic={"type": "buy_x_get_y", "buy": 0, "get": 1, "get_discount": 1}),
        "campaign.mechanic.buy",
    ),
    (
        "negative get",
        document(
            campaign__mechanic={"type": "buy_x_get_y", "buy": 1, "get": -1, "get_discount": 1}
        ),
        "campaign.mechanic.get",
    ),
    (
        "get_discount above 1",
        document(campaign__mechanic={"type": "buy_x_get_y", "buy": 1, "get": 1, "get_discount": 2}),
        "campaign.mechanic.get_discount",
    ),
    (
        "parameter on free shipping",
        document(campaign__mechanic={"type": "free_shipping", "rate": 0.1}),
        "campaign.mechanic.rate",
    ),
]
