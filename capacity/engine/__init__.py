"""The capacity engine: pure numpy/pandas, no Django, no clock.

Arrays run over days (rows) × resources (columns). Build a plan in four steps:

1. ``dates = period_dates(start, end)``; ``demand = daily_demand(dates,
   baseline_orders(dates, orders_per_day, weekday_profile), OrderProfile(...), campaigns)``;
2. ``hours = weekday_hours(dates, hours_per_weekday, holidays=..., works_public_holidays=...,
   absences=...)`` (or per staff member, then :func:`hours_by_resource`, or any matrix);
3. ``plan = plan_capacity(demand, resources, hours, target_utilization=0.85)``;
4. ``plan.days()``, ``plan.summary()``, ``plan.throttle()``;
   ``stock_levels(dates, demand.units, items)`` for stock;
5. ``booked_cost_share(...)``: a campaign's part of the freelancers and planned overtime booked.

A day with 0 hours is not worked: its work is due on the resource's next working day, and
work arriving after the period's last working day is ``unfinished``.
"""

from .booked import booked_cost_share
from .demand import (
    CampaignDemand,
    Demand,
    OrderProfile,
    baseline_orders,
    daily_demand,
    period_dates,
    weekday_index,
)
from .hours import AbsenceSpan, hours_by_resource, weekday_hours
from .plan import LoadPlan, ResourceCapacity, minutes_after_automations, plan_capacity, schedule
from .stock import StockLevels, StockPosition, stock_levels

__all__ = [
    "AbsenceSpan",
    "CampaignDemand",
    "LoadPlan",
    "Demand",
    "OrderProfile",
    "ResourceCapacity",
    "StockPosition",
    "StockLevels",
    "baseline_orders",
    "booked_cost_share",
    "daily_demand",
    "hours_by_resource",
    "minutes_after_automations",
    "period_dates",
    "plan_capacity",
    "schedule",
    "stock_levels",
    "weekday_hours",
    "weekday_index",
]
