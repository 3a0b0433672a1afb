"""Work, capacity, backlog and extra hours per day and resource.

Arrays have shape (days, resources). Time is computed in minutes and reported in hours.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from .demand import Dates, Demand, Floats

Bools = NDArray[np.bool_]


@dataclass(frozen=True)
class ResourceCapacity:
    """A team (preparation, support…) and the minutes each piece of demand costs it.

    Each ``minutes_per_*`` is a number or one value per day (an automation that cuts the
    minutes per order from a given date). ``extra_max_hours_per_day`` ``None`` means no limit.
    """

    name: str
    minutes_per_order: float | ArrayLike = 0.0
    minutes_per_unit: float | ArrayLike = 0.0
    minutes_per_return: float | ArrayLike = 0.0
    minutes_per_contact: float | ArrayLike = 0.0
    efficiency: float = 1.0
    extra_hourly_cost: float = 0.0
    extra_max_hours_per_day: float | None = None


@dataclass(frozen=True, eq=False)
class LoadPlan:
    """The engine's result: each resource's load, capacity and extra hours day by day (not the
    model ``capacity.models.CapacityPlan``, the demand assumptions). On a day when a resource
    does not work, ``due`` and ``capacity`` are 0, ``utilization`` and ``delay_days`` are NaN,
    extra hours are 0, the day is feasible and the backlog carries over."""

    dates: Dates
    resources: tuple[str, ...]
    orders: Floats  # (days,) orders arriving
    work_minutes: Floats  # work arriving
    work_per_order: Floats  # minutes per order of the day's mix
    working: Bools
    due_minutes: Floats
    due_orders: Floats
    capacity_minutes: Floats
    utilization: Floats
    backlog_minutes: Floats
    delay_days: Floats
    extra_hours: Floats
    extra_cost: Floats
    feasible: Bools
    unfinished_minutes: Floats  # (resources,) work arriving after the last working day
    target_utilization: float

    def summary(self) -> pd.DataFrame:
        """One row per resource: peak_utilization (NaN without a working day),
        overloaded_days (utilization > 1), max_delay_days, extra_hours, extra_cost,
        unfinished_hours, infeasible_days."""
        return pd.DataFrame(
            {
                "peak_utilization": _max_over_working_days(self.utilization, self.working),
                "overloaded_days": (self.utilization > 1.0).sum(axis=0),
                "max_delay_days": _max_over_working_days(self.delay_days, self.working),
                "extra_hours": self.extra_hours.sum(axis=0),
                "extra_cost": self.extra_cost.sum(axis=0),
                "unfinished_hours": self.unfinished_minutes / 60.0,
                "infeasible_days": (~self.feasible).sum(axis=0),
            },
            index=pd.Index(self.resources, name="resource"),
        )

    def days(self) -> pd.DataFrame:
        """One row per day and resource (day-major), hours rather than minutes."""
        n_days, n_resources = self.work_minutes.shape
        return pd.DataFrame(
            {
                "date": np.repeat(self.dates, n_resources),
                "resource": np.tile(np.array(self.resources, dtype=object), n_days),
                "orders": np.repeat(self.orders, n_resources),
                "work_hours": (self.work_minutes / 60.0).ravel(),
                "due_hours": (self.due_minutes / 60.0).ravel(),
                "capacity_hours": (self.capacity_minutes / 60.0).ravel(),
                "utilization": self.utilization.ravel(),
                "backlog_hours": (self.backlog_minutes / 60.0).ravel(),
                "delay_days": self.delay_days.ravel(),
                "extra_hours": self.extra_hours.ravel(),
                "extra_cost": self.extra_cost.ravel(),
                "feasible": self.feasible.ravel(),
            }
        )

    def max_orders(self) -> Floats:
        """Order intake advice: the most orders due on each working day that keep the
        resource at the target utilization with its planned hours.

        Orders due on a working day are those taken since the previous working day (a
        Monday's figure covers the weekend's orders). Uses the day's work per order; NaN on
        days the resource does not work, +inf when an order costs it no time.
        """
        budget = self.target_utilization * self.capacity_minutes
        with np.errstate(divide="ignore", invalid="ignore"):
            limit = np.where(self.work_per_order > 0, budget / self.work_per_order, np.inf)
        return np.where(self.working, limit, np.nan)

    def throttle(self) -> pd.DataFrame:
        """:meth:`max_orders` beside the orders due, one row per day and resource;
        ``headroom_orders`` < 0 says how many orders to hold back or staff for."""
        limit = self.max_orders()
        n_days, n_resources = limit.shape
        return pd.DataFrame(
            {
                "date": np.repeat(self.dates, n_resources),
                "resource": np.tile(np.array(self.resources, dtype=object), n_days),
                "orders_due": self.due_orders.ravel(),
                "max_orders": limit.ravel(),
                "headroom_orders": (limit - self.due_orders).ravel(),
            }
        )


def plan_capacity(
    demand: Demand,
    resources: Sequence[ResourceCapacity],
    hours: ArrayLike,
    *,
    target_utilization: float,
) -> LoadPlan:
    """Plan every resource over ``demand``'s days with ``hours`` of shape (days, resources):
    :func:`~capacity.engine.hours.weekday_hours`, or any matrix the caller built."""
    n_days = demand.dates.size

    def per_day(field: str) -> Floats:
        return np.column_stack(
            [np.broadcast_to(np.asarray(getattr(r, field), np.float64), n_days) for r in resources]
        )

    per_order = per_day("minutes_per_order")
    per_unit = per_day("minutes_per_unit")
    per_return = per_day("minutes_per_return")
    per_contact = per_day("minutes_per_contact")
    work = (
        demand.orders[:, None] * per_order
        + demand.units[:, None] * per_unit
        + demand.returns[:, None] * per_return
        + demand.contacts[:, None] * per_contact
    )
    units_each, returns_each, contacts_each = demand.per_order()
    work_per_order = (
        per_order
        + units_each[:, None] * per_unit
        + returns_each[:, None] * per_return
        + contacts_each[:, None] * per_contact
    )
    return schedule(
        demand.dates,
        work,
        hours,
        names=[r.name for r in resources],
        orders=demand.orders,
        work_per_order=work_per_order,
        efficiency=[r.efficiency for r in resources],
        target_utilization=target_utilization,
        extra_hourly_cost=[r.extra_hourly_cost for r in resources],
        extra_max_hours_per_day=[
            math.inf if r.extra_max_hours_per_day is None else r.extra_max_hours_per_day
            for r in resources
        ],
    )


def minutes_after_automations(
    dates: Dates, minutes: float, savings: Iterable[tuple[dt.date, float]]
) -> Floats:
    """``minutes`` per order less what each automation saves from its start date on, one
    value per day and never below 0: a :class:`ResourceCapacity`'s ``minutes_per_order``."""
    dates = np.asarray(dates, dtype="datetime64[D]")
    per_day = np.full(dates.shape, float(minutes))
    for start, saved in savings:
        per_day -= np.where(dates >= np.datetime64(start, "D"), float(saved), 0.0)
    return np.maximum(per_day, 0.0)


def schedule(
    dates: Dates,
    work_minutes: ArrayLike,
    hours: ArrayLike,
    *,
    names: Sequence[str],
    orders: ArrayLike,
    work_per_order: ArrayLike,
    efficiency: ArrayLike,
    target_utilization: float,
    extra_hourly_cost: ArrayLike,
    extra_max_hours_per_day: ArrayLike,
) -> LoadPlan:
    """The capacity recurrence on a work matrix (minutes arriving per day and resource)."""
    work = np.asarray(work_minutes, dtype=np.float64)
    hours = np.asarray(hours, dtype=np.float64)
    target_utilization = float(target_utilization)
    if hours.shape != work.shape:
        raise ValueError(f"hours shape {hours.shape} differs from work shape {work.shape}")
    n_days, n_resources = work.shape
    working = hours > 0
    capacity = hours * 60.0 * np.asarray(efficiency, dtype=np.float64)
    orders = np.asarray(orders, dtype=np.float64)
    next_day = _next_working_day(working)
    due, unfinished = _gather_due(work, next_day)
    due_orders, _ = _gather_due(np.broadcast_to(orders[:, None], work.shape), next_day)
    backlog = _backlog(due - capacity)

    safe_capacity = np.where(working, capacity, 1.0)
    utilization = np.where(working, due / safe_capacity, np.nan)
    delay_days = np.where(working, backlog / safe_capacity, np.nan)
    # Extra hours keep the day's due work at the target utilization; they are advice and do
    # not reduce the backlog, which assumes only the planned hours.
    extra_hours = np.where(
        working, np.maximum(0.0, due / target_utilization - capacity) / 60.0, 0.0
    )
    extra_cost = extra_hours * np.asarray(extra_hourly_cost, dtype=np.float64)
    feasible = extra_hours <= np.asarray(extra_max_hours_per_day, dtype=np.float64)
    return LoadPlan(
        dates=np.asarray(dates, dtype="datetime64[D]"),
        resources=tuple(names),
        orders=orders,
        work_minutes=work,
        work_per_order=np.asarray(work_per_order, dtype=np.float64),
        working=working,
        due_minutes=due,
        due_orders=due_orders,
        capacity_minutes=capacity,
        utilization=utilization,
        backlog_minutes=backlog,
        delay_days=delay_days,
        extra_hours=extra_hours,
        extra_cost=extra_cost,
        feasible=feasible,
        unfinished_minutes=unfinished,
        target_utilization=float(target_utilization),
    )


def _next_working_day(working: Bools) -> NDArray[np.int64]:
    """Index of the first working day on or after each day; n_days when there is none."""
    n_days = working.shape[0]
    index = np.where(working, np.arange(n_days)[:, None], n_days)
    return np.minimum.accumulate(index[::-1], axis=0)[::-1]


def _gather_due(values: Floats, next_day: NDArray[np.int64]) -> tuple[Floats, Floats]:
    """Move each day's values onto its next working day; also return what falls after the
    last working day. ``bincount`` adds in day order, so a working day that receives only
    its own work gets it exactly."""
    n_days, n_resources = values.shape
    slot = next_day * n_resources + np.arange(n_resources)
    totals = np.bincount(
        slot.ravel(), weights=values.ravel(), minlength=(n_days + 1) * n_resources
    ).reshape(n_days + 1, n_resources)
    return totals[:n_days], totals[n_days]


def _backlog(net: Floats) -> Floats:
    """backlog_t = max(0, backlog_{t-1} + due_t − capacity_t), vectorised over resources.

    The recurrence is sequential in time; a closed form through cumulative minima exists but
    accumulates rounding over long periods, and a loop over 365 rows costs well under 1 ms.
    """
    backlog = np.empty_like(net)
    carried = np.zeros(net.shape[1])
    for t in range(net.shape[0]):
        carried = np.maximum(carried + net[t], 0.0)
        backlog[t] = carried
    return backlog


def _max_over_working_days(values: Floats, working: Bools) -> Floats:
    peak = np.where(working, values, -np.inf).max(axis=0, initial=-np.inf)
    return np.where(np.isfinite(peak), peak, np.nan)
