"""Last year against the forecast: the same period aligned by weekday (364 days back, so a
Monday faces a Monday) and by event (Black Friday against last year's Black Friday, whose
date moves by a few days)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calendar import black_friday, cyber_monday, france_sales_periods

WEEKDAY_ALIGNED_DAYS = 364  # 52 weeks: the same weekday a year before


def same_weekday_last_year(history: pd.Series, days: pd.DatetimeIndex) -> pd.Series:
    """Orders of the day 364 days before each of ``days`` (index: ``days``); NaN where the
    history does not reach back that far (or not forward: a day not yet in it)."""
    earlier = days - pd.Timedelta(days=WEEKDAY_ALIGNED_DAYS)
    return pd.Series(history.reindex(earlier).to_numpy(dtype=float), index=days)


EVENT_CODES = ("black_friday", "cyber_monday", "christmas_eve", "winter_sales", "summer_sales")


def event_day(code: str, year: int, country: str) -> dt.date | None:
    """The day of event ``code`` in ``year`` (the first day for the sales); None where the
    event does not exist there (the legal sales periods are France's)."""
    if code == "black_friday":
        return black_friday(year)
    if code == "cyber_monday":
        return cyber_monday(year)
    if code == "christmas_eve":
        return dt.date(year, 12, 24)
    if code in ("winter_sales", "summer_sales") and country == "FR":
        periods = france_sales_periods(year)
        if periods:
            return periods[0][0] if code == "winter_sales" else periods[1][0]
    return None


@dataclass(frozen=True)
class EventComparison:
    code: str
    day: dt.date  # its next occurrence inside the forecast
    orders: float
    orders_lo80: float
    orders_hi80: float
    last_day: dt.date  # the same event a year before
    last_orders: float | None  # None: the history does not hold that day


def event_comparisons(history: pd.Series, days: pd.DataFrame, *, country: str) -> list[EventComparison]:
    """For each event whose next occurrence falls inside the forecast ``days`` (index: day;
    orders, orders_lo80, orders_hi80), its forecast beside last year's same event's actual
    orders, by date."""
    if days.empty:
        return []
    first, last = days.index[0].date(), days.index[-1].date()
    found = []
    for code in EVENT_CODES:
        for year in range(first.year, last.year + 1):
            day = event_day(code, year, country)
            if day is None or not first <= day <= last:
                continue
            before = event_day(code, year - 1, country)
            if before is None:
                continue
            row = days.loc[pd.Timestamp(day)]
            actual = history.get(pd.Timestamp(before))
            found.append(EventComparison(
                code, day, float(row["orders"]), float(row["orders_lo80"]), float(row["orders_hi80"]),
                before, None if actual is None or np.isnan(actual) else float(actual),
            ))
            break  # the next occurrence only
    return sorted(found, key=lambda e: e.day)
