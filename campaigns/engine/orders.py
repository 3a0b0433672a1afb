"""One order's economics: the order's inputs, the promotion mechanics, the waterfall."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

ArrayLike = npt.ArrayLike
FloatArray = npt.NDArray[np.float64]

# The parameters each mechanic takes; the others stay at a value that changes nothing, which
# lets one formula serve every mechanic (and every element of a sweep) without branching.
MECHANIC_PARAMETERS: dict[str, tuple[str, ...]] = {
    "none": (),
    "percent_off": ("rate",),
    "amount_off": ("amount",),
    "buy_x_get_y": ("buy", "get", "get_discount"),
    "free_shipping": (),
}
MECHANIC_TYPES = tuple(MECHANIC_PARAMETERS)
_NEUTRAL = {"rate": 0.0, "amount": 0.0, "buy": 1.0, "get": 0.0, "get_discount": 1.0}

# What "discount depth" means for each mechanic (see Mechanic.with_depth).
_DEPTH_PARAMETER = {"percent_off": "rate", "amount_off": "amount", "buy_x_get_y": "get_discount"}


def as_float(value: ArrayLike) -> FloatArray:
    return np.asarray(value, dtype=np.float64)


@dataclass(frozen=True)
class OrderInputs:
    """The average order: what the customer is charged and what it costs the shop.

    ``unit_price``, ``shipping_fee`` (and ``amount_off`` amounts) are charged incl. VAT when
    ``prices_include_vat``; every cost is excl. VAT. Each field is a number (Decimal from
    the ORM included: computed in float64) or an array; all broadcast together, so one
    instance can hold a whole sweep of variants.
    """

    units: ArrayLike
    unit_price: ArrayLike
    unit_cost: ArrayLike
    shipping_fee: ArrayLike = 0.0
    packaging_cost: ArrayLike = 0.0
    shipping_cost: ArrayLike = 0.0
    payment_fee_rate: ArrayLike = 0.0
    payment_fee_fixed: ArrayLike = 0.0
    commission_rate: ArrayLike = 0.0
    return_rate: ArrayLike = 0.0
    return_cost: ArrayLike = 0.0
    return_recovery: ArrayLike = 0.0
    support_contacts: ArrayLike = 0.0
    support_cost_per_contact: ArrayLike = 0.0
    vat_rate: ArrayLike = 0.0
    prices_include_vat: ArrayLike = True


@dataclass(frozen=True)
class Mechanic:
    """A promotion mechanic; build it with the class methods (``Mechanic.percent_off(0.2)``).

    Parameters may be arrays (a sweep of depths); the type is one per instance.
    """

    type: str = "none"
    rate: ArrayLike = 0.0
    amount: ArrayLike = 0.0
    buy: ArrayLike = 1.0
    get: ArrayLike = 0.0
    get_discount: ArrayLike = 1.0

    def __post_init__(self) -> None:
        if self.type not in MECHANIC_PARAMETERS:
            raise ValueError(f"unknown mechanic {self.type!r} (one of {', '.join(MECHANIC_TYPES)})")
        for name, neutral in _NEUTRAL.items():
            if name not in MECHANIC_PARAMETERS[self.type] and np.any(
                as_float(getattr(self, name)) != neutral
            ):
                raise ValueError(f"mechanic {self.type} takes no {name}")

    @classmethod
    def none(cls) -> Mechanic:
        return cls()

    @classmethod
    def percent_off(cls, rate: ArrayLike) -> Mechanic:
        """Unit price × (1 − rate)."""
        return cls("percent_off", rate=rate)

    @classmethod
    def amount_off(cls, amount: ArrayLike) -> Mechanic:
        """Unit price − amount per unit, never below 0, in the prices' VAT convention."""
        return cls("amount_off", amount=amount)

    @classmethod
    def buy_x_get_y(cls, buy: ArrayLike, get: ArrayLike, get_discount: ArrayLike = 1.0) -> Mechanic:
        """Every ``buy`` units paid bring ``get`` more at ``get_discount`` off (1.0 = free)."""
        return cls("buy_x_get_y", buy=buy, get=get, get_discount=get_discount)

    @classmethod
    def free_shipping(cls) -> Mechanic:
        """The customer is charged no shipping fee; the carrier still costs ``shipping_cost``."""
        return cls("free_shipping")

    @property
    def depth_parameter(self) -> str:
        """The parameter a discount-depth curve varies (see :meth:`with_depth`)."""
        return _DEPTH_PARAMETER.get(self.type, "rate")

    def with_depth(self, depth: ArrayLike) -> Mechanic:
        """The same mechanic at another depth: its main parameter set to ``depth``.

        percent_off → rate, amount_off → amount, buy_x_get_y → get_discount (buy and get
        kept). ``none`` and ``free_shipping`` have no depth: they become percent_off at that
        rate, the plain discount one would weigh them against.
        """
        if self.type in _DEPTH_PARAMETER:
            return replace(self, **{_DEPTH_PARAMETER[self.type]: depth})
        return Mechanic.percent_off(depth)


# The per-order keys, in waterfall order after the first four.
PER_ORDER_KEYS = (
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
)
_COSTS = (
    "goods_cost",
    "packaging_cost",
    "shipping_cost",
    "payment_fees",
    "commission",
    "returns",
    "support",
)


@dataclass(frozen=True)
class PerOrder:
    """One order's waterfall; every field is an array of the scenario's shape.

    Amounts excl. VAT except ``paid_incl_vat``; ``margin_rate`` is NaN when revenue is 0.
    """

    units_shipped: FloatArray
    paid_incl_vat: FloatArray
    revenue: FloatArray
    goods_cost: FloatArray
    packaging_cost: FloatArray
    shipping_cost: FloatArray
    payment_fees: FloatArray
    commission: FloatArray
    returns: FloatArray
    support: FloatArray
    margin: FloatArray
    margin_rate: FloatArray

    @property
    def shape(self) -> tuple[int, ...]:
        return self.margin.shape

    def as_dict(self) -> dict[str, float | None]:
        """The contract's per-order object (a single scenario; NaN becomes None)."""
        return {key: json_number(getattr(self, key)) for key in PER_ORDER_KEYS}

    def waterfall(self) -> list[tuple[str, float]]:
        """Revenue, each cost as a negative step, then the margin: a waterfall chart's bars."""
        steps = [("revenue", float(self.revenue))]
        steps += [(key, -float(getattr(self, key))) for key in _COSTS]
        return [*steps, ("margin", float(self.margin))]


def per_order(order: OrderInputs, mechanic: Mechanic | None = None) -> PerOrder:
    """The margin of one order under ``mechanic`` (none by default), vectorised."""
    mechanic = mechanic or Mechanic()
    units, price = as_float(order.units), as_float(order.unit_price)
    buy, get = as_float(mechanic.buy), as_float(mechanic.get)
    vat_divisor = np.where(
        np.asarray(order.prices_include_vat, dtype=bool), 1.0 + as_float(order.vat_rate), 1.0
    )

    units_shipped = units * (buy + get) / buy
    # With neutral parameters every term below reduces exactly to the undiscounted price,
    # so the mechanics share one formula.
    paid_price = np.maximum(
        price * (1.0 - as_float(mechanic.rate)) - as_float(mechanic.amount), 0.0
    )
    goods_paid = units * paid_price + units * get / buy * price * (
        1.0 - as_float(mechanic.get_discount)
    )
    shipping_fee = as_float(order.shipping_fee)
    if mechanic.type == "free_shipping":
        shipping_fee = np.zeros_like(shipping_fee)
    paid = goods_paid + shipping_fee
    revenue = paid / vat_divisor
    goods_cost = units_shipped * as_float(order.unit_cost)
    packaging_cost = as_float(order.packaging_cost)
    shipping_cost = as_float(order.shipping_cost)
    payment_fees = as_float(order.payment_fee_rate) * paid + as_float(order.payment_fee_fixed)
    commission = as_float(order.commission_rate) * paid
    returns = as_float(order.return_rate) * (
        revenue + as_float(order.return_cost) - as_float(order.return_recovery) * goods_cost
    )
    support = as_float(order.support_contacts) * as_float(order.support_cost_per_contact)
    margin = (
        revenue
        - goods_cost
        - packaging_cost
        - shipping_cost
        - payment_fees
        - commission
        - returns
        - support
    )
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        margin_rate = np.where(revenue != 0.0, margin / revenue, np.nan)
    values = np.broadcast_arrays(
        units_shipped,
        paid,
        revenue,
        goods_cost,
        packaging_cost,
        shipping_cost,
        payment_fees,
        commission,
        returns,
        support,
        margin,
        margin_rate,
    )
    return PerOrder(*values)


def json_number(value: Any) -> float | None:
    """A single scenario's value as a JSON number or None.

    NaN is the engine's null; ±inf (a division overflowing on absurd inputs) has no JSON
    number either and means no finite answer, so it becomes None too.
    """
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 0:
        raise ValueError("as_dict() is for a single scenario; index the arrays for a sweep")
    result = float(array)
    return result if np.isfinite(result) else None
