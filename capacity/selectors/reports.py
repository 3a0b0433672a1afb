"""The public entry points: the holiday-peak check, a campaign's capacity cost, the deliverable
orders per day and the outlook of the next weeks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from campaigns.models import Campaign
from capacity.selectors.demand import _demand, _plan, _stock
from capacity.selectors.derived import _booked, _summary_rows, erlang_bands, throttle_rows
from capacity.selectors.loading import _setting, campaigns_in
from capacity.selectors.results import (
    CampaignCapacityCost,
    Outlook,
    PeakReport,
    Period,
    ResourceReport,
)
from plannerist.models import Organization

# A campaign's backlog lands after its last day: its cost is counted one week beyond it.
BACKLOG_TAIL = dt.timedelta(days=7)


def peak_report(organization: Organization, period: Period, *, today: dt.date) -> PeakReport:
    """The holiday-peak check: load against capacity, stock, intake advice, live staffing."""
    from capacity.advice import recommendations

    setting = _setting(organization, period.start, period.end, today)
    campaigns = campaigns_in(organization, period.start, period.end, include_drafts=period.include_drafts)
    demand = _demand(setting, campaigns)
    plan = _plan(setting, demand)
    levels, stock_rows = _stock(setting, campaigns, demand)
    summaries = _summary_rows(plan)
    booked_hours, booked_cost = _booked(setting)
    reports = [
        ResourceReport(
            resource=resource,
            column=r,
            summary=summaries[r],
            booked_hours=float(booked_hours[r]),
            booked_cost=float(booked_cost[r]),
            erlang=erlang_bands(resource, demand),
        )
        for r, resource in enumerate(setting.resources)
    ]
    report = PeakReport(
        period=period,
        plan=plan,
        demand=demand,
        resources=reports,
        stock=stock_rows,
        levels=levels,
        throttle=throttle_rows(plan),
        campaigns=campaigns,
        baseline_source=setting.baseline_source,
        holidays=setting.holidays,
        target_utilization=float(setting.capacity_plan.target_utilization),
        automation_cost=setting.automation_cost,
    )
    report.recommendations.extend(
        recommendations(report, currency=organization.currency, today=today)
    )
    return report


def campaign_capacity_cost(campaign: Campaign, *, today: dt.date | None = None) -> CampaignCapacityCost:
    """The extra capacity cost ``campaign`` causes: the plan over its period plus a week,
    with the organisation's planned campaigns and this one (even a draft), against the same
    without it."""
    organization = campaign.organization
    start, end = campaign.start, campaign.end + BACKLOG_TAIL
    setting = _setting(organization, start, end, today or dt.date.today())
    others = [
        c for c in campaigns_in(organization, start, end, include_drafts=False) if c.pk != campaign.pk
    ]
    without = _plan(setting, _demand(setting, others))
    with_it = _plan(setting, _demand(setting, [*others, campaign]))
    cost_with, cost_without = float(with_it.extra_cost.sum()), float(without.extra_cost.sum())
    return CampaignCapacityCost(
        start=start,
        end=end,
        extra_cost_with=cost_with,
        extra_cost_without=cost_without,
        extra_cost_caused=cost_with - cost_without,
        extra_hours_caused=float(with_it.extra_hours.sum() - without.extra_hours.sum()),
        infeasible_days_with=int((~with_it.feasible).sum()),
    )


def deliverable_orders(organization: Organization, start: dt.date, end: dt.date, *, today: dt.date) -> pd.Series:
    """Orders the team could deliver each day with its planned hours: per resource, its
    capacity minutes over the minutes an order of the usual mix costs it; the day's figure
    is the bottleneck among the resources working that day (0 when none works). Empty when
    no resource is described (capacity unknown, not zero)."""
    setting = _setting(organization, start, end, today)
    if not setting.engine_resources:
        return pd.Series(dtype="float64")
    plan = _plan(setting, _demand(setting, []))
    with np.errstate(divide="ignore", invalid="ignore"):
        per_resource = np.where(
            plan.working & (plan.work_per_order > 0), plan.capacity_minutes / plan.work_per_order, np.nan
        )
    all_off = np.isnan(per_resource).all(axis=1)
    bottleneck = np.full(setting.dates.size, 0.0)
    bottleneck[~all_off] = np.nanmin(per_resource[~all_off], axis=1)
    return pd.Series(bottleneck, index=pd.to_datetime(setting.dates), name="capacity_orders")


def outlook(organization: Organization, *, today: dt.date, weeks: int) -> Outlook:
    """Load against capacity and stock over ``weeks`` from today, planned campaigns only."""
    period = Period(today, today + dt.timedelta(weeks=weeks) - dt.timedelta(days=1))
    setting = _setting(organization, period.start, period.end, today)
    campaigns = campaigns_in(organization, period.start, period.end, include_drafts=False)
    demand = _demand(setting, campaigns)
    _, stock_rows = _stock(setting, campaigns, demand)
    return Outlook(period=period, plan=_plan(setting, demand), stock=stock_rows, campaigns=campaigns)
