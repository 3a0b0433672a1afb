"""What the capacity reads return: the period asked about, the holiday-peak report and its
rows, a campaign's capacity cost, the outlook of the next weeks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from campaigns.models import Campaign
from capacity import engine
from capacity.engine.erlang import BandStaffing
from capacity.models import Resource, StockItem

DEFAULT_WEEKS = 8
MAX_PERIOD_DAYS = 366

# Share of a day's live contacts arriving in each hour (0 h … 23 h) for a French web shop:
# a mid-morning and a mid-afternoon peak, a lunch dip and a smaller evening peak (people
# shop after work). Only the open hours are kept and renormalised, so every contact of the
# day is answered while the channel is open.
INTRADAY_PROFILE = np.array(
    [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.4, 0.7, 0.9, 1.2, 1.2,
     0.8, 0.9, 1.1, 1.1, 1.0, 0.9, 0.8, 0.9, 1.0, 0.8, 0.5, 0.3]
)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    include_drafts: bool = False
    busy_case: bool = False  # plan for the forecast's high end (P90, ``orders_hi80``)


def default_period(today: dt.date) -> Period:
    return Period(today, today + dt.timedelta(weeks=DEFAULT_WEEKS) - dt.timedelta(days=1))


@dataclass(frozen=True)
class ErlangBands:
    """Agents needed per open hour on the day with the most contacts."""

    day: dt.date
    contacts: float
    hours: list[int]
    staffing: BandStaffing

    def rows(self) -> list[dict]:
        s = self.staffing
        share = INTRADAY_PROFILE[self.hours] / INTRADAY_PROFILE[self.hours].sum()
        return [
            {
                "hour": hour,
                "contacts": float(self.contacts * share[i]),
                "agents": int(s.agents[i]),
                "service_level": float(s.service_level[i]),
                "asa_seconds": float(s.asa_seconds[i]),
                "occupancy": None if np.isnan(s.occupancy[i]) else float(s.occupancy[i]),
            }
            for i, hour in enumerate(self.hours)
        ]


@dataclass(frozen=True)
class ResourceReport:
    resource: Resource
    column: int  # the resource's column in the plan's arrays
    summary: dict
    booked_hours: float  # freelancers' and planned overtime's hours in the period
    booked_cost: float
    erlang: ErlangBands | None = None


@dataclass(frozen=True)
class StockRow:
    item: StockItem
    sku: str
    stockout_date: dt.date | None
    min_units: float
    order_by: dt.date | None  # last day to order a delivery arriving before the stock-out


@dataclass(frozen=True)
class ThrottleRow:
    date: dt.date
    resource: str
    orders_due: float
    max_orders: float


@dataclass(frozen=True)
class BusyCase:
    """What planning for the forecast's high end (P90) adds to the expected case."""

    extra_orders: float
    extra_hours: float  # hours beyond the capacity, busy case less expected case
    extra_cost: float


@dataclass(frozen=True)
class PeakReport:
    period: Period
    plan: engine.LoadPlan
    demand: engine.Demand
    resources: list[ResourceReport]
    stock: list[StockRow]
    levels: engine.StockLevels
    throttle: list[ThrottleRow]
    campaigns: list[Campaign]
    baseline_source: str  # "typed", "actuals", "forecast" or "forecast_partial" (loading.baseline_from_history)
    holidays: list[dt.date]
    target_utilization: float
    automation_cost: float
    recommendations: list[str] = field(default_factory=list)
    busy_case: BusyCase | None = None  # asked for and the forecast holds days of the period
    busy_case_asked: bool = False

    @property
    def total_extra_cost(self) -> float:
        """The extra hours' cost (overtime asked for beyond the planned hours)."""
        return float(self.plan.extra_cost.sum())

    @property
    def total_booked_cost(self) -> float:
        """The freelancers and planned overtime already booked in the period."""
        return float(sum(item.booked_cost for item in self.resources))

    @property
    def cost_to_fix(self) -> float:
        """What fixing the peak costs: the extra hours still needed and what is booked."""
        return self.total_extra_cost + self.total_booked_cost

    @property
    def total_extra_hours(self) -> float:
        return float(self.plan.extra_hours.sum())


@dataclass(frozen=True)
class CampaignCapacityCost:
    """What a campaign costs to deliver, over its period plus a week (backlog).

    ``extra_cost_caused`` = extra-hours cost with the campaign − without it (≥ 0 unless the
    campaign lowers demand); ``booked_cost_share`` = its share of the freelancers and planned
    overtime booked (``booked_cost`` in all); ``infeasible_days_with`` counts (day, resource)
    pairs above the extra-hours ceiling with the campaign. ``known`` is False when no
    resource with staff hours is described: then no figure here says anything.
    """

    start: dt.date
    end: dt.date
    extra_cost_with: float
    extra_cost_without: float
    extra_cost_caused: float
    extra_hours_caused: float
    infeasible_days_with: int
    booked_cost_share: float = 0.0
    booked_cost: float = 0.0
    known: bool = True

    @property
    def cost_to_deliver(self) -> float | None:
        """Extra hours caused plus the share of booked capacity; None when capacity is unknown."""
        return self.extra_cost_caused + self.booked_cost_share if self.known else None


@dataclass(frozen=True)
class Outlook:
    """The next weeks as the capacity engine sees them: for signals and dashboards."""

    period: Period
    plan: engine.LoadPlan
    stock: list[StockRow]
    campaigns: list[Campaign]
