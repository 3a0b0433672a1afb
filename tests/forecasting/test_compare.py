"""Last year against the forecast: aligned by weekday (364 days) and by event (no database)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from forecasting.engine.compare import event_comparisons, event_day, same_weekday_last_year

from .synthetic import days, series


def forecast_frame(index: pd.DatetimeIndex, level: float = 50.0) -> pd.DataFrame:
    values = np.full(len(index), level)
    return pd.DataFrame({"orders": values, "orders_lo80": values - 10, "orders_hi80": values + 10}, index=index)


def test_each_day_faces_the_same_weekday_52_weeks_before_and_nan_beyond_the_history():
    history = series(days("2025-01-01", "2025-12-31"), np.arange(365, dtype=float))
    ahead = days("2025-12-20", "2026-01-10")
    aligned = same_weekday_last_year(history, ahead)
    assert (aligned.index.day_of_week == (aligned.index - pd.Timedelta(days=364)).day_of_week).all()
    # 2026-01-05 (a Monday) faces 2025-01-06 (a Monday), the history's 6th day (value 5).
    assert aligned[pd.Timestamp("2026-01-05")] == 5.0
    assert pd.Timestamp("2025-01-06").day_of_week == pd.Timestamp("2026-01-05").day_of_week == 0
    # 2025-12-20 faces 2024-12-21, before the history: unknown, not 0.
    assert np.isnan(aligned[pd.Timestamp("2025-12-20")])


def test_black_friday_faces_last_years_black_friday_not_the_same_date():
    history = series(days("2025-01-01", "2026-11-30"), np.ones(699))
    history[pd.Timestamp("2025-11-28")] = 240.0  # Black Friday 2025
    history[pd.Timestamp("2025-11-27")] = 3.0  # the date of Black Friday 2026, a year before
    ahead = forecast_frame(days("2026-12-01", "2027-12-31"))
    found = {e.code: e for e in event_comparisons(history, ahead, country="GB")}
    friday = found["black_friday"]
    assert (friday.day, friday.last_day, friday.last_orders) == (dt.date(2027, 11, 26), dt.date(2026, 11, 27), 1.0)
    ahead = forecast_frame(days("2026-11-01", "2026-12-31"))
    friday = {e.code: e for e in event_comparisons(history, ahead, country="GB")}["black_friday"]
    assert (friday.day, friday.last_day, friday.last_orders) == (dt.date(2026, 11, 27), dt.date(2025, 11, 28), 240.0)
    assert (friday.orders, friday.orders_lo80, friday.orders_hi80) == (50.0, 40.0, 60.0)


def test_events_outside_the_forecast_or_the_history_and_the_sales_only_in_france():
    history = series(days("2026-06-01", "2026-11-30"), np.ones(183))
    ahead = forecast_frame(days("2026-12-01", "2027-02-28"))
    gb = {e.code: e for e in event_comparisons(history, ahead, country="GB")}
    assert set(gb) == {"christmas_eve"}  # Black Friday 2026 is before the forecast, 2027's after
    assert gb["christmas_eve"].last_orders is None  # 24 Dec 2025 is before the history
    fr = {e.code for e in event_comparisons(history, ahead, country="FR")}
    assert fr == {"christmas_eve", "winter_sales"}
    assert event_day("winter_sales", 2027, "FR") == dt.date(2027, 1, 6)  # the 2nd Wednesday is after the 12th
    assert event_day("summer_sales", 2027, "GB") is None
    assert event_comparisons(history, forecast_frame(days("2026-12-01", "2026-11-30")), country="FR") == []
