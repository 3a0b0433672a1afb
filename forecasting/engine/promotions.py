"""Promotion memory (docs/forecasting.md § 3): each campaign's uplift against its
counterfactual, its post-promotion dip, the uplifts pooled by kind, and the projection of
a campaign in progress.

The counterfactual is the calendar regression (``models.fit_calendar_model``) fitted once
on the whole history with every campaign's days and the dip window after each left out,
all days weighing alike: it interpolates what the days would have sold, knowing both
sides. A sum's uncertainty is the days' variance ``μ + α μ²`` (α from the fit's own
residuals; during a campaign at the level it sold at) times how much more the residuals' sums over a window of that length vary than
independent days would (weeks of good or bad trading).

Pooling: random-effects (DerSimonian–Laird) — each campaign weighs by the inverse of its
uplift's variance plus the spread between campaigns of the kind; the 80 % interval is a
prediction interval for the next campaign of the kind, not only for the mean.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .models import Training, fit_calendar_model
from .series import Period, closed_days, promotion_mask

Z80 = 1.2815515655446004  # the standard normal's 90th percentile: 80 % two-sided
DIP_DAYS = 14
# Fewer days than this outside the campaigns and their dips: no counterfactual to measure by.
MIN_BASELINE_DAYS = 28
MECHANICS = ("none", "percent_off", "amount_off", "buy_x_get_y", "free_shipping")
DEPTH_BANDS = ("<15", "15-30", ">30")
UNKNOWN_DEPTH = "unknown"  # an amount off without the unit price it comes off


@dataclass(frozen=True)
class Campaign:
    name: str
    period: Period
    mechanic: str
    depth: float | None = None  # share of the price taken off (percent_off, amount_off)

    @property
    def depth_band(self) -> str | None:
        if self.mechanic not in ("percent_off", "amount_off"):
            return None
        if self.depth is None:
            return UNKNOWN_DEPTH
        if self.depth < 0.15:
            return "<15"
        return "15-30" if self.depth <= 0.30 else ">30"


def amount_off_depth(amount: float, unit_price: float | None) -> float | None:
    """An amount off as a share of the unit price; unknown without the price."""
    if unit_price is None or unit_price <= 0:
        return None
    return min(amount / unit_price, 1.0)


@dataclass(frozen=True)
class Projection:
    orders: float
    uplift: float
    uplift_lo80: float
    uplift_hi80: float


@dataclass(frozen=True)
class CampaignMemory:
    campaign: Campaign
    orders: float  # actual, over its days in the history
    baseline_orders: float | None  # counterfactual over the same days (None: too little history)
    uplift: float | None
    uplift_lo80: float | None
    uplift_hi80: float | None
    dip_share: float | None
    projected: Projection | None

    last_day: pd.Timestamp = pd.Timestamp.max  # of the history measured on
    # The counterfactual of every day of its period (the days after the history predicted by
    # the same model); None when too little history to measure by.
    counterfactual: pd.Series | None = None

    @property
    def finished(self) -> bool:
        return pd.Timestamp(self.campaign.period.end) <= self.last_day


@dataclass(frozen=True)
class Pooled:
    mechanic: str
    depth_band: str | None
    n: int
    uplift: float
    uplift_lo80: float
    uplift_hi80: float


@dataclass(frozen=True)
class PromotionHistory:
    campaigns: tuple[CampaignMemory, ...]
    pooled: tuple[Pooled, ...]

    def as_dict(self) -> dict:
        return {
            "campaigns": [_memory_dict(m) for m in self.campaigns],
            "pooled": [
                {
                    "mechanic": p.mechanic,
                    "depth_band": p.depth_band,
                    "n": p.n,
                    "uplift": _r(p.uplift),
                    "uplift_lo80": _r(p.uplift_lo80),
                    "uplift_hi80": _r(p.uplift_hi80),
                }
                for p in self.pooled
            ],
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _memory_dict(memory: CampaignMemory) -> dict:
    orders = memory.orders
    projected = memory.projected
    return {
        "name": memory.campaign.name,
        "orders": int(orders) if float(orders).is_integer() else round(orders, 4),
        "baseline_orders": _r(memory.baseline_orders),
        "uplift": _r(memory.uplift),
        "uplift_lo80": _r(memory.uplift_lo80),
        "uplift_hi80": _r(memory.uplift_hi80),
        "dip_share": _r(memory.dip_share),
        "projected": None
        if projected is None
        else {
            "orders": _r(projected.orders),
            "uplift": _r(projected.uplift),
            "uplift_lo80": _r(projected.uplift_lo80),
            "uplift_hi80": _r(projected.uplift_hi80),
        },
    }


def _window_inflation(residuals: pd.Series, variance: pd.Series, length: int) -> float:
    """How much more sums of ``length`` days vary than independent days would (≥ 1)."""
    if length <= 1:
        return 1.0
    sums = residuals.rolling(length, min_periods=length).sum().dropna()
    expected = variance.rolling(length, min_periods=length).sum().dropna()
    if len(sums) < 2 or expected.mean() <= 0:
        return 1.0
    return max(1.0, float((sums**2).mean() / expected.mean()))


def promotion_history(
    history: pd.Series,
    campaigns: Sequence[Campaign],
    *,
    country: str,
    dip_days: int = DIP_DAYS,
) -> PromotionHistory:
    """Every campaign's measured uplift, dip and (in progress) projection, and the pooled
    uplift of each kind of finished campaign. ``history``: a daily series (``daily_series``)."""
    days = history.index
    last = days[-1]
    dips = [
        Period(c.period.end + dt.timedelta(days=1), c.period.end + dt.timedelta(days=dip_days))
        for c in campaigns
        if dip_days > 0
    ]
    on_campaign = promotion_mask(days, [c.period for c in campaigns])
    left_out = on_campaign | promotion_mask(days, dips)
    training = Training(history, left_out, closed_days(history, country, ignore=on_campaign), country)
    model = fit_calendar_model(training, recent_first=False)
    closed = training.closed_mask(days)
    expected = pd.Series(np.where(closed, 0.0, model.predict(days)), index=days)
    used = ~left_out & ~closed
    actual = history.to_numpy()
    fit = expected.to_numpy()
    dispersion = 0.0
    if (fit[used] ** 2).sum() > 0:
        dispersion = max(0.0, float((((actual - fit) ** 2 - fit)[used]).sum() / (fit[used] ** 2).sum()))
    variance = expected + dispersion * expected**2
    residuals = (history - expected).where(used, 0.0)
    base_variance = variance.where(used, 0.0)

    measurable = used.sum() >= MIN_BASELINE_DAYS
    memories = []
    for campaign in campaigns:
        inside = promotion_mask(days, [campaign.period])
        observed = float(actual[inside].sum())
        counterfactual = float(fit[inside].sum())
        length = int(inside.sum())
        # The days' noise at the level they sold at (Poisson part × r, the rest × r²).
        ratio = observed / counterfactual if counterfactual > 0 else 1.0
        level = fit[inside]
        noise = float((ratio * level + dispersion * (ratio * level) ** 2).sum())
        spread = np.sqrt(noise * _window_inflation(residuals, base_variance, length))
        uplift = lo = hi = None
        if not measurable:
            counterfactual = None
        elif counterfactual > 1e-9:
            uplift = observed / counterfactual - 1
            lo = (observed - Z80 * spread) / counterfactual - 1
            hi = (observed + Z80 * spread) / counterfactual - 1
        projected = None
        if counterfactual is None:
            pass
        elif pd.Timestamp(campaign.period.end) > last:
            projected = _projection(campaign, model, training, last, observed, counterfactual, spread, dispersion)
            dip_share = 0.0
        else:
            dip_share = _dip_share(campaign, days, dip_days, campaigns, actual, fit, observed - counterfactual)
        if counterfactual is None:
            dip_share = None
        daily = None if counterfactual is None else _period_counterfactual(campaign.period, expected, model, training)
        memories.append(CampaignMemory(campaign, observed, counterfactual, uplift, lo, hi, dip_share, projected, last,
                                       daily))
    pooled = pool([m for m in memories if m.finished])
    memories = [_prior_projection(m, pooled) for m in memories]
    return PromotionHistory(tuple(memories), tuple(pooled))


def _period_counterfactual(period: Period, expected: pd.Series, model, training: Training) -> pd.Series:
    """The counterfactual of each day of ``period``: the history's fitted days, and beyond its
    last day the same model's prediction (0 on closed days)."""
    days = pd.date_range(period.start, period.end, freq="D")
    values = expected.reindex(days)
    later = values.isna().to_numpy()
    if later.any():
        ahead = days[later]
        values[later] = np.where(training.closed_mask(ahead), 0.0, model.predict(ahead))
    return values.astype("float64")


def _dip_share(campaign, days, dip_days, campaigns, actual, fit, incremental) -> float:
    """Orders given back in the ``dip_days`` after the end, as a share of the incremental
    orders; days of another campaign are not counted; 0 when nothing was gained."""
    if dip_days <= 0 or incremental < 1.0:  # under one order gained, a share means nothing
        return 0.0
    end = campaign.period.end
    window = promotion_mask(days, [Period(end + dt.timedelta(days=1), end + dt.timedelta(days=dip_days))])
    window &= ~promotion_mask(days, [c.period for c in campaigns if c is not campaign])
    given_back = float((fit[window] - actual[window]).sum())
    return given_back / incremental


def _projection(campaign, model, training, last, observed, counterfactual, spread, dispersion) -> Projection:
    """Orders over the whole period at the uplift seen so far. The uplift at the end is
    as uncertain as the uplift so far, plus the noise of the days still to come."""
    remaining_days = pd.date_range(max(pd.Timestamp(campaign.period.start), last + pd.Timedelta(days=1)), campaign.period.end)
    remaining = np.where(training.closed_mask(remaining_days), 0.0, model.predict(remaining_days))
    rest = float(remaining.sum())
    total = counterfactual + rest
    if counterfactual <= 0 or total <= 0:
        return Projection(total, 0.0, 0.0, 0.0)
    uplift = observed / counterfactual - 1
    rest_variance = float((remaining + dispersion * remaining**2).sum())
    uplift_spread = np.sqrt((spread / counterfactual) ** 2 + (1 + uplift) ** 2 * rest_variance / total**2)
    orders = observed + (1 + uplift) * rest
    return Projection(orders, uplift, uplift - Z80 * uplift_spread, uplift + Z80 * uplift_spread)


def _prior_projection(memory: CampaignMemory, pooled: Sequence[Pooled]) -> CampaignMemory:
    """A campaign that has not started yet is projected at its kind's pooled uplift."""
    if memory.projected is None or (memory.baseline_orders or 0.0) > 0:
        return memory
    total = memory.projected.orders
    kind = (memory.campaign.mechanic, memory.campaign.depth_band)
    prior = next((p for p in pooled if (p.mechanic, p.depth_band) == kind), None)
    if prior is None:
        return memory
    projected = Projection(total * (1 + prior.uplift), prior.uplift, prior.uplift_lo80, prior.uplift_hi80)
    return CampaignMemory(**{**memory.__dict__, "projected": projected})


def pool(memories: Sequence[CampaignMemory]) -> list[Pooled]:
    """Random-effects pooled uplift per mechanic and depth band (see the module docstring)."""
    groups: dict[tuple[str, str | None], list[CampaignMemory]] = {}
    for memory in memories:
        if memory.uplift is None:
            continue
        groups.setdefault((memory.campaign.mechanic, memory.campaign.depth_band), []).append(memory)
    order = {m: i for i, m in enumerate(MECHANICS)}
    bands = {b: i for i, b in enumerate((None, *DEPTH_BANDS, UNKNOWN_DEPTH))}
    result = []
    for (mechanic, band), members in sorted(groups.items(), key=lambda g: (order[g[0][0]], bands[g[0][1]])):
        uplift = np.array([m.uplift for m in members])
        variance = np.array([((m.uplift_hi80 - m.uplift_lo80) / (2 * Z80)) ** 2 for m in members])
        variance = np.maximum(variance, 1e-9)
        weights = 1 / variance
        fixed = float((weights * uplift).sum() / weights.sum())
        q = float((weights * (uplift - fixed) ** 2).sum())
        c = float(weights.sum() - (weights**2).sum() / weights.sum())
        between = max(0.0, (q - (len(members) - 1)) / c) if c > 0 else 0.0
        weights = 1 / (variance + between)
        mean = float((weights * uplift).sum() / weights.sum())
        spread = float(np.sqrt(between + 1 / weights.sum()))
        result.append(Pooled(mechanic, band, len(members), mean, mean - Z80 * spread, mean + Z80 * spread))
    return result
