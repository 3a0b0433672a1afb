"""Campaigns as the capacity engine's inputs: the orders they add within their scope, the
plan against the resources' hours, and the units each product sells (stock)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from campaigns.models import Campaign, Mechanic, PromotionPlan, Scope
from campaigns.selectors import in_scope_mask
from capacity import engine
from capacity.selectors.loading import CapacitySetting
from capacity.selectors.results import StockRow


def scope_product_ids(campaign: PromotionPlan) -> list[int]:
    """The products of a campaign's or scenario's scope; a what-if carries the products as
    typed in ``scope_product_ids``, which its many-to-many rows do not hold (yet)."""
    typed = getattr(campaign, "scope_product_ids", None)
    if typed is not None:
        return list(typed)
    if campaign.pk is None:
        return []
    return [p.pk for p in campaign.products.all()]


def _in_scope(campaign: Campaign, catalogue: pd.DataFrame) -> np.ndarray:
    return in_scope_mask(campaign, catalogue, scope_product_ids(campaign))


def in_scope_share(campaign: Campaign, catalogue: pd.DataFrame) -> float:
    """The share of orders the campaign's uplift applies to (1 for the whole catalogue)."""
    if campaign.scope == Scope.CATALOGUE:
        return 1.0
    weights = catalogue["weight"].to_numpy()
    total = weights.sum()
    return float(weights[_in_scope(campaign, catalogue)].sum() / total) if total > 0 else 0.0


def units_per_campaign_order(campaign: Campaign, units: float) -> float | None:
    """Units in an order during the campaign; None when it is the usual order."""
    if campaign.mechanic == Mechanic.BUY_X_GET_Y and campaign.buy:
        return units * (campaign.buy + campaign.get) / campaign.buy
    return None


def engine_campaign(
    campaign: PromotionPlan, setting: CapacitySetting, *, period: tuple[dt.date, dt.date] | None = None
) -> engine.CampaignDemand:
    """A campaign, or a scenario run over ``period`` (its campaign's dates), for the engine."""
    def optional(value) -> float | None:
        return None if value is None else float(value)

    start, end = period or (campaign.start, campaign.end)
    return engine.CampaignDemand(
        name=campaign.name,
        start=start,
        end=end,
        uplift=float(campaign.uplift) * in_scope_share(campaign, setting.catalogue),
        units=units_per_campaign_order(campaign, setting.profile.units),
        return_rate=optional(campaign.return_rate_override),
        support_contacts=optional(campaign.support_contacts_override),
    )


def setting_demand(
    setting: CapacitySetting, campaigns: Sequence[Campaign], extra: Sequence[engine.CampaignDemand] = ()
) -> engine.Demand:
    """The baseline with ``campaigns`` and the engine campaigns ``extra`` (a scenario)."""
    return engine.daily_demand(
        setting.dates,
        setting.base_orders,
        setting.profile,
        [*(engine_campaign(c, setting) for c in campaigns), *extra],
    )


def setting_load_plan(setting: CapacitySetting, demand: engine.Demand) -> engine.LoadPlan:
    target = float(setting.capacity_plan.target_utilization)
    if not setting.engine_resources:  # nothing described yet: an empty plan, not an error
        empty = np.zeros((setting.dates.size, 0))
        return engine.schedule(
            setting.dates, empty, empty, names=[], orders=demand.orders, work_per_order=empty,
            efficiency=[], target_utilization=target, extra_hourly_cost=[], extra_max_hours_per_day=[],
        )
    return engine.plan_capacity(
        demand,
        setting.engine_resources,
        setting.hours,
        target_utilization=target,
    )


# ---------------------------------------------------------------- stock


def sku_units(setting: CapacitySetting, campaigns: Sequence[Campaign], demand: engine.Demand) -> np.ndarray:
    """Units sold per day (rows) of each active product (columns, the catalogue's order):
    baseline units by the sales mix, each campaign's extra units within its scope."""
    weights = setting.catalogue["weight"].to_numpy()
    total = weights.sum()
    if total <= 0:
        return np.zeros((setting.dates.size, len(weights)))
    units = np.outer(demand.base_orders * setting.profile.units, weights / total)
    for campaign in campaigns:
        share = in_scope_share(campaign, setting.catalogue)
        if share <= 0:
            continue
        per_order = units_per_campaign_order(campaign, setting.profile.units) or setting.profile.units
        active = (setting.dates >= np.datetime64(campaign.start, "D")) & (
            setting.dates <= np.datetime64(campaign.end, "D")
        )
        extra_units = demand.base_orders * float(campaign.uplift) * share * per_order * active
        mask = _in_scope(campaign, setting.catalogue)
        scoped = np.where(mask, weights, 0.0)
        units += np.outer(extra_units, scoped / scoped.sum())
    return units


def setting_stock(
    setting: CapacitySetting, campaigns: Sequence[Campaign], demand: engine.Demand
) -> tuple[engine.StockLevels, list[StockRow]]:
    columns = {pid: k for k, pid in enumerate(setting.catalogue["id"].tolist())}
    per_sku = sku_units(setting, campaigns, demand)
    first, last = setting.dates[0].astype(dt.date), setting.dates[-1].astype(dt.date)
    items = [item for item in setting.stock_items if item.product_id in columns]
    if not items:
        return engine.StockLevels(setting.dates, (), np.zeros((setting.dates.size, 0))), []
    sold = np.column_stack([per_sku[:, columns[item.product_id]] for item in items])
    levels = np.column_stack(
        [
            engine.stock_levels(
                setting.dates,
                sold[:, k],
                [
                    engine.StockPosition(
                        sku=item.product.sku,
                        on_hand=float(item.on_hand),
                        share_of_units=1.0,
                        incoming=[
                            (r.date, float(r.units))
                            for r in item.replenishments.all()
                            if first <= r.date <= last
                        ],
                    )
                ],
            ).units[:, 0]
            for k, item in enumerate(items)
        ]
    )
    stock = engine.StockLevels(setting.dates, tuple(item.product.sku for item in items), levels)
    rows = []
    for item, sku, out, lowest in zip(
        items, stock.skus, stock.stockout_dates(), stock.min_units(), strict=True
    ):
        order_by = None if out is None else out - dt.timedelta(days=item.lead_time_days)
        rows.append(StockRow(item, sku, out, float(lowest), order_by))
    return stock, rows
