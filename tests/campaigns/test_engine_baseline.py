"""The weekday-average baseline: a day the shop does not trade is 0 (forecasting.md § 1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecasting.engine.fallback import weekday_averages

DATA = Path("/work/shared/data")
UCI_DAILY = DATA / "online_retail_daily_2010-12-01_2011-12-09.csv"


def _history(values_by_day: dict[str, float]) -> pd.Series:
    series = pd.Series(values_by_day, dtype="float64")
    series.index = pd.to_datetime(series.index)
    return series


def test_a_weekday_never_traded_averages_zero():
    # Two weeks from Monday 2 Nov 2026, nothing on either Saturday.
    days = pd.date_range("2026-11-02", "2026-11-15", freq="D")
    history = pd.Series([10.0] * len(days), index=days)[days.day_of_week != 5]
    averages = weekday_averages(history)
    assert averages[5] == 0.0
    assert averages.tolist() == [10.0, 10.0, 10.0, 10.0, 10.0, 0.0, 10.0]


def test_an_absent_day_between_trading_days_counts_as_no_orders():
    # Mondays 2 and 16 Nov traded, Monday 9 Nov absent: (12 + 0 + 6) / 3.
    history = _history({"2026-11-02": 12, "2026-11-16": 6})
    assert weekday_averages(history)[0] == pytest.approx(6.0)


def test_a_weekday_outside_a_short_history_is_unknown_and_takes_the_mean():
    history = _history({"2026-11-02": 10, "2026-11-03": 20})  # a Monday and a Tuesday only
    averages = weekday_averages(history)
    assert averages[:2].tolist() == [10.0, 20.0]
    assert averages[2:].tolist() == [15.0] * 5


@given(st.lists(st.tuples(st.integers(0, 90), st.floats(0, 500)), min_size=1, max_size=60))
def test_each_weekday_averages_its_days_totals_over_the_span(rows):
    # Several rows may fall on one day (they add up); the days between without a row sold nothing.
    first = dt.date(2026, 1, 5)
    history = pd.Series([v for _d, v in rows], index=pd.to_datetime([first + dt.timedelta(days=d) for d, _v in rows]))
    totals = {first + dt.timedelta(days=d): 0.0 for d in range(min(d for d, _v in rows), max(d for d, _v in rows) + 1)}
    for d, v in rows:
        totals[first + dt.timedelta(days=d)] += v
    overall = sum(totals.values()) / len(totals)
    for weekday, average in enumerate(weekday_averages(history)):
        days = [total for day, total in totals.items() if day.weekday() == weekday]
        assert average == pytest.approx(sum(days) / len(days) if days else overall)


@pytest.mark.skipif(not UCI_DAILY.exists(), reason="the shared data folder is absent")
def test_the_uci_shop_closed_on_saturdays_plans_none():
    daily = pd.read_csv(UCI_DAILY, parse_dates=["date"]).set_index("date")["orders_noncancel"]
    last_eight_weeks = daily[daily.index >= daily.index.max() - pd.Timedelta(weeks=8)]
    averages = weekday_averages(last_eight_weeks.astype("float64"))
    assert averages[5] == 0.0
    assert averages[:5].min() > 50
