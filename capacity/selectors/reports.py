"""The public entry points: the holiday-peak check, a campaign's capacity cost, the deliverable
orders per day and the outlook of the next weeks."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from campaigns.models import Campaign, PromotionPlan
from capacity import engine
from capacity.selectors.demand import (
    engine_campaign,
    setting_demand,
    setting_load_plan,
    setting_stock,
)
from capacity.selectors.derived import booked_hours_cost, erlang_bands, summary_rows, throttle_rows
from capacity.selectors.loading import campaigns_in, capacity_setting
from capacity.selectors.results import (
    BusyCase,
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

    setting = capacity_setting(organization, period.start, period.end, today)
    campaigns = campaigns_in(organization, period.start, period.end, include_drafts=period.include_drafts)
    busy_case = None
    if period.busy_case and setting.busy_base_orders is not None:
        expected = setting_load_plan(setting, setting_demand(setting, campaigns))
        setting = dataclasses.replace(setting, base_orders=setting.busy_base_orders)
    demand = setting_demand(setting, campaigns)
    plan = setting_load_plan(setting, demand)
    if period.busy_case and setting.busy_base_orders is not None:
        busy_case = BusyCase(
            extra_orders=float(plan.orders.sum() - expected.orders.sum()),
            extra_hours=float(plan.extra_hours.sum() - expected.extra_hours.sum()),
            extra_cost=float(plan.extra_cost.sum() - expected.extra_cost.sum()),
        )
    levels, stock_rows = setting_stock(setting, campaigns, demand)
    summaries = summary_rows(plan)
    booked_hours, booked_cost = booked_hours_cost(setting)
    reports = [
        ResourceReport(
            resource=resource,
            column=r,
            summary=summaries[r],
            booked_hours=float(booked_hours[:, r].sum()),
            booked_cost=float(booked_cost[:, r].sum()),
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
        busy_case=busy_case,
        busy_case_asked=period.busy_case,
    )
    report.recommendations.extend(
        recommendations(report, currency=organization.currency, today=today)
    )
    return report


def campaign_capacity_cost(
    plan: PromotionPlan,
    *,
    replaces: Campaign | None = None,
    today: dt.date | None = None,
    catalogue: pd.DataFrame | None = None,
) -> CampaignCapacityCost:
    """What delivering ``plan`` costs: the plan over its period plus a week, with the
    organisation's planned campaigns and this plan (even a draft), against the same without it.

    ``plan`` is a campaign, saved or as typed, or a scenario; ``replaces`` is the saved
    campaign it stands for (a saved campaign stands for itself, a scenario for its campaign,
    which also gives it its dates). The saved campaign leaves the demand when ``plan`` is in
    it, so a campaign counts once, on load as when its own values are typed again.

    The cost to deliver is the extra hours' cost the plan adds plus its share of the
    freelancers and planned overtime booked on the days they cover (see
    :func:`capacity.engine.booked_cost_share`: the campaigns' extra work fills the booked
    hours, whose cost is shared pro rata of each campaign's extra work that day). Without any
    resource or staff hours described, capacity is unknown, not free: ``known`` is False.

    ``catalogue``: the active products as the caller read them (``id``, ``category``,
    ``weight``), read here otherwise.
    """
    saved = replaces if replaces is not None else (plan if isinstance(plan, Campaign) and plan.pk else None)
    own = (plan.start, plan.end) if isinstance(plan, Campaign) else (saved.start, saved.end)
    # A typed campaign holds its (already loaded) organisation; a scenario's is its campaign's.
    organization = plan.organization if isinstance(plan, Campaign) else saved.organization
    start, end = own[0], own[1] + BACKLOG_TAIL
    setting = capacity_setting(organization, start, end, today or organization.today(), catalogue=catalogue)
    others = [
        c for c in campaigns_in(organization, start, end, include_drafts=False)
        if saved is None or c.pk != saved.pk
    ]
    this = engine_campaign(plan, setting, period=own)
    baseline = setting_load_plan(setting, setting_demand(setting, []))
    without = setting_load_plan(setting, setting_demand(setting, others))
    with_it = setting_load_plan(setting, setting_demand(setting, others, [this]))
    booked_hours, booked_cost = booked_hours_cost(setting)
    efficiency = np.array([float(r.efficiency) for r in setting.resources])
    booked_share = engine.booked_cost_share(
        booked_cost,
        booked_hours * 60.0 * efficiency,
        with_it.due_minutes - without.due_minutes,
        with_it.due_minutes - baseline.due_minutes,
    )
    cost_with, cost_without = float(with_it.extra_cost.sum()), float(without.extra_cost.sum())
    return CampaignCapacityCost(
        start=start,
        end=end,
        extra_cost_with=cost_with,
        extra_cost_without=cost_without,
        extra_cost_caused=cost_with - cost_without,
        extra_hours_caused=float(with_it.extra_hours.sum() - without.extra_hours.sum()),
        infeasible_days_with=int((~with_it.feasible).sum()),
        booked_cost_share=booked_share,
        booked_cost=float(booked_cost.sum()),
        known=bool(setting.engine_resources) and bool(setting.staff),
    )


def deliverable_orders(organization: Organization, start: dt.date, end: dt.date, *, today: dt.date) -> pd.Series:
    """Orders the team could deliver each day with its planned hours: per resource, its
    capacity minutes over the minutes an order of the usual mix costs it; the day's figure
    is the bottleneck among the resources working that day (0 when none works). Empty when
    no resource is described (capacity unknown, not zero)."""
    setting = capacity_setting(organization, start, end, today)
    if not setting.engine_resources:
        return pd.Series(dtype="float64")
    plan = setting_load_plan(setting, setting_demand(setting, []))
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
    setting = capacity_setting(organization, period.start, period.end, today)
    campaigns = campaigns_in(organization, period.start, period.end, include_drafts=False)
    demand = setting_demand(setting, campaigns)
    _, stock_rows = setting_stock(setting, campaigns, demand)
    return Outlook(period=period, plan=setting_load_plan(setting, demand), stock=stock_rows, campaigns=campaigns)
