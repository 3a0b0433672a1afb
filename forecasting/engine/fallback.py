"""A baseline per day from the stored forecast's days, and the weekday average where it holds
none (docs/forecasting.md § 2: the weekday average of the 8 weeks before is a candidate and the
fallback). Pure: what :func:`forecasting.selectors.baseline_days` reads comes in as values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def weekday_averages(history: pd.Series) -> np.ndarray:
    """Mean orders per weekday (Monday..Sunday) of a daily history indexed by date.

    Between the history's first and last day an absent day had no orders: it counts as 0, so
    a weekday on which the shop never trades (a shop closed on Saturdays) averages 0. Only a
    weekday that does not occur at all in so short a history (under a week) is unknown and
    takes the mean of the days known.
    """
    if history.empty:
        return np.full(7, np.nan)
    # Plain numpy, by day number: a groupby and a reindex cost more than the page's whole
    # capacity block (this runs on every keystroke of the what-if).
    day_numbers = history.index.to_numpy(dtype="datetime64[D]").astype(np.int64)
    offsets = day_numbers - day_numbers.min()
    values = np.nan_to_num(history.to_numpy(dtype="float64"), nan=0.0)
    every_day = np.bincount(offsets, weights=values, minlength=int(offsets.max()) + 1)
    weekdays = (np.arange(every_day.size) + day_numbers.min() + 3) % 7  # 1 January 1970 was a Thursday
    counts = np.bincount(weekdays, minlength=7)
    sums = np.bincount(weekdays, weights=every_day, minlength=7)
    return np.where(counts > 0, sums / np.maximum(counts, 1), every_day.mean())


@dataclass(frozen=True)
class BaselineDays:
    """Each day's baseline orders and the busy case's (the forecast's P90 where it holds the
    day, the baseline elsewhere); both None when nothing holds any day. ``source``:
    "forecast" (every day from the stored forecast), "forecast_partial" (some days from it,
    the others at a weekday average), "actuals" (no forecast day: the actuals' weekday
    average), "missing" (neither)."""

    days: pd.DatetimeIndex
    orders: np.ndarray | None
    busy: np.ndarray | None
    source: str

    @property
    def total(self) -> float:
        return 0.0 if self.orders is None else float(self.orders.sum())


def baseline_from(days: pd.DatetimeIndex, stored: pd.DataFrame, history: pd.Series) -> BaselineDays:
    """``stored``: the forecast's days (index day; ``orders``, ``orders_hi80``) — those of
    ``days`` it holds; ``history``: the daily orders the weekday average is taken from.

    A day the forecast does not hold (before the refit, beyond its horizon) takes the actuals'
    weekday average; without any actual, the weekday average of the forecast's own days in the
    period (the same weekly rhythm, at the level the forecast gives the period), so that a
    partly covered period is never summed as if its other days sold nothing, nor the forecast
    dropped for a guess."""
    orders = stored["orders"].reindex(days).to_numpy(dtype="float64")
    high = stored["orders_hi80"].reindex(days).to_numpy(dtype="float64")
    covered = ~np.isnan(orders)
    if covered.all() and len(days):
        return BaselineDays(days, orders, high, "forecast")
    if not history.empty:
        average = np.asarray(weekday_averages(history)[days.day_of_week], dtype="float64")
    elif covered.any():
        held = pd.Series(orders[covered], index=days[covered])
        average = np.asarray(weekday_averages(held)[days.day_of_week], dtype="float64")
    else:
        return BaselineDays(days, None, None, "missing")
    if not covered.any():
        return BaselineDays(days, average, average, "actuals")
    return BaselineDays(days, np.where(covered, orders, average), np.where(covered, high, average), "forecast_partial")
