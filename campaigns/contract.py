"""The ``simulate`` contract (docs/economics.md § 1): validate a document, evaluate it.

Pure Python over the engine: the command, the Celery jobs and the tests call
:func:`simulate`; bad input raises :class:`plannerist.validation.InputError` naming the
offending field by its path (``order.unit_price``, ``campaign.mechanic.rate``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plannerist import validation as v

from .engine import MECHANIC_PARAMETERS, CampaignInputs, Mechanic, OrderInputs, evaluate

# Keys of ``order``: amounts and counts that may not be negative, and shares within [0, 1].
_ORDER_NON_NEGATIVE = (
    "unit_price",
    "unit_cost",
    "shipping_fee",
    "packaging_cost",
    "shipping_cost",
    "payment_fee_fixed",
    "return_cost",
    "support_contacts",
    "support_cost_per_contact",
)
_ORDER_RATES = ("payment_fee_rate", "commission_rate", "return_rate", "return_recovery")
_ORDER_REQUIRED = (
    "units",
    *_ORDER_NON_NEGATIVE,
    "payment_fee_rate",
    "return_rate",
    "return_recovery",
)


def simulate(document: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the contract's input document and return its output document."""
    order, baseline_orders, campaign = parse(document)
    return evaluate(order, baseline_orders, campaign).as_dict()


def parse(document: Any) -> tuple[OrderInputs, float, CampaignInputs]:
    """The engine's inputs from the contract's document, or :class:`InputError`."""
    root = v.keys(
        document,
        "",
        required=("vat_rate", "order", "baseline", "campaign"),
        optional=("prices_include_vat",),
    )
    vat_rate = v.rate(root["vat_rate"], "vat_rate")
    prices_include_vat = v.boolean(root.get("prices_include_vat", True), "prices_include_vat")
    order = _order(root["order"], vat_rate=vat_rate, prices_include_vat=prices_include_vat)
    baseline = v.keys(root["baseline"], "baseline", required=("orders",))
    baseline_orders = v.number(baseline["orders"], "baseline.orders", minimum=0.0)
    return order, baseline_orders, _campaign(root["campaign"])


def _order(value: Any, *, vat_rate: float, prices_include_vat: bool) -> OrderInputs:
    path = "order"
    raw = v.keys(value, path, required=_ORDER_REQUIRED, optional=("commission_rate",))
    raw = {"commission_rate": 0.0, **raw}
    fields: dict[str, float] = {
        "units": v.number(raw["units"], "order.units", minimum=0.0, exclusive_minimum=True)
    }
    for key in _ORDER_NON_NEGATIVE:
        fields[key] = v.number(raw[key], v.join(path, key), minimum=0.0)
    for key in _ORDER_RATES:
        fields[key] = v.rate(raw[key], v.join(path, key))
    return OrderInputs(**fields, vat_rate=vat_rate, prices_include_vat=prices_include_vat)


def _campaign(value: Any) -> CampaignInputs:
    raw = v.keys(
        value,
        "campaign",
        required=("mechanic", "uplift"),
        optional=("fixed_costs", "return_rate", "support_contacts"),
    )
    return CampaignInputs(
        mechanic=_mechanic(raw["mechanic"]),
        uplift=v.number(raw["uplift"], "campaign.uplift", minimum=-1.0),
        fixed_costs=v.number(raw.get("fixed_costs", 0.0), "campaign.fixed_costs", minimum=0.0),
        return_rate=v.rate(raw.get("return_rate"), "campaign.return_rate", nullable=True),
        support_contacts=v.number(
            raw.get("support_contacts"), "campaign.support_contacts", minimum=0.0, nullable=True
        ),
    )


def _mechanic(value: Any) -> Mechanic:
    path = "campaign.mechanic"
    # The type decides which other keys are allowed, so it is checked first.
    if "type" not in v.obj(value, path):
        raise v.InputError(f"{path}.type", "is required")
    kind = v.string(value["type"], f"{path}.type", choices=MECHANIC_PARAMETERS)
    raw = v.keys(value, path, required=("type", *MECHANIC_PARAMETERS[kind]))
    if kind == "percent_off":
        return Mechanic.percent_off(v.rate(raw["rate"], f"{path}.rate"))
    if kind == "amount_off":
        return Mechanic.amount_off(v.number(raw["amount"], f"{path}.amount", minimum=0.0))
    if kind == "buy_x_get_y":
        return Mechanic.buy_x_get_y(
            buy=v.number(raw["buy"], f"{path}.buy", minimum=0.0, exclusive_minimum=True),
            get=v.number(raw["get"], f"{path}.get", minimum=0.0),
            get_discount=v.rate(raw["get_discount"], f"{path}.get_discount"),
        )
    return Mechanic(kind)
