"""Uncertainty and sensitivity: the Monte Carlo on the uplift, and the two curves."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .campaign import CampaignInputs, Evaluation, campaign_margin, evaluate
from .orders import ArrayLike, FloatArray, OrderInputs, as_float, json_number, per_order

DEFAULT_DRAWS = 20_000
DEFAULT_SEED = 20_251_127


@dataclass(frozen=True)
class Risk:
    """The distribution of the incremental margin when the uplift is uncertain.

    Fields have the scenario's shape; ``incremental_margin`` adds a last axis of draws.
    """

    probability_of_loss: FloatArray
    p10: FloatArray
    p50: FloatArray
    p90: FloatArray
    mean: FloatArray
    incremental_margin: FloatArray
    draws: int
    seed: int

    def as_dict(self) -> dict[str, Any]:
        """A single scenario's summary, draws left out."""
        return {
            "probability_of_loss": json_number(self.probability_of_loss),
            "p10": json_number(self.p10),
            "p50": json_number(self.p50),
            "p90": json_number(self.p90),
            "mean": json_number(self.mean),
            "draws": self.draws,
            "seed": self.seed,
        }


def triangular(
    low: ArrayLike, mode: ArrayLike, high: ArrayLike, *, draws: int, seed: int
) -> FloatArray:
    """Seeded triangular draws, shape broadcast(low, mode, high) + (draws,).

    Inverse CDF rather than ``Generator.triangular``, which refuses low == high: a certain
    uplift must degenerate to exactly that uplift. Every scenario shares the same uniform
    draws (common random numbers), so variants compare without sampling noise between them.
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    low, mode, high = (as_float(value)[..., np.newaxis] for value in (low, mode, high))
    if np.any(low > mode) or np.any(mode > high):
        raise ValueError("the uplift range must satisfy low <= expected <= high")
    uniform = np.random.default_rng(seed).random(draws)
    width = high - low
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mode_quantile = np.where(width > 0.0, (mode - low) / width, 0.0)
    rising = low + np.sqrt(uniform * width * (mode - low))
    falling = high - np.sqrt((1.0 - uniform) * width * (high - mode))
    return np.where(uniform < mode_quantile, rising, falling)


def monte_carlo(
    order: OrderInputs,
    baseline_orders: ArrayLike,
    campaign: CampaignInputs,
    *,
    uplift_low: ArrayLike | None = None,
    uplift_high: ArrayLike | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> Risk:
    """Risk of the campaign with a triangular uplift (low, ``campaign.uplift``, high).

    Missing bounds default to the expected uplift (a certain uplift). The uplift only
    scales orders, so the per-order margins are computed once and each draw costs one
    multiply-add. Memory grows as scenarios × draws: meant for a few scenarios at a time.
    """
    expected = as_float(campaign.uplift)
    low = expected if uplift_low is None else uplift_low
    high = expected if uplift_high is None else uplift_high
    uplifts = triangular(low, expected, high, draws=draws, seed=seed)

    orders = as_float(baseline_orders)[..., np.newaxis]
    base = per_order(order).margin[..., np.newaxis]
    during = per_order(campaign.order_during(order), campaign.mechanic).margin[..., np.newaxis]
    fixed_costs = as_float(campaign.fixed_costs)[..., np.newaxis]
    incremental = campaign_margin(orders, uplifts, during, fixed_costs) - orders * base

    p10, p50, p90 = np.quantile(incremental, [0.1, 0.5, 0.9], axis=-1)
    return Risk(
        probability_of_loss=np.mean(incremental < 0.0, axis=-1),
        p10=p10,
        p50=p50,
        p90=p90,
        mean=np.mean(incremental, axis=-1),
        incremental_margin=incremental,
        draws=draws,
        seed=seed,
    )


@dataclass(frozen=True)
class Curve:
    """Incremental margin against one parameter, with its break-even point (None if none).

    ``parameter`` is ``uplift`` or the mechanic's depth parameter (``rate``, ``amount``,
    ``get_discount``).
    """

    parameter: str
    x: FloatArray
    incremental_margin: FloatArray
    break_even: float | None


def uplift_curve(
    order: OrderInputs, baseline_orders: ArrayLike, campaign: CampaignInputs, uplifts: ArrayLike
) -> Curve:
    """Incremental margin at each uplift; ``break_even`` is the exact break-even uplift.

    The break-even uplift may lie outside the uplifts drawn (the chart decides whether to
    show it). One scenario only: the uplifts are the curve's only axis.
    """
    at_expected = _single_scenario(order, baseline_orders, campaign)
    x = as_float(uplifts)
    curve = evaluate(order, baseline_orders, replace(campaign, uplift=x))
    return Curve("uplift", x, curve.incremental.margin, json_number(at_expected.break_even_uplift))


def discount_curve(
    order: OrderInputs, baseline_orders: ArrayLike, campaign: CampaignInputs, depths: ArrayLike
) -> Curve:
    """Incremental margin at the expected uplift for each depth of the mechanic.

    Depth is the mechanic's main parameter (see ``Mechanic.with_depth``: percent_off rate,
    amount_off amount, buy_x_get_y get_discount; percent_off rate for none and
    free_shipping). ``break_even`` is the smallest depth where the incremental margin
    reaches 0, linearly interpolated between the depths given (exact where the margin is
    linear in depth: always for rate and get_discount, for amount below the unit price);
    None when it does not cross 0 within them.
    """
    _single_scenario(order, baseline_orders, campaign)
    x = as_float(depths)
    if x.ndim != 1:
        raise ValueError("depths must be a one-dimensional array")
    mechanic = campaign.mechanic.with_depth(x)
    curve = evaluate(order, baseline_orders, replace(campaign, mechanic=mechanic))
    margin = np.asarray(curve.incremental.margin)
    return Curve(mechanic.depth_parameter, x, margin, _first_zero(x, margin))


def _first_zero(x: FloatArray, y: FloatArray) -> float | None:
    """The smallest x where the piecewise-linear curve through (x, y) meets 0."""
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    exact = np.flatnonzero(y == 0.0)
    crossing = np.flatnonzero(y[:-1] * y[1:] < 0.0)
    candidates = []
    if exact.size:
        candidates.append(x[exact[0]])
    if crossing.size:
        i = crossing[0]
        candidates.append(x[i] + (x[i + 1] - x[i]) * y[i] / (y[i] - y[i + 1]))
    return float(min(candidates)) if candidates else None


def _single_scenario(
    order: OrderInputs, baseline_orders: ArrayLike, campaign: CampaignInputs
) -> Evaluation:
    evaluation = evaluate(order, baseline_orders, campaign)
    if evaluation.shape != ():
        raise ValueError("a curve is drawn for a single scenario (scalar inputs)")
    return evaluation
