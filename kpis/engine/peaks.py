"""The busiest working day ahead against capacity, from the capacity engine's day-by-day load
(pure numpy, no Django): what the recompute stores for the portfolio to read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

# The portfolio flags a day over capacity this many weeks ahead (issue 16).
PEAK_WEEKS = 8


@dataclass(frozen=True)
class PeakDay:
    """The working day with the highest load to capacity ratio up to ``until`` (``day`` None
    when no resource works on any of those days); ``overloaded_days`` counts the days on which
    at least one resource is over its capacity (ratio above 1)."""

    until: dt.date
    day: dt.date | None = None
    resource: str = ""
    utilisation: float | None = None
    overloaded_days: int = 0

    @property
    def over_capacity(self) -> bool:
        return self.utilisation is not None and self.utilisation > 1.0


def peak_day(
    dates: ArrayLike, resources: Sequence[str], working: ArrayLike, utilisation: ArrayLike, *, until: dt.date
) -> PeakDay:
    """``dates`` (days,), ``working`` and ``utilisation`` (days, resources) as in
    ``capacity.engine.LoadPlan``; only the days up to ``until`` count. Ties go to the earliest
    day, then to the first resource."""
    days = np.asarray(dates, dtype="datetime64[D]")
    shown = days <= np.datetime64(until, "D")
    load = np.where(np.asarray(working, dtype=bool) & shown[:, None], np.asarray(utilisation, dtype=float), np.nan)
    if load.size == 0 or np.isnan(load).all():
        return PeakDay(until=until)
    row, column = np.unravel_index(np.nanargmax(load), load.shape)
    over = int((np.nan_to_num(load, nan=0.0) > 1.0).any(axis=1).sum())
    return PeakDay(until=until, day=days[row].astype(dt.date), resource=resources[column],
                   utilisation=float(load[row, column]), overloaded_days=over)
