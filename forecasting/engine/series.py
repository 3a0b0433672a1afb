"""The daily series (docs/forecasting.md § 1) and the days the shop is closed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calendar import public_holidays

# A weekday (or holiday) with no order is called closed only when, open, it would have
# been expected to see this many orders in all (a Poisson day gives none with probability
# e^-6 ≈ 0.25 %): with one order a day, four Sundays at 0 are chance (e^-4 ≈ 2 %), not a
# closure; with a hundred a day, one day is enough.
CLOSED_EVIDENCE_ORDERS = 6.0


@dataclass(frozen=True)
class Period:
    """Days from ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date

    def days(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.end, freq="D")


def daily_series(dates: Iterable[dt.date], orders: Iterable[float]) -> pd.Series:
    """Orders per calendar day from the first to the last day given; absent days are 0."""
    index = pd.DatetimeIndex(pd.to_datetime(list(dates)))
    values = pd.Series(np.asarray(list(orders), dtype=float), index=index)
    values = values.groupby(level=0).sum().sort_index()
    if values.empty:
        return values
    return values.asfreq("D", fill_value=0.0)


def promotion_mask(days: pd.DatetimeIndex, periods: Sequence[Period]) -> np.ndarray:
    """True on every day inside one of ``periods``."""
    mask = np.zeros(len(days), dtype=bool)
    values = days.to_numpy()
    for period in periods:
        mask |= (values >= np.datetime64(period.start)) & (values <= np.datetime64(period.end))
    return mask


@dataclass(frozen=True)
class ClosedDays:
    """Weekdays (0 = Monday) and public holidays (by name) on which the shop never sold."""

    weekdays: frozenset[int]
    holidays: frozenset[str]
    every_holiday: bool  # every holiday seen in the history was closed: assume unseen ones too

    def mask(self, days: pd.DatetimeIndex, country: str) -> np.ndarray:
        closed = np.isin(days.day_of_week, list(self.weekdays))
        names = public_holidays(days, country)
        if self.every_holiday:
            closed |= (names != "").to_numpy()
        elif self.holidays:
            closed |= names.isin(self.holidays).to_numpy()
        return closed


def closed_days(history: pd.Series, country: str, *, ignore: np.ndarray | None = None) -> ClosedDays:
    """What the history shows closed: weekdays and holidays without a single order, when the
    shop's average day makes that improbable by chance (``CLOSED_EVIDENCE_ORDERS``)."""
    keep = np.ones(len(history), dtype=bool) if ignore is None else ~ignore
    values, days = history.to_numpy()[keep], history.index[keep]
    if len(values) == 0:
        return ClosedDays(frozenset(), frozenset(), False)
    frame = pd.DataFrame({"orders": values, "weekday": days.day_of_week}, index=days)
    by_weekday = frame.groupby("weekday")["orders"].agg(["sum", "size"])
    open_weekdays = by_weekday.index[by_weekday["sum"] > 0]
    open_days = frame["weekday"].isin(open_weekdays)
    if not open_days.any():
        return ClosedDays(frozenset(), frozenset(), False)
    per_open_day = frame.loc[open_days, "orders"].mean()
    evidence = by_weekday["size"] * per_open_day >= CLOSED_EVIDENCE_ORDERS
    weekdays = frozenset(int(d) for d in by_weekday.index[(by_weekday["sum"] == 0) & evidence])

    names = public_holidays(days, country)
    on_holiday = (names != "") & open_days
    grouped = frame.loc[on_holiday, "orders"].groupby(names[on_holiday])
    summary = grouped.agg(["sum", "size"])
    closed = summary.index[(summary["sum"] == 0) & (summary["size"] * per_open_day >= CLOSED_EVIDENCE_ORDERS)]
    seen_total = on_holiday.sum() * per_open_day
    every = bool(len(summary)) and bool((summary["sum"] == 0).all()) and seen_total >= CLOSED_EVIDENCE_ORDERS
    return ClosedDays(weekdays, frozenset(str(n) for n in closed), every)
