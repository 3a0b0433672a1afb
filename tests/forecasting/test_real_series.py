"""On real shops' daily orders (../shared/data/): the backtest's choice beats the weekday
average of 8 weeks, the method the product used until now."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from forecasting.engine import daily_series, forecast_baseline

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SERIES = {
    # The UCI Online Retail year (a UK wholesaler, no trading on Saturdays).
    "uci_online_retail": ("online_retail_daily_2010-12-01_2011-12-09.csv", "orders_noncancel", "GB"),
    # A small Australian Shopify shop, about one order a day, 2.7 years.
    "shopify_small_shop_au": ("shopify_small_shop_AU_daily_orders_2014-09-04_2017-05-08.csv", "orders", "AU"),
}


def load(name: str) -> tuple[pd.Series, str]:
    file, column, country = SERIES[name]
    path = DATA / file
    if not path.exists():
        pytest.skip(f"{path} is absent: the real series live in ../shared/data/ beside the project")
    frame = pd.read_csv(path)
    return daily_series(pd.to_datetime(frame["date"]).dt.date, frame[column]), country


@pytest.mark.parametrize("name", list(SERIES))
def test_the_chosen_method_beats_the_weekday_average_in_the_backtest(name):
    history, country = load(name)
    start = history.index[-1].date() + dt.timedelta(days=1)
    result = forecast_baseline(history, country=country, start=start, end=start + dt.timedelta(days=55))
    figures = result.backtest
    assert result.method != "weekday_average"
    assert figures.wape[result.method] < figures.wape["weekday_average"]
    assert result.as_dict()["backtest"]["wape"] == round(figures.wape[result.method], 4)
