"""The forecasting engine on synthetic series whose truth is known (no database)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting.engine import (
    Period,
    black_friday,
    closed_days,
    cyber_monday,
    daily_series,
    forecast_baseline,
    france_sales_periods,
)
from forecasting.engine.calendar import public_holidays
from forecasting.engine.promotions import Campaign, promotion_history

from .synthetic import date, days, expected_orders, poisson, series

HISTORY = days("2022-01-03", "2024-03-31")
AHEAD = days("2024-04-01", "2024-05-26")  # Easter Monday, 1 and 8 May, Ascension, Whit Monday


@pytest.fixture(scope="module")
def seasonal_forecast():
    history = series(HISTORY, poisson(expected_orders(HISTORY)))
    return forecast_baseline(history, country="FR", start=AHEAD[0].date(), end=AHEAD[-1].date())


def test_weekly_yearly_trend_and_holidays_are_recovered_within_6_percent(seasonal_forecast):
    truth = expected_orders(AHEAD)
    forecast = seasonal_forecast.days["orders"].to_numpy()
    assert seasonal_forecast.method not in ("weekday_average", "seasonal_naive")
    assert np.abs(forecast - truth).sum() / truth.sum() < 0.06
    # The weekly rhythm: Friday over Sunday as in the truth (1.2 / 0.6 = 2) within 15 %.
    by_weekday = seasonal_forecast.days["orders"].groupby(AHEAD.day_of_week).sum()
    assert by_weekday[4] / by_weekday[6] == pytest.approx(2.0, rel=0.15)


def test_public_holidays_are_forecast_at_their_effect_within_20_percent(seasonal_forecast):
    holiday = (public_holidays(AHEAD, "FR") != "").to_numpy()
    assert holiday.sum() >= 4
    truth = expected_orders(AHEAD)[holiday]
    forecast = seasonal_forecast.days["orders"].to_numpy()[holiday]
    assert forecast.sum() / truth.sum() == pytest.approx(1.0, abs=0.20)


def test_the_backtest_reports_the_candidates_and_the_chosen_one_is_the_lowest(seasonal_forecast):
    figures = seasonal_forecast.backtest
    assert {"weekday_average", "seasonal_naive", "calendar_regression", "holt_winters"} <= set(figures.wape)
    assert figures.wape[seasonal_forecast.method] == min(figures.wape.values())
    assert figures.wape[seasonal_forecast.method] < figures.wape["weekday_average"]


def test_an_injected_40_percent_promotion_does_not_raise_the_baseline():
    history_days = days("2023-01-02", "2024-03-31")
    truth = expected_orders(history_days, yearly_amplitude=0.0, trend_per_year=0.0, holiday_factor=1.0)
    promotion = Period(date("2024-03-04"), date("2024-03-31"))  # the last four weeks
    inside = history_days >= "2024-03-04"
    history = series(history_days, poisson(np.where(inside, truth * 1.4, truth)))
    ahead = days("2024-04-01", "2024-04-28")
    expected = expected_orders(ahead, yearly_amplitude=0.0, trend_per_year=0.0, holiday_factor=1.0).sum()
    start, end = ahead[0].date(), ahead[-1].date()
    for method in ("weekday_average", "holt_winters", None):
        left_out = forecast_baseline(history, country="GB", start=start, end=end, promotions=[promotion], method=method)
        assert left_out.days["orders"].sum() / expected == pytest.approx(1.0, abs=0.06), method
    # Without saying so, the promotion's orders would have counted as baseline.
    counted = forecast_baseline(history, country="GB", start=start, end=end, method="weekday_average")
    assert counted.days["orders"].sum() / expected > 1.15


def test_weekdays_the_shop_never_trades_and_its_closed_holidays_are_forecast_0():
    history_days = days("2023-01-02", "2024-03-31")
    truth = expected_orders(history_days, holiday_factor=0.0, level=30.0)
    truth[history_days.day_of_week == 6] = 0.0  # never on Sundays
    history = series(history_days, poisson(truth))
    closed = closed_days(history, "FR")
    assert closed.weekdays == {6}
    assert closed.every_holiday
    result = forecast_baseline(history, country="FR", start=date("2024-04-01"), end=date("2024-05-12")).days
    sundays = result[result.index.day_of_week == 6]
    holidays = result[(public_holidays(result.index, "FR") != "").to_numpy()]
    assert len(holidays) >= 3
    for closed_rows in (sundays, holidays):
        assert (closed_rows[["orders", "orders_lo80", "orders_hi80"]] == 0).all().all()
    open_days = result.drop(sundays.index.union(holidays.index))
    assert (open_days["orders"] > 10).all()


def test_a_small_shop_s_quiet_sundays_are_not_called_closed():
    # One order a day: four Sundays without an order happen by chance (e^-4 ≈ 2 %).
    history_days = days("2024-01-01", "2024-03-31")
    values = np.where(history_days.day_of_week == 6, 0.0, 1.0)
    assert closed_days(series(history_days[-28:], values[-28:]), "FR").weekdays == frozenset()
    # Thirteen of them (e^-13) are a closure.
    assert closed_days(series(history_days, values), "FR").weekdays == {6}


def test_80_percent_intervals_cover_70_to_90_percent_of_days_with_known_noise():
    rng = np.random.default_rng(11)
    all_days = days("2022-01-03", "2024-12-29")
    mean = 200.0 * np.array([1.0, 1.1, 1.05, 1.0, 1.2, 0.8, 0.6])[all_days.day_of_week]
    noisy = np.maximum(np.round(mean + rng.normal(0.0, 25.0, len(all_days))), 0.0)
    split = all_days.get_loc(pd.Timestamp("2024-01-01"))
    history = series(all_days[:split], noisy[:split])
    result = forecast_baseline(history, country="GB", start=date("2024-01-01"), end=date("2024-12-29"))
    actual = noisy[split:]
    inside = (actual >= result.days["orders_lo80"].to_numpy()) & (actual <= result.days["orders_hi80"].to_numpy())
    assert 0.70 <= inside.mean() <= 0.90


def test_absent_days_of_the_history_are_days_without_orders():
    result = daily_series([dt.date(2024, 1, 1), dt.date(2024, 1, 4)], [3, 5])
    assert result.tolist() == [3.0, 0.0, 0.0, 5.0]
    assert result.index[1] == pd.Timestamp("2024-01-02")


def test_under_a_year_of_history_says_there_is_no_yearly_seasonality_yet():
    history_days = days("2024-01-01", "2024-06-30")
    history = series(history_days, poisson(expected_orders(history_days)))
    result = forecast_baseline(history, country="FR", start=date("2024-07-01"), end=date("2024-07-14"))
    codes = {note.code for note in result.notes}
    assert {"no_yearly_seasonality", "no_seasonal_naive"} <= codes
    assert "seasonal_naive" not in result.backtest.wape
    assert result.as_dict()["backtest"]["seasonal_naive_wape"] is None


def test_black_friday_is_the_friday_after_the_fourth_thursday_and_cyber_monday_follows():
    assert black_friday(2024) == dt.date(2024, 11, 29)
    assert black_friday(2023) == dt.date(2023, 11, 24)
    assert black_friday(2011) == dt.date(2011, 11, 25)
    assert cyber_monday(2024) == dt.date(2024, 12, 2)


@pytest.mark.parametrize(
    ("year", "winter", "summer"),
    [
        (2024, ("2024-01-10", "2024-02-06"), ("2024-06-26", "2024-07-23")),
        (2026, ("2026-01-07", "2026-02-03"), ("2026-06-24", "2026-07-21")),  # 2nd Wednesday the 14th: moved to the 7th
        (2022, ("2022-01-12", "2022-02-08"), ("2022-06-22", "2022-07-19")),  # last Wednesday the 29th: moved to the 22nd
        (2017, ("2017-01-11", "2017-02-21"), ("2017-06-28", "2017-08-08")),  # six weeks before 2020
    ],
)
def test_france_s_national_sales_start_on_the_legal_wednesday(year, winter, summer):
    periods = france_sales_periods(year)
    assert [(a.isoformat(), b.isoformat()) for a, b in periods] == [winter, summer]


CAMPAIGN_HISTORY = days("2023-01-02", "2024-12-29")
PAST = [
    ("spring", "2023-04-03", "2023-04-09"),
    ("summer", "2023-07-03", "2023-07-09"),
    ("autumn", "2023-10-02", "2023-10-08"),
    ("winter", "2024-02-05", "2024-02-11"),
    ("may", "2024-05-06", "2024-05-12"),
]
LIVE = ("live", "2024-12-23", "2025-01-05")  # 7 of its 14 days in the history


@pytest.fixture(scope="module")
def memory():
    """+50 % during each campaign, then -10 % for 14 days: a dip of 0.1 × 14 / (0.5 × 7) = 40 %."""
    truth = expected_orders(CAMPAIGN_HISTORY, yearly_amplitude=0.0, trend_per_year=0.0, holiday_factor=1.0)
    factor = np.ones(len(CAMPAIGN_HISTORY))
    for _, first, last in PAST:
        end = pd.Timestamp(last)
        factor[(CAMPAIGN_HISTORY >= first) & (CAMPAIGN_HISTORY <= end)] = 1.5
        factor[(CAMPAIGN_HISTORY > end) & (CAMPAIGN_HISTORY <= end + pd.Timedelta(days=14))] = 0.9
    factor[CAMPAIGN_HISTORY >= LIVE[1]] = 1.5
    history = series(CAMPAIGN_HISTORY, poisson(truth * factor, seed=3))
    campaigns = [Campaign(n, Period(date(a), date(b)), "percent_off", 0.2) for n, a, b in (*PAST, LIVE)]
    return promotion_history(history, campaigns, country="FR")


def test_each_campaign_s_uplift_and_dip_are_recovered(memory):
    finished = [m for m in memory.campaigns if m.finished]
    assert len(finished) == 5
    for item in finished:
        assert item.uplift == pytest.approx(0.5, abs=0.10), item.campaign.name
        assert item.uplift_lo80 < item.uplift < item.uplift_hi80
        assert item.dip_share == pytest.approx(0.4, abs=0.30), item.campaign.name
    covered = sum(m.uplift_lo80 <= 0.5 <= m.uplift_hi80 for m in finished)
    assert covered >= 3
    assert np.mean([m.dip_share for m in finished]) == pytest.approx(0.4, abs=0.12)


def test_uplifts_pool_by_mechanic_and_depth_band(memory):
    (pooled,) = memory.pooled  # the live campaign is not pooled
    assert (pooled.mechanic, pooled.depth_band, pooled.n) == ("percent_off", "15-30", 5)
    assert pooled.uplift == pytest.approx(0.5, abs=0.06)
    assert pooled.uplift_lo80 < 0.5 < pooled.uplift_hi80


def test_a_campaign_in_progress_is_projected_to_its_end(memory):
    live = memory.campaigns[-1]
    assert not live.finished
    assert live.projected.uplift == pytest.approx(0.5, abs=0.12)
    assert live.projected.uplift_lo80 < live.projected.uplift < live.projected.uplift_hi80
    # Twice the days seen so far, at their uplift: about 1.5 × 14 days of ~100 orders.
    assert live.projected.orders == pytest.approx(1.5 * 14 * 96.4, rel=0.12)


def test_a_campaign_without_uplift_measures_about_zero():
    history_days = days("2023-01-02", "2024-06-30")
    history = series(history_days, poisson(expected_orders(history_days, trend_per_year=0.0)))
    quiet = Campaign("quiet", Period(date("2024-03-04"), date("2024-03-17")), "free_shipping")
    (item,) = promotion_history(history, [quiet], country="FR").campaigns
    assert item.uplift == pytest.approx(0.0, abs=0.08)
    assert item.uplift_lo80 < 0.0 < item.uplift_hi80


@pytest.mark.parametrize(
    ("mechanic", "depth", "band"),
    [
        ("percent_off", 0.10, "<15"),
        ("percent_off", 0.15, "15-30"),
        ("percent_off", 0.30, "15-30"),
        ("percent_off", 0.35, ">30"),
        ("amount_off", 5 / 20, "15-30"),  # 5 off a 20 price
        ("amount_off", None, "unknown"),  # no unit price given: its own band
        ("buy_x_get_y", None, None),
        ("free_shipping", None, None),
    ],
)
def test_campaigns_band_by_discount_depth(mechanic, depth, band):
    campaign = Campaign("c", Period(date("2024-01-01"), date("2024-01-07")), mechanic, depth)
    assert campaign.depth_band == band


def test_pooling_weighs_the_more_certain_campaign_more():
    from forecasting.engine.promotions import CampaignMemory, pool

    def measured(uplift, half_width):
        c = Campaign("c", Period(date("2024-01-01"), date("2024-01-07")), "free_shipping")
        return CampaignMemory(c, 100.0, 80.0, uplift, uplift - half_width, uplift + half_width, 0.0, None)

    (pooled,) = pool([measured(0.2, 0.02), measured(0.6, 0.4)])
    assert pooled.n == 2
    assert 0.2 < pooled.uplift < 0.3
    assert pooled.uplift_lo80 < 0.2 and pooled.uplift_hi80 > pooled.uplift


def test_without_a_month_outside_the_campaigns_nothing_is_measured():
    history_days = days("2024-01-01", "2024-02-19")
    history = series(history_days, poisson(np.full(len(history_days), 20.0)))
    everything = Campaign("all", Period(date("2024-01-01"), date("2024-02-19")), "percent_off", 0.2)
    result = promotion_history(history, [everything], country="FR")
    (item,) = result.campaigns
    assert item.uplift is None and item.baseline_orders is None
    assert result.pooled == ()


def test_the_engine_imports_no_django():
    import subprocess
    import sys

    code = "import sys, forecasting.engine, forecasting.engine.promotions; print('django' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
