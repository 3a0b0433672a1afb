"""The recompute's capacity outlook (the dashboard's 8-week load and its signals) plans from
the stored forecast when the demand comes from the history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from capacity.models import CapacityPlan
from forecasting.models import Forecast, ForecastDay
from kpis.selectors import forecast_table
from kpis.services import kpis_recompute
from tests.capacity.factories import make_resource, make_staff

pytestmark = pytest.mark.django_db


def test_the_outlook_s_weekly_orders_are_the_stored_forecast_s(org):
    CapacityPlan.objects.create(organization=org, baseline_source=CapacityPlan.BaselineSource.ACTUALS,
                                baseline_weeks=2, weekday_profile=[1] * 7, orders_per_day=D("99"))
    make_staff(make_resource(org))
    today = org.today()
    Forecast.objects.create(organization=org, fitted_at=timezone.now(), fitted_for=today, method="holt_winters",
                            history_days=400)
    # Weekdays 30 orders, weekends 10: a week of 170.
    ForecastDay.objects.bulk_create(
        ForecastDay(organization=org, date=day, orders=30.0 if day.weekday() < 5 else 10.0, orders_lo80=5.0,
                    orders_hi80=40.0)
        for day in (today + dt.timedelta(days=k) for k in range(120))
    )
    kpis_recompute(organization_id=org.id)
    table = forecast_table(org.id, since=today)
    orders = table[(table["kpi"] == "forecast_orders") & (table["scope_id"] == "")].set_index("period_start")["value"]
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    assert float(orders[next_monday]) == pytest.approx(170.0)
    assert float(orders[next_monday + dt.timedelta(weeks=1)]) == pytest.approx(170.0)
