"""The forecast page: the stored forecast, its method and backtest, what it rests on; FR/EN;
nothing fitted in the request; another organisation's forecast is not shown."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pandas as pd
import pytest
from django.utils import timezone

from forecasting import services, sources
from sales.models import DailyActual
from tests.factories import make_user_in

from .synthetic import expected_orders, poisson

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


@pytest.fixture
def fitted(org):
    today = timezone.localdate()
    index = pd.date_range(today - dt.timedelta(days=200), today - dt.timedelta(days=1))
    orders = poisson(expected_orders(index))
    DailyActual.objects.bulk_create(
        DailyActual(organization=org, date=day.date(), orders=D(int(n))) for day, n in zip(index, orders, strict=True)
    )
    history, campaigns = sources.organisation_history(org, today)
    return services.forecast_refit(organization=org, history=history, campaigns=campaigns, today=today)


def url(org):
    return f"/o/{org.slug}/forecast/"


def test_the_page_shows_the_method_its_backtest_and_what_it_rests_on_in_english(fitted, org, viewer, client_for):
    body = client_for(viewer, **EN).get(url(org)).content.decode()
    wape = round(fitted.backtest["wape"] * 100)
    average = round(fitted.backtest["weekday_average_wape"] * 100)
    assert f"this forecast was off by {wape}%; the weekday average by {average}%" in body
    assert "200 days of history: under a year, no yearly seasonality yet." in body
    assert "Rests on 200 days of history" in body
    assert 'data-figure=' in body and "80 % interval" in body
    assert "Orders expected in the next 8 weeks" in body


def test_the_page_in_french(fitted, org, viewer, client_for):
    body = client_for(viewer, **FR).get(url(org)).content.decode()
    assert "cette prévision s’est trompée de" in body
    assert "pas encore de saisonnalité annuelle" in body
    assert "Prévision" in body


def test_the_page_fits_nothing(fitted, org, viewer, client_for, monkeypatch):
    def no_fit(*args, **kwargs):
        raise AssertionError("fitted in a web request")

    monkeypatch.setattr(services, "forecast_baseline", no_fit)
    monkeypatch.setattr(services, "promotion_history", no_fit)
    assert client_for(viewer, **EN).get(url(org)).status_code == 200


def test_before_any_refit_the_page_says_how_a_forecast_comes(org, viewer, client_for):
    body = client_for(viewer, **EN).get(url(org)).content.decode()
    assert "No forecast yet: import orders or type a day" in body and "data-figure" not in body


def test_a_stranger_gets_404(fitted, org, other_org, client_for):
    stranger = make_user_in(other_org)
    assert client_for(stranger).get(url(org)).status_code == 404


def test_the_organisation_menu_links_to_the_page(org, viewer, client_for):
    body = client_for(viewer, **EN).get(f"/o/{org.slug}/").content.decode()
    assert f'href="{url(org)}"' in body


@pytest.fixture
def fitted_two_years(org):
    """500 days of history, Black Friday a year ago at 5 times a day's orders."""
    today = timezone.localdate()
    index = pd.date_range(today - dt.timedelta(days=500), today - dt.timedelta(days=1))
    orders = poisson(expected_orders(index))
    DailyActual.objects.bulk_create(
        DailyActual(organization=org, date=day.date(), orders=D(int(n))) for day, n in zip(index, orders, strict=True)
    )
    history, campaigns = sources.organisation_history(org, today)
    forecast = services.forecast_refit(organization=org, history=history, campaigns=campaigns, today=today)
    return forecast, services.history_series(history, before=today)


def test_last_year_aligned_by_weekday_and_by_event(fitted_two_years, org, viewer, client_for, django_assert_max_num_queries):
    from forecasting.engine.calendar import black_friday
    from plannerist.templatetags.plannerist import num

    forecast, history = fitted_two_years
    client = client_for(viewer, **EN)
    with django_assert_max_num_queries(8):  # session, user, memberships, forecast, days, actuals, campaigns
        body = client.get(url(org)).content.decode()
    assert "last year, same weekday" in body and "Same weeks last year" in body
    # The first forecast week's row: the same 7 weekdays 364 days before, summed.
    first = forecast.fitted_for
    week_start = first - dt.timedelta(days=first.weekday())
    week = pd.date_range(first, week_start + dt.timedelta(days=6)) - pd.Timedelta(days=364)
    assert f"<td class=\"num\">{num(history.reindex(week).sum(), 0)}</td></tr>" in body
    # Black Friday ahead faces last year's Black Friday, by its own date.
    year = first.year if first <= black_friday(first.year) else first.year + 1
    last = black_friday(year - 1)
    assert "Black Friday" in body
    assert last.strftime("%a %-d %b %Y") in body and black_friday(year).strftime("%a %-d %b %Y") in body
    assert "A year before, on the same weekdays" in body


def test_last_year_in_french(fitted_two_years, org, viewer, client_for):
    body = client_for(viewer, **FR).get(url(org)).content.decode()
    assert "Mêmes semaines l’an dernier" in body and "face au Black Friday de l’an dernier" in body
