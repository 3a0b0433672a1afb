"""One baseline helper for every page (issue 14): the stored forecast's days, the weekday
average where it holds none. The campaigns' sum and the peak check's days come from it and
agree, the edge case included (a period the forecast partly covers, with no actual)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import numpy as np
import pandas as pd
import pytest
from django.utils import timezone

from campaigns.selectors import baseline_for
from capacity.models import CapacityPlan
from capacity.selectors import Period, peak_report
from forecasting.engine.fallback import baseline_from
from forecasting.models import Forecast, ForecastDay
from forecasting.selectors import baseline_days
from sales.models import DailyActual
from tests.capacity.factories import make_resource, make_staff

MON = dt.date(2026, 12, 7)
DAYS = pd.date_range(MON, periods=14)


def stored(values: dict[int, float]) -> pd.DataFrame:
    """The forecast's days: offset from MON → orders (P90 = orders + 5)."""
    index = pd.DatetimeIndex([DAYS[k] for k in values])
    return pd.DataFrame({"orders": list(values.values()), "orders_hi80": [v + 5 for v in values.values()]}, index=index)


def test_every_day_held_is_the_forecast_and_its_p90():
    found = baseline_from(DAYS, stored({k: 10.0 + k for k in range(14)}).reindex(DAYS), pd.Series(dtype="float64"))
    assert found.source == "forecast" and found.total == pytest.approx(sum(10 + k for k in range(14)))
    assert found.busy.tolist() == [15.0 + k for k in range(14)]


def test_the_days_it_does_not_hold_take_the_actuals_weekday_average():
    history = pd.Series(4.0, index=pd.date_range(MON - dt.timedelta(days=56), periods=56))
    found = baseline_from(DAYS, stored({k: 20.0 for k in range(7)}).reindex(DAYS), history)
    assert found.source == "forecast_partial" and found.orders.tolist() == [20.0] * 7 + [4.0] * 7
    assert found.busy.tolist() == [25.0] * 7 + [4.0] * 7


def test_partly_held_without_any_actual_the_rest_follows_the_forecasts_own_weekdays():
    # The forecast holds the first week (Monday 20, the other days 10), nothing holds the second.
    week = {k: 20.0 if k == 0 else 10.0 for k in range(7)}
    found = baseline_from(DAYS, stored(week).reindex(DAYS), pd.Series(dtype="float64"))
    assert found.source == "forecast_partial"
    assert found.orders.tolist() == [20.0] + [10.0] * 6 + [20.0] + [10.0] * 6  # not 0, and not dropped
    assert found.total == pytest.approx(160.0)


def test_neither_forecast_nor_actuals_is_missing():
    found = baseline_from(DAYS, stored({}).reindex(DAYS), pd.Series(dtype="float64"))
    assert found.source == "missing" and found.orders is None and found.total == 0.0


@pytest.mark.django_db
def test_the_campaign_sum_and_the_peak_check_days_agree_on_a_partly_held_period_without_actuals(org):
    Forecast.objects.create(organization=org, fitted_at=timezone.now(), fitted_for=MON, method="holt_winters",
                            history_days=400)
    ForecastDay.objects.bulk_create(
        ForecastDay(organization=org, date=MON + dt.timedelta(days=k), orders=12.0, orders_lo80=8.0, orders_hi80=16.0)
        for k in range(7))
    end = MON + dt.timedelta(days=13)
    campaign = baseline_for(org, None, MON, end)
    CapacityPlan.objects.create(organization=org, baseline_source=CapacityPlan.BaselineSource.ACTUALS,
                                weekday_profile=[1] * 7, orders_per_day=D("99"))
    make_staff(make_resource(org))
    report = peak_report(org, Period(MON, end), today=MON)
    assert campaign.source == report.baseline_source == "forecast_partial"
    assert campaign.orders == pytest.approx(float(np.sum(report.demand.base_orders))) == pytest.approx(14 * 12.0)
    assert report.demand.base_orders.tolist() != [99.0] * 14  # the forecast is not dropped for the typed plan


@pytest.mark.django_db
def test_the_helper_reads_the_forecast_once_and_the_actuals_only_when_it_needs_them(org, django_assert_num_queries):
    ForecastDay.objects.bulk_create(
        ForecastDay(organization=org, date=MON + dt.timedelta(days=k), orders=12.0, orders_lo80=8.0, orders_hi80=16.0)
        for k in range(7))
    DailyActual.objects.create(organization=org, date=MON - dt.timedelta(days=3), orders=D("5"))
    asked = []

    def history(first, last):
        asked.append((first, last))
        return pd.Series([5.0], index=pd.DatetimeIndex([MON - dt.timedelta(days=3)]))

    with django_assert_num_queries(1):
        held = baseline_days(org.id, MON, MON + dt.timedelta(days=6), today=MON, history=history)
    assert held.source == "forecast" and asked == []
    with django_assert_num_queries(1):
        longer = baseline_days(org.id, MON, MON + dt.timedelta(days=9), today=MON, history=history)
    assert longer.source == "forecast_partial" and asked == [(MON - dt.timedelta(weeks=8), MON - dt.timedelta(days=1))]
