"""What campaigns asks of the apps above it, which it may not import (issue 13's floors).

Two answers live a floor up: what delivering a plan costs in extra capacity (``capacity``,
which reads campaigns as its demand) and the organisation's daily orders (``kpis``, which holds
the daily actuals). The app that knows registers a function here at its ``AppConfig.ready()``,
as ``kpis`` does for :mod:`forecasting.sources`; campaigns asks these functions for values.
Without a registration the answer is "unknown" (None, or no orders): never invented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from plannerist.models import Organization

DeliveryCost = Callable[..., Any]  # fn(plan, *, replaces, catalogue) -> an object with cost_to_deliver, known…
DailyOrders = Callable[[Organization, dt.date, dt.date], pd.Series]
_delivery_cost: DeliveryCost | None = None
_daily_orders: DailyOrders | None = None


def register_delivery_cost(fn: DeliveryCost) -> DeliveryCost:
    """``fn(plan, *, replaces, catalogue=None)``: what delivering a campaign or scenario (saved or
    as typed) costs; ``replaces`` is the saved campaign it stands for, ``catalogue`` the active
    products the caller already read (``catalogue_frame``), or None. The last registration wins."""
    global _delivery_cost
    _delivery_cost = fn
    return fn


def register_daily_orders(fn: DailyOrders) -> DailyOrders:
    """``fn(organization, start, end)``: orders per day (organisation totals), a float Series
    indexed by day. The last registration wins."""
    global _daily_orders
    _daily_orders = fn
    return fn


def delivery_cost(plan, *, replaces=None, catalogue=None):
    """The registered answer; None (capacity unknown) without one."""
    return None if _delivery_cost is None else _delivery_cost(plan, replaces=replaces, catalogue=catalogue)


def daily_orders(organization: Organization, start: dt.date, end: dt.date) -> pd.Series:
    """Orders per day from the registered source, sorted by day; empty without one."""
    if _daily_orders is None:
        return pd.Series(dtype="float64", index=pd.DatetimeIndex([]))
    return _daily_orders(organization, start, end)
