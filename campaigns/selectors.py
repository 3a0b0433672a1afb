"""Reads for campaigns: ORM rows turned into the economics engine's inputs, and its results.

The what-if partial, the campaign list, the scenario comparison and the Celery jobs all
evaluate a campaign through :func:`campaign_economics`, so they show the same numbers; the
evaluation from values is :func:`campaigns.engine.economics.evaluate_plan` (pure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from campaigns import engine
from campaigns.engine.economics import (  # the selectors' results, named here for their callers
    Baseline,
    CampaignEconomics,
    best_row,
    depth_share,
    evaluate_plan,
    scoped_orders,
    summary_row,
)
from campaigns.models import (
    Campaign,
    CostProfile,
    Mechanic,
    Product,
    PromotionPlan,
    Scenario,
    Scope,
)
from campaigns.sources import daily_orders
from forecasting.engine.promotions import DIP_DAYS
from forecasting.engine.promotions import Campaign as PastCampaign
from forecasting.selectors import (
    BASELINE_WEEKS,
    baseline_days,
    forecast_days,
    history_window,
    promotion_memory,
)
from plannerist.models import Organization
from sales.models import Channel


def catalogue_frame(organization: Organization) -> pd.DataFrame:
    """Active products with their price, unit cost, sales weight and category (one query)."""
    rows = Product.objects.filter(organization=organization, active=True).values_list(
        "id", "category", "price", "unit_cost", "vat_rate", "units_per_month"
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["id", "category", "price_incl_vat", "unit_cost", "vat_rate", "weight"]
    )
    for column in ("price_incl_vat", "unit_cost", "vat_rate", "weight"):
        frame[column] = frame[column].astype("float64")
    return frame


def cost_profile_for(channel: Channel | None) -> CostProfile:
    """The channel's cost profile; an all-zero one (nothing silently invented) if none. A
    channel read with ``select_related("cost_profile")`` costs no query."""
    if channel is not None and channel.pk:
        if Channel.cost_profile.is_cached(channel):
            return getattr(channel, "cost_profile", None) or CostProfile(channel=channel)
        profile = CostProfile.objects.filter(channel=channel).first()
        if profile is not None:
            return profile
    return CostProfile(channel=channel)


def order_inputs(
    organization: Organization, profile: CostProfile, catalogue: pd.DataFrame
) -> engine.OrderInputs:
    """The average order of the whole catalogue on this channel.

    Prices are weighted by units sold; the VAT rate is the mix's effective rate, so that a
    catalogue mixing 20 % and 5.5 % products gets its revenue excl. VAT right.
    """
    weights = catalogue["weight"].to_numpy()
    if len(catalogue) == 0 or weights.sum() <= 0:
        price, cost, vat = 0.0, 0.0, float(organization.vat_rate)
    else:
        share = weights / weights.sum()
        prices = catalogue["price_incl_vat"].to_numpy()
        price = float(share @ prices)
        cost = float(share @ catalogue["unit_cost"].to_numpy())
        excl = float(share @ (prices / (1.0 + catalogue["vat_rate"].to_numpy())))
        vat = price / excl - 1.0 if excl > 0 else float(organization.vat_rate)
    return engine.OrderInputs(
        units=float(profile.units_per_order),
        unit_price=price,
        unit_cost=cost,
        shipping_fee=float(profile.shipping_fee),
        packaging_cost=float(profile.packaging_cost),
        shipping_cost=float(profile.shipping_cost),
        payment_fee_rate=float(profile.payment_fee_rate),
        payment_fee_fixed=float(profile.payment_fee_fixed),
        commission_rate=float(profile.commission_rate),
        return_rate=float(profile.return_rate),
        return_cost=float(profile.return_cost),
        return_recovery=float(profile.return_recovery),
        support_contacts=float(profile.support_contacts),
        support_cost_per_contact=float(profile.support_cost_per_contact),
        vat_rate=vat,
        prices_include_vat=organization.prices_include_vat,
    )


def mechanic_of(plan: PromotionPlan) -> engine.Mechanic:
    if plan.mechanic == Mechanic.PERCENT_OFF:
        return engine.Mechanic.percent_off(float(plan.discount_rate))
    if plan.mechanic == Mechanic.AMOUNT_OFF:
        return engine.Mechanic.amount_off(float(plan.discount_amount))
    if plan.mechanic == Mechanic.BUY_X_GET_Y:
        return engine.Mechanic.buy_x_get_y(float(plan.buy), float(plan.get), float(plan.get_discount))
    if plan.mechanic == Mechanic.FREE_SHIPPING:
        return engine.Mechanic.free_shipping()
    return engine.Mechanic.none()


def campaign_inputs(plan: PromotionPlan) -> engine.CampaignInputs:
    def optional(value) -> float | None:
        return None if value is None else float(value)

    return engine.CampaignInputs(
        mechanic=mechanic_of(plan),
        uplift=float(plan.uplift),
        fixed_costs=float(plan.fixed_costs),
        return_rate=optional(plan.return_rate_override),
        support_contacts=optional(plan.support_contacts_override),
    )


def in_scope_mask(plan: PromotionPlan, catalogue: pd.DataFrame, product_ids: Iterable[int]) -> np.ndarray:
    if plan.scope == Scope.CATEGORIES:
        return catalogue["category"].isin(list(plan.scope_categories)).to_numpy()
    if plan.scope == Scope.PRODUCTS:
        return catalogue["id"].isin(list(product_ids)).to_numpy()
    return np.ones(len(catalogue), dtype=bool)


def _history_window(start: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """The weeks of actuals a campaign starting on ``start`` takes its weekday average from."""
    return history_window(start, today, BASELINE_WEEKS)


def baseline_for(
    organization: Organization,
    typed: float | None,
    start: dt.date | None,
    end: dt.date | None,
    *,
    history: pd.Series | None = None,
    forecast: pd.DataFrame | None = None,
) -> Baseline:
    """The typed baseline, else the period's baseline orders from forecasting's one helper
    (:func:`forecasting.selectors.baseline_days`: the stored forecast's days, the weekday
    average where it holds none; nothing is fitted here). ``source`` says which: "forecast"
    (every day), "forecast_partial", "actuals" (no forecast day), "missing". ``history``
    (daily orders covering the window) and ``forecast`` (``forecast_days`` covering the
    period) save the queries when many campaigns are listed."""
    if typed is not None:
        return Baseline(float(typed), "typed")
    if start is None or end is None or end < start:
        return Baseline(0.0, "missing")
    found = baseline_days(
        organization.id, start, end, today=organization.today(), weeks=BASELINE_WEEKS, forecast=forecast,
        history=history if history is not None else (lambda first, last: daily_orders(organization, first, last)),
    )
    return Baseline(found.total, found.source)


POOLED_MINIMUM = 2  # past campaigns of a kind before their pooled uplift pre-fills a new one


def pooled_uplift(organization: Organization, mechanic: str, depth: float | None, *,
                  memory: dict | None = None) -> dict | None:
    """The stored promotion memory's pooled uplift of this kind of campaign (its mechanic and
    depth band, docs/forecasting.md § 3) — ``uplift``, ``uplift_lo80``, ``uplift_hi80``, ``n`` —
    when at least :data:`POOLED_MINIMUM` past campaigns measured it; None otherwise (one query, none with the ``memory`` already read)."""
    kind = campaign_kind(mechanic, depth)
    memory = promotion_memory(organization.id) if memory is None else memory
    for pooled in memory["pooled"]:
        if (pooled.get("mechanic"), pooled.get("depth_band")) == kind and (pooled.get("n") or 0) >= POOLED_MINIMUM:
            return pooled
    return None


def campaign_kind(mechanic: str, depth: float | None) -> tuple[str, str | None]:
    """A campaign's mechanic and depth band as the promotion memory pools them; ``depth`` is the
    share of the price taken off (:func:`depth_of`, as ``kpis.forecast_history`` gives it to
    the refit): a percentage off's rate, an amount off over the in-scope average price."""
    depth = depth if mechanic in (Mechanic.PERCENT_OFF, Mechanic.AMOUNT_OFF) else None
    return mechanic, PastCampaign(name="", period=None, mechanic=mechanic, depth=depth).depth_band


def depth_of(plan: PromotionPlan, organization: Organization, catalogue: pd.DataFrame,
             product_ids: Iterable[int] = ()) -> float | None:
    """The share of the price ``plan`` takes off, as the economics count it
    (:attr:`CampaignEconomics.depth_share`): an amount off over the average unit price
    (incl. VAT) of the products in its scope; None without a priced product in scope."""
    if plan.mechanic not in (Mechanic.PERCENT_OFF, Mechanic.AMOUNT_OFF):
        return None
    order = order_inputs(organization, CostProfile(), catalogue)
    scoped = scoped_orders(order, catalogue=catalogue, in_scope=in_scope_mask(plan, catalogue, product_ids),
                           whole_catalogue=plan.scope == Scope.CATALOGUE)
    return depth_share(mechanic_of(plan), float(scoped.in_scope.unit_price))


def pooled_dip(organization: Organization, mechanic: str, depth: float | None, *,
               memory: dict | None = None) -> dict | None:
    """What past finished campaigns of this kind gave back in the days after them (their dip,
    docs/forecasting.md § 3), pooled as Σ orders given back ÷ Σ incremental orders: ``share``
    and ``n``, when at least :data:`POOLED_MINIMUM` of them were measured with extra orders;
    ``days`` after; None otherwise. One query: the refit stores each entry's ``mechanic`` and
    ``depth_band`` beside it (an entry stored before it did counts as no kind until the next refit)."""
    kind = campaign_kind(mechanic, depth)
    memory = promotion_memory(organization.id) if memory is None else memory
    same = [entry for entry in memory["campaigns"]
            if entry.get("projected") is None and entry.get("dip_share") is not None
            and entry.get("baseline_orders") is not None and (entry.get("mechanic"), entry.get("depth_band")) == kind]
    extra = np.array([float(e["orders"]) - float(e["baseline_orders"]) for e in same])
    dips = np.array([float(e["dip_share"]) for e in same])
    gained = extra > 0
    if gained.sum() < POOLED_MINIMUM:
        return None
    return {"share": float((dips[gained] * extra[gained]).sum() / extra[gained].sum()), "n": int(gained.sum()),
            "days": DIP_DAYS}


def campaign_economics(
    plan: PromotionPlan,
    *,
    organization: Organization,
    channel: Channel | None,
    baseline: Baseline,
    product_ids: Iterable[int] = (),
    catalogue: pd.DataFrame | None = None,
    profile: CostProfile | None = None,
) -> CampaignEconomics:
    """Evaluate a campaign or scenario (saved or not): margin, risk and the two curves."""
    catalogue = catalogue_frame(organization) if catalogue is None else catalogue
    profile = cost_profile_for(channel) if profile is None else profile
    order = order_inputs(organization, profile, catalogue)
    inputs = campaign_inputs(plan)
    low = plan.uplift_low if plan.uplift_low is not None else plan.uplift
    high = plan.uplift_high if plan.uplift_high is not None else plan.uplift
    return evaluate_plan(
        order, inputs, baseline, catalogue=catalogue, in_scope=in_scope_mask(plan, catalogue, product_ids),
        whole_catalogue=plan.scope == Scope.CATALOGUE, uplift_low=float(low), uplift_high=float(high),
    )


def campaign_baseline(campaign: Campaign) -> Baseline:
    typed = None if campaign.baseline_orders is None else float(campaign.baseline_orders)
    return baseline_for(campaign.organization, typed, campaign.start, campaign.end)


def plan_economics(plan: PromotionPlan, *, campaign: Campaign, product_ids: Iterable[int], **kwargs) -> CampaignEconomics:
    """A plan (the campaign itself or one of its scenarios, saved or not) over the campaign's
    period, channel and baseline."""
    return campaign_economics(
        plan,
        organization=campaign.organization,
        channel=campaign.channel if campaign.channel_id else None,
        baseline=kwargs.pop("baseline", None) or campaign_baseline(campaign),
        product_ids=product_ids,
        **kwargs,
    )


def economics_of(campaign: Campaign) -> CampaignEconomics:
    return plan_economics(campaign, campaign=campaign, product_ids=[p.pk for p in campaign.products.all()])


def scenario_economics(scenario: Scenario) -> CampaignEconomics:
    return plan_economics(scenario, campaign=scenario.campaign, product_ids=[p.pk for p in scenario.products.all()])


@dataclass(frozen=True)
class ScenarioComparison:
    rows: list[dict]
    best: int | None  # the row with the best margin after the cost to deliver, if it earns money


def scenario_comparison(
    campaign: Campaign, *, cost_to_deliver: Callable[[PromotionPlan], float | None] | None = None
) -> ScenarioComparison:
    """The campaign's plan and each scenario, evaluated on the same catalogue and costs.

    ``cost_to_deliver`` prices a plan's extra capacity (None when capacity is unknown); the
    caller passes it down from the capacity side. Each row's ``margin_after_delivery`` is its
    incremental margin less that cost, and the best row is the highest of them (the
    incremental margin where the cost is unknown), only when it earns money: no variant that
    loses money is ever "best".
    """
    shared = {"catalogue": catalogue_frame(campaign.organization), "profile": cost_profile_for(campaign.channel),
              "baseline": campaign_baseline(campaign)}
    plans = [(campaign, None), *((s, s) for s in campaign.scenarios.prefetch_related("products"))]
    rows = []
    for plan, scenario in plans:
        economics = plan_economics(plan, campaign=campaign, product_ids=[p.pk for p in plan.products.all()], **shared)
        cost = cost_to_deliver(plan) if cost_to_deliver is not None else None
        margin = float(economics.evaluation.incremental.margin)
        rows.append(summary_row(plan.name, economics, scenario=scenario, cost_to_deliver=cost,
                             margin_after_delivery=None if cost is None else margin - cost))
    return ScenarioComparison(rows=rows, best=best_row(rows))


def campaign_rows(organization: Organization) -> list[dict]:
    """Every campaign with its verdict, evaluated on one catalogue read."""
    catalogue = catalogue_frame(organization)
    campaigns = list(
        Campaign.objects.filter(organization=organization)
        .select_related("organization", "channel__cost_profile", "owner")
        .prefetch_related("products")
        .order_by("-start")
    )
    # One read of the actuals for every campaign without a typed baseline.
    untyped = [c.start for c in campaigns if c.baseline_orders is None]
    today = organization.today()
    history = (
        daily_orders(organization, _history_window(min(untyped), today)[0], _history_window(max(untyped), today)[1])
        if untyped else pd.Series(dtype="float64")
    )
    ends = [c.end for c in campaigns if c.baseline_orders is None and c.end]
    # And one of the stored forecast: nothing is fitted in the request.
    forecast = forecast_days(organization.id, start=min(untyped), end=max(ends)) if untyped and ends else None
    rows = []
    for campaign in campaigns:
        profile = getattr(campaign.channel, "cost_profile", None) or CostProfile(channel=campaign.channel)
        typed = None if campaign.baseline_orders is None else float(campaign.baseline_orders)
        economics = plan_economics(
            campaign, campaign=campaign, product_ids=[p.pk for p in campaign.products.all()],
            catalogue=catalogue, profile=profile,
            baseline=baseline_for(organization, typed, campaign.start, campaign.end, history=history, forecast=forecast),
        )
        rows.append(summary_row(campaign.name, economics, campaign=campaign))
    return rows
