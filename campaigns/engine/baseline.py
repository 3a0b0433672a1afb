"""The weekday-average baseline of a daily order history (forecasting.md § 1)."""

from __future__ import annotations

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
    days = pd.date_range(history.index.min(), history.index.max(), freq="D")
    every_day = history.groupby(history.index).sum().reindex(days, fill_value=0.0).astype("float64")
    by_weekday = every_day.groupby(every_day.index.day_of_week).mean()
    return by_weekday.reindex(range(7)).fillna(every_day.mean()).to_numpy()
