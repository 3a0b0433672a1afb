"""Reads for a live campaign in flight: its days so far against the counterfactual the last
refit stored (:func:`forecasting.selectors.counterfactual_days`; nothing is fitted here), the
pace measured on them (:func:`forecasting.engine.inflight.in_flight`), and the campaign's
projected end at that pace: orders, revenue and incremental margin after the cost to deliver.

The campaign page, the dashboard and the KPI recompute's stop / amplify signal all read a live
campaign through :func:`live_projection`, so they say the same.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from campaigns.engine.economics import evaluate_at_pace, scoped_orders
from campaigns.models import Campaign, Scope
from campaigns.selectors import (
    campaign_inputs,
    catalogue_frame,
    cost_profile_for,
    in_scope_mask,
    order_inputs,
)
from campaigns.sources import daily_orders, delivery_cost
from forecasting.engine.inflight import MIN_DAYS, InFlight, in_flight
from forecasting.selectors import counterfactual_days

# Why a projection has no margin: no product sells (no average order to price), or capacity is
# not described (the cost to deliver is unknown: the margin before it is shown, not after).
NO_CATALOGUE = "no_catalogue"
NO_CAPACITY = "no_capacity"


@dataclass(frozen=True)
class Range:
    """An expected figure with its 80 % interval."""

    expected: float
    lo80: float
    hi80: float


@dataclass(frozen=True)
class LiveProjection:
    campaign: Campaign
    pace: InFlight
    planned_uplift: float  # the plan's uplift of the orders in scope
    planned_shop_uplift: float  # the same as an uplift of all the shop's orders (the pace's unit)
    orders: Range | None = None  # the campaign's orders at its end, at the pace so far
    uplift: Range | None = None  # of the shop's orders over the whole campaign
    revenue: Range | None = None
    margin: Range | None = None  # incremental margin before the cost to deliver; None: unknown
    cost_to_deliver: float | None = None
    margin_after_delivery: Range | None = None  # None: unknown (see ``unknown``)
    unknown: str | None = None  # why a margin is missing: NO_CATALOGUE or NO_CAPACITY
    min_days: int = MIN_DAYS

    @property
    def days_left(self) -> int:
        return self.pace.days_total - self.pace.days_elapsed

    @property
    def verdict(self) -> str | None:
        """"loses" when the margin after delivery lies below 0 over its whole 80 % interval,
        "earns" when above, "uncertain" when the interval holds 0; None when it is unknown."""
        after = self.margin_after_delivery
        if after is None:
            return None
        return "loses" if after.hi80 < 0 else "earns" if after.lo80 > 0 else "uncertain"


def live_projection(campaign: Campaign, *, today: dt.date, catalogue: pd.DataFrame | None = None) -> LiveProjection | None:
    """The in-flight projection of a live campaign, or None when it is not live or the last
    refit stored no counterfactual for it (too little history, or not refitted since it went
    live). Actuals count up to the day before ``today`` (the organisation's)."""
    if campaign.status != Campaign.Status.LIVE or not (campaign.start and campaign.end):
        return None
    organization = campaign.organization
    baseline = counterfactual_days(organization.id, [campaign.pk]).get(campaign.pk)
    if baseline is None or baseline.empty:
        return None
    yesterday = today - dt.timedelta(days=1)
    actual = daily_orders(organization, campaign.start, min(campaign.end, yesterday)) if campaign.start <= yesterday \
        else pd.Series(dtype="float64", index=pd.DatetimeIndex([]))
    pace = in_flight(baseline, actual, last_day=pd.Timestamp(yesterday))
    catalogue = catalogue_frame(organization) if catalogue is None else catalogue
    product_ids = [p.pk for p in campaign.products.all()]
    in_scope = in_scope_mask(campaign, catalogue, product_ids)
    order = order_inputs(organization, cost_profile_for(campaign.channel if campaign.channel_id else None), catalogue)
    scoped = scoped_orders(order, catalogue=catalogue, in_scope=in_scope, whole_catalogue=campaign.scope == Scope.CATALOGUE)
    planned = float(campaign.uplift)
    result = LiveProjection(campaign=campaign, pace=pace, planned_uplift=planned,
                            planned_shop_uplift=planned * scoped.in_scope_share)
    if not pace.enough:
        return result
    orders = Range(pace.projected_orders, pace.projected_lo80, pace.projected_hi80)
    uplifts = np.array([pace.projected_uplift(v) for v in (orders.expected, orders.lo80, orders.hi80)])
    fields = {"orders": orders, "uplift": Range(*uplifts)}
    if len(catalogue) == 0 or catalogue["weight"].sum() <= 0:
        return _with(result, fields, unknown=NO_CATALOGUE)
    evaluation = evaluate_at_pace(scoped, campaign_inputs(campaign), pace.baseline_total, uplifts)
    fields["revenue"] = Range(*(float(v) for v in evaluation.campaign.revenue))
    margin = Range(*(float(v) for v in evaluation.incremental.margin))
    fields["margin"] = margin
    cost = _cost_at_pace(campaign, float(uplifts[0]) / scoped.in_scope_share if scoped.in_scope_share > 0 else 0.0,
                         catalogue, product_ids)
    if cost is None:
        return _with(result, fields, unknown=NO_CAPACITY)
    return _with(result, fields, cost_to_deliver=cost,
                 margin_after_delivery=Range(margin.expected - cost, margin.lo80 - cost, margin.hi80 - cost))


def _with(result: LiveProjection, fields: dict, **more) -> LiveProjection:
    return LiveProjection(**{**result.__dict__, **fields, **more})


def _cost_at_pace(campaign: Campaign, uplift: float, catalogue: pd.DataFrame, product_ids: list[int]) -> float | None:
    """What delivering the campaign costs in extra capacity if its orders in scope end
    ``uplift`` above the baseline (the expected pace; the interval's ends take the same cost).
    None when capacity is unknown."""
    plan = copy.copy(campaign)
    plan.uplift = uplift
    plan.scope_product_ids = product_ids
    answer = delivery_cost(plan, replaces=campaign, catalogue=catalogue)
    return None if answer is None else answer.cost_to_deliver


def live_projections(organization, *, today: dt.date) -> list[LiveProjection]:
    """Every live campaign's projection that the stored counterfactual allows, by start."""
    live = (Campaign.objects.filter(organization=organization, status=Campaign.Status.LIVE)
            .select_related("organization", "channel__cost_profile").prefetch_related("products").order_by("start", "pk"))
    campaigns = list(live)
    if not campaigns:
        return []
    catalogue = catalogue_frame(organization)
    found = (live_projection(c, today=today, catalogue=catalogue) for c in campaigns)
    return [p for p in found if p is not None]
