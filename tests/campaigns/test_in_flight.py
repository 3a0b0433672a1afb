"""A live campaign in flight (issue 14): its days so far against the counterfactual the refit
stored, the pace with its interval, the projected end (orders, revenue, margin after the cost
to deliver), the stop / amplify signal, on the campaign page and the dashboard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import numpy as np
import pandas as pd
import pytest

from campaigns.in_flight import NO_CAPACITY, live_projection
from capacity.models import CapacityPlan
from forecasting import services as forecasting_services
from forecasting.engine.inflight import MIN_DAYS, in_flight
from forecasting.models import CounterfactualDay, ForecastDay
from forecasting.sources import CampaignWindow
from kpis import services as kpis_services
from kpis.models import CampaignPace, Signal
from sales.models import DailyActual
from tests import factories
from tests.capacity.factories import make_resource, make_staff
from tests.forecasting.synthetic import days, expected_orders, poisson

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
BASE = 100.0
TEN_DAYS = pd.Series(BASE, index=pd.date_range("2026-12-01", periods=10))


# ------------------------------------------------------------------------------ the engine


def test_the_pace_after_4_of_10_days_is_the_ratio_to_the_counterfactual_and_projects_the_rest():
    actual = pd.Series([110.0, 114.0, 108.0, 116.0], index=TEN_DAYS.index[:4])
    pace = in_flight(TEN_DAYS, actual, last_day=TEN_DAYS.index[3])
    assert pace.enough and pace.days_elapsed == 4 and pace.days_total == 10
    assert pace.uplift == pytest.approx(0.12)
    assert pace.uplift_lo80 < 0.12 < pace.uplift_hi80
    assert pace.projected_orders == pytest.approx(448 + 1.12 * 600)
    assert pace.projected_lo80 < pace.projected_orders < pace.projected_hi80
    assert pace.projected_uplift(pace.projected_orders) == pytest.approx(0.12)


def test_a_noisier_pace_gets_a_wider_interval_at_the_same_uplift():
    steady = in_flight(TEN_DAYS, pd.Series([111.0, 113.0, 112.0, 112.0], index=TEN_DAYS.index[:4]),
                       last_day=TEN_DAYS.index[3])
    noisy = in_flight(TEN_DAYS, pd.Series([80.0, 150.0, 90.0, 128.0], index=TEN_DAYS.index[:4]),
                      last_day=TEN_DAYS.index[3])
    assert steady.uplift == pytest.approx(noisy.uplift) == pytest.approx(0.12)
    assert (noisy.uplift_hi80 - noisy.uplift_lo80) > 5 * (steady.uplift_hi80 - steady.uplift_lo80)


def test_under_three_days_with_actuals_there_is_no_pace_yet():
    actual = pd.Series([150.0, 160.0], index=TEN_DAYS.index[:2])
    pace = in_flight(TEN_DAYS, actual, last_day=TEN_DAYS.index[5])
    assert MIN_DAYS == 3 and not pace.enough and pace.days_elapsed == 2
    assert pace.uplift is None and pace.projected_orders is None
    assert pace.actual_orders == 310 and pace.baseline_so_far == 200


def test_a_day_without_actuals_between_two_known_days_sold_nothing():
    actual = pd.Series([100.0, 100.0], index=TEN_DAYS.index[[0, 2]])
    pace = in_flight(TEN_DAYS, actual, last_day=TEN_DAYS.index[5])
    assert pace.days_elapsed == 3 and pace.actual_orders == 200
    assert pace.uplift == pytest.approx(200 / 300 - 1)
    assert np.isnan(pace.days["actual"].iloc[3]) and pace.days["actual"].iloc[1] == 0


# ------------------------------------------------------------------------------ the refit stores it


@pytest.mark.django_db
def test_the_refit_stores_a_live_campaigns_counterfactual_day_by_day_uninflated_by_its_own_days(org):
    today = dt.date(2024, 4, 1)
    history_days = days("2023-01-02", "2024-03-31")
    expected = expected_orders(history_days)
    orders = poisson(expected).astype(float)
    live = CampaignWindow(41, "Spring", dt.date(2024, 3, 26), dt.date(2024, 4, 4), "percent_off", 0.2)
    on_campaign = np.asarray(history_days >= pd.Timestamp(live.start))
    orders[on_campaign] = np.round(orders[on_campaign] * 1.4)  # the campaign's +40 % so far
    history = pd.DataFrame({"date": history_days.date, "orders": orders})
    forecasting_services.forecast_refit(organization=org, history=history, campaigns=[live], today=today)
    rows = list(CounterfactualDay.objects.filter(organization=org, campaign_id=41).values_list("date", "orders"))
    assert [day for day, _ in rows] == [live.start + dt.timedelta(days=k) for k in range(10)]
    stored = dict(rows)
    forecast = dict(ForecastDay.objects.filter(organization=org, date__gte=today, date__lte=live.end)
                    .values_list("date", "orders"))
    assert all(stored[day] == pytest.approx(forecast[day]) for day in forecast)  # days ahead: the forecast's
    past = [day for day in stored if day < today]
    truth = expected[on_campaign]
    counted = np.array([stored[day] for day in past])
    assert abs(counted.sum() / truth.sum() - 1) < 0.15  # the counterfactual, not the +40 % days
    assert (counted.sum() / orders[on_campaign].sum()) < 0.85


# ------------------------------------------------------------------------------ pages and signals


@pytest.fixture
def shop(org):
    factories.make_product(org, price=D("30"), unit_cost=D("9"))
    return factories.make_channel(org, units_per_order=D("1"), shipping_fee=D("0"), shipping_cost=D("5"))


def live_campaign(org, shop, *, elapsed: int, daily: list[float], **fields):
    """A live 10-day campaign started ``elapsed`` days before the organisation's today, its
    counterfactual 100 orders a day, ``daily`` its actuals from its first day."""
    start = org.today() - dt.timedelta(days=elapsed)
    campaign = factories.make_campaign(org, channel=shop, status="live", start=start,
                                       end=start + dt.timedelta(days=9), baseline_orders=None, **fields)
    CounterfactualDay.objects.bulk_create(
        CounterfactualDay(organization=org, campaign_id=campaign.pk, date=start + dt.timedelta(days=k), orders=BASE)
        for k in range(10))
    DailyActual.objects.bulk_create(
        DailyActual(organization=org, date=start + dt.timedelta(days=k), orders=D(str(n))) for k, n in enumerate(daily))
    return campaign


@pytest.fixture
def team(org):
    """One packer, 12 hours every day, 2 minutes an order: room for 360 orders a day."""
    CapacityPlan.objects.create(organization=org, baseline_source="typed", orders_per_day=D("100"),
                                weekday_profile=[1] * 7)
    resource = make_resource(org, minutes_per_order=D("2"), extra_hourly_cost=D("25"))
    make_staff(resource, hours=[12] * 7)
    return resource


# 31 for the same campaign approved; the pace reads the stored counterfactual, the actuals, the
# catalogue, the products and the capacity at the pace.
IN_FLIGHT_QUERIES = 42


def test_the_live_campaigns_page_shows_its_pace_and_projection_in_english_and_french(
    org, owner, shop, client_for, django_assert_max_num_queries
):
    campaign = live_campaign(org, shop, elapsed=4, daily=[110, 114, 108, 116], uplift=D("0.4"))
    english = client_for(owner, **EN)
    page = f"/o/{org.slug}/campaigns/{campaign.pk}/"
    english.get(page)
    with django_assert_max_num_queries(IN_FLIGHT_QUERIES):  # stored rows read, nothing fitted
        response = english.get(page)
    html = response.content.decode()
    live = response.context["live"]
    assert live.pace.uplift == pytest.approx(0.12) and live.orders.expected == pytest.approx(1120)
    assert f'id="in-flight-{campaign.pk}"' in html
    assert "4 of 10 days with actuals: 448 orders against 400 without the campaign" in html
    assert "+12%" in html and "planned +40%" in html and "1,120" in html
    assert live.unknown == NO_CAPACITY and live.margin_after_delivery is None
    assert "capacity is not described, so the cost to deliver is unknown" in html
    french = client_for(owner).get(page).content.decode()
    assert "4 jours sur 10 avec des chiffres réels" in french and "1\xa0120" in french and "+12\u00a0%" in french


def test_two_days_in_the_page_says_it_is_too_early(org, owner, shop, client_for):
    campaign = live_campaign(org, shop, elapsed=2, daily=[150, 160])
    html = client_for(owner, **EN).get(f"/o/{org.slug}/campaigns/{campaign.pk}/").content.decode()
    assert 'id="in-flight-too-early"' in html and "it takes 3 days with actuals" in html
    assert 'id="in-flight-margin"' not in html


def test_a_planned_campaign_has_no_in_flight_block(org, owner, shop, client_for):
    campaign = live_campaign(org, shop, elapsed=4, daily=[110, 114, 108, 116])
    campaign.status = "approved"
    campaign.save()
    response = client_for(owner, **EN).get(f"/o/{org.slug}/campaigns/{campaign.pk}/")
    assert "live" not in response.context and "in-flight" not in response.content.decode()


def test_a_campaign_losing_money_at_its_pace_raises_a_stop_signal_with_its_evidence(org, owner, shop, team, client_for):
    campaign = live_campaign(org, shop, elapsed=4, daily=[106, 104, 105, 105], uplift=D("0.4"), ad_spend=D("3000"))
    kpis_services.kpis_recompute(organization_id=org.id)
    signal = Signal.objects.get(organization=org, rule="campaign_pace_stop")
    assert signal.action == "stop" and signal.campaign_id == campaign.pk
    e = signal.evidence
    assert e["days"] == 4 and e["days_total"] == 10 and e["planned_uplift"] == pytest.approx(0.4)
    assert e["uplift"] == pytest.approx(0.05) and e["margin_hi80"] < 0 and e["margin_lo80"] <= e["margin"]
    pace = CampaignPace.objects.get(organization=org, campaign=campaign)
    assert pace.figures["margin"] == pytest.approx(e["margin"])
    dashboard = client_for(owner, **EN).get(f"/o/{org.slug}/").content.decode()
    assert f'id="in-flight-{campaign.pk}"' in dashboard and "after 4 of 10 days, +5% (80 %:" in dashboard
    assert "After 4 of 10 days, +5% against the +40% planned: at this pace the campaign ends −" in dashboard


def test_a_campaign_beating_its_plan_with_headroom_raises_amplify(org, shop, team):
    campaign = live_campaign(org, shop, elapsed=4, daily=[160, 158, 163, 161], uplift=D("0.3"), ad_spend=D("100"),
                             discount_rate=D("0.05"))
    kpis_services.kpis_recompute(organization_id=org.id)
    signal = Signal.objects.get(organization=org, rule="campaign_pace_amplify")
    assert signal.action == "amplify" and signal.campaign_id == campaign.pk
    assert signal.evidence["margin_lo80"] > 0 and signal.evidence["peak_utilisation"] < 0.8
    assert not Signal.objects.filter(organization=org, rule="campaign_pace_stop").exists()


def test_without_capacity_the_margin_is_unknown_and_no_pace_signal_is_raised(org, shop):
    live_campaign(org, shop, elapsed=4, daily=[101, 99, 102, 100], uplift=D("0.4"), ad_spend=D("3000"))
    kpis_services.kpis_recompute(organization_id=org.id)
    assert not Signal.objects.filter(organization=org, rule__startswith="campaign_pace").exists()
    pace = CampaignPace.objects.get(organization=org)
    assert pace.figures["margin"] is None and pace.figures["unknown"] == NO_CAPACITY


def test_a_live_campaign_without_a_stored_counterfactual_has_no_projection(org, shop):
    campaign = factories.make_campaign(org, channel=shop, status="live", start=org.today() - dt.timedelta(days=3))
    assert live_projection(campaign, today=org.today()) is None
