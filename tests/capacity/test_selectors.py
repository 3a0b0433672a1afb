"""The ORM path into the capacity engine, hand-checked on a tiny shop."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import numpy as np
import pytest
from django.utils import translation

from campaigns.models import Campaign, Mechanic, Scope
from capacity import selectors
from capacity.models import Absence, CapacityPlan, Replenishment
from sales.models import Channel, DailyActual
from tests.capacity.factories import make_resource, make_staff, make_stock_item
from tests.factories import make_product

SAT, SUN, MON, TUE = (dt.date(2026, 11, 14) + dt.timedelta(days=i) for i in range(4))
TODAY = dt.date(2026, 11, 1)


@pytest.fixture
def shop(org):
    """10 orders a day, 1 unit each, 6 minutes per order: 1 hour of work every calendar day."""
    CapacityPlan.objects.create(
        organization=org, baseline_source=CapacityPlan.BaselineSource.TYPED, orders_per_day=D("10"),
        weekday_profile=[1] * 7, units_per_order=D("1"), target_utilization=D("1"),
    )
    return org


def _report(org, start, end, drafts=False):
    return selectors.peak_report(org, selectors.Period(start, end, drafts), today=TODAY)


def _hours(report, field, day, column=0):
    t = (day - report.period.start).days
    return float(getattr(report.plan, field)[t, column]) / 60.0


def test_weekend_work_is_due_on_monday(shop):
    resource = make_resource(shop, extra_hourly_cost=D("20"))
    make_staff(resource)
    report = _report(shop, SAT, MON)
    assert _hours(report, "due_minutes", SAT) == 0.0
    assert _hours(report, "due_minutes", MON) == pytest.approx(3.0)  # Sat + Sun + Mon
    assert _hours(report, "capacity_minutes", MON) == pytest.approx(8.0)


def test_an_absence_moves_the_work_to_the_next_working_day(shop):
    member = make_staff(make_resource(shop))
    Absence.objects.create(staff_member=member, start=MON, end=MON)
    report = _report(shop, SAT, TUE)
    assert _hours(report, "due_minutes", MON) == 0.0
    assert _hours(report, "due_minutes", TUE) == pytest.approx(4.0)


def test_a_public_holiday_of_the_country_pushes_work_to_the_next_day(shop):
    make_staff(make_resource(shop))
    armistice = dt.date(2026, 11, 11)  # a Wednesday
    report = _report(shop, armistice - dt.timedelta(days=1), armistice + dt.timedelta(days=1))
    assert armistice in report.holidays
    assert _hours(report, "due_minutes", armistice) == 0.0
    assert _hours(report, "due_minutes", armistice + dt.timedelta(days=1)) == pytest.approx(2.0)


def test_a_freelancer_adds_hours_and_their_cost(shop):
    resource = make_resource(shop)
    make_staff(resource)
    make_staff(resource, hours=[0, 8, 0, 0, 0, 0, 0], kind="freelancer", hourly_cost=D("30"))
    report = _report(shop, SAT, TUE)
    assert _hours(report, "capacity_minutes", MON) == pytest.approx(8.0)
    assert _hours(report, "capacity_minutes", TUE) == pytest.approx(16.0)
    assert report.resources[0].booked_hours == pytest.approx(8.0)
    assert report.resources[0].booked_cost == pytest.approx(240.0)


def test_staff_count_only_between_their_start_and_end(shop):
    resource = make_resource(shop)
    make_staff(resource, start=TUE)
    report = _report(shop, SAT, TUE)
    assert _hours(report, "capacity_minutes", MON) == 0.0
    assert _hours(report, "due_minutes", TUE) == pytest.approx(4.0)


def _campaign(org, status, **fields):
    channel, _ = Channel.objects.get_or_create(organization=org, name="Web")
    fields = {"uplift": D("1"), "start": SAT, "end": MON, **fields}
    return Campaign.objects.create(organization=org, name=f"{status} promo", channel=channel, status=status, **fields)


def test_a_draft_campaign_counts_only_when_drafts_are_included(shop):
    make_staff(make_resource(shop))
    _campaign(shop, Campaign.Status.DRAFT)
    assert _hours(_report(shop, SAT, MON), "due_minutes", MON) == pytest.approx(3.0)
    with_drafts = _report(shop, SAT, MON, drafts=True)
    assert _hours(with_drafts, "due_minutes", MON) == pytest.approx(6.0)
    assert [c.status for c in with_drafts.campaigns] == ["draft"]


def test_a_two_for_one_doubles_the_units_of_its_extra_orders(shop):
    make_staff(make_resource(shop, minutes_per_order=D("0"), minutes_per_unit=D("6")))
    _campaign(shop, Campaign.Status.APPROVED, mechanic=Mechanic.BUY_X_GET_Y, buy=1, get=1)
    report = _report(shop, SAT, MON)
    # Per day: 10 base orders × 1 unit + 10 extra orders × 2 units = 30 units = 3 hours.
    assert _hours(report, "due_minutes", MON) == pytest.approx(9.0)


def test_a_campaign_on_part_of_the_catalogue_lifts_only_its_share(shop):
    make_staff(make_resource(shop))
    promoted = make_product(shop, units_per_month=D("25"), price=D("29"))
    make_product(shop, units_per_month=D("75"), price=D("29"))
    campaign = _campaign(shop, Campaign.Status.PLANNED, scope=Scope.PRODUCTS)
    campaign.products.set([promoted])
    report = _report(shop, SAT, MON)
    assert report.demand.orders[0] == pytest.approx(12.5)  # 10 + 10 × 100 % × 25 %


def test_baseline_from_the_actuals_averages_each_weekday(org):
    CapacityPlan.objects.create(organization=org, baseline_source=CapacityPlan.BaselineSource.ACTUALS,
                                baseline_weeks=2, weekday_profile=[1] * 7, orders_per_day=D("99"))
    make_staff(make_resource(org))
    for offset in range(1, 15):
        day = SAT - dt.timedelta(days=offset)
        DailyActual.objects.create(organization=org, date=day, orders=D("20") if day.weekday() == 0 else D("10"))
    report = selectors.peak_report(org, selectors.Period(SAT, MON), today=dt.date(2026, 12, 1))
    assert report.baseline_source == "actuals"
    assert report.demand.base_orders.tolist() == [10.0, 10.0, 20.0]


def test_a_weekday_the_shop_never_trades_is_planned_at_zero(org):
    """The UCI shop never trades on Saturdays: no DailyActual row on any Saturday."""
    CapacityPlan.objects.create(organization=org, baseline_source=CapacityPlan.BaselineSource.ACTUALS,
                                baseline_weeks=8, weekday_profile=[1] * 7, orders_per_day=D("99"))
    make_staff(make_resource(org))
    for offset in range(1, 57):
        day = SAT - dt.timedelta(days=offset)
        if day.weekday() != 5:
            DailyActual.objects.create(organization=org, date=day, orders=D("66"))
    report = selectors.peak_report(org, selectors.Period(SAT, SAT + dt.timedelta(weeks=7)), today=SAT)
    saturdays = report.demand.dates.astype(dt.date)
    on_saturday = np.array([d.weekday() == 5 for d in saturdays])
    assert on_saturday.sum() == 8
    assert report.demand.orders[on_saturday].sum() == 0.0
    assert report.demand.orders[~on_saturday].tolist() == [66.0] * int((~on_saturday).sum())


UCI_DAILY = Path("/work/shared/data/online_retail_daily_2010-12-01_2011-12-09.csv")


@pytest.mark.skipif(not UCI_DAILY.exists(), reason="the shared data folder is absent")
def test_the_uci_shop_gets_no_order_planned_on_its_seven_saturdays(org):
    import pandas as pd

    daily = pd.read_csv(UCI_DAILY, parse_dates=["date"])
    last = daily["date"].max().date()
    history = daily[daily["date"].dt.date > last - dt.timedelta(weeks=8)]
    DailyActual.objects.bulk_create([
        DailyActual(organization=org, date=day.date(), orders=D(int(orders)))
        for day, orders in zip(history["date"], history["orders_noncancel"], strict=True)
    ])
    CapacityPlan.objects.create(organization=org, baseline_source=CapacityPlan.BaselineSource.ACTUALS,
                                baseline_weeks=8, weekday_profile=[1] * 7)
    make_staff(make_resource(org))
    start = last + dt.timedelta(days=1)
    report = selectors.peak_report(org, selectors.Period(start, start + dt.timedelta(weeks=7, days=-1)), today=last)
    saturdays = np.array([d.astype(dt.date).weekday() == 5 for d in report.demand.dates])
    assert report.baseline_source == "actuals" and saturdays.sum() == 7
    assert report.demand.orders[saturdays].sum() == 0.0
    assert report.demand.orders[~saturdays].min() > 0


def test_stock_runs_out_from_the_products_share_and_is_replenished(shop):
    make_staff(make_resource(shop))
    first = make_stock_item(shop, on_hand=D("12"), lead_time_days=2)  # half of the units: 5 a day
    second = make_stock_item(shop, on_hand=D("12"), product=make_product(shop, units_per_month=D("100"), price=D("29")))
    Replenishment.objects.create(stock_item=second, date=MON, units=D("10"))
    report = _report(shop, SAT, TUE)
    rows = {row.item.pk: row for row in report.stock}
    assert rows[first.pk].stockout_date == MON  # 12 − 5 − 5 − 5 = −3
    assert rows[first.pk].min_units == pytest.approx(-8.0)
    assert rows[first.pk].order_by == SAT
    assert rows[second.pk].stockout_date is None  # 12 − 20 + 10 = 2 at the lowest


def test_throttle_names_the_binding_resource_and_its_limit(shop):
    make_staff(make_resource(shop, name="Packing"), hours=[1, 8, 8, 8, 8, 0, 0])
    report = _report(shop, SAT, MON)
    assert [(t.date, t.resource, t.max_orders) for t in report.throttle] == [(MON, "Packing", 10.0)]
    assert report.throttle[0].orders_due == pytest.approx(30.0)


def test_recommendations_say_where_and_what_it_costs(shop):
    make_staff(make_resource(shop, name="Packing", extra_hourly_cost=D("25"), extra_max_hours_per_day=D("1")),
               hours=[1, 8, 8, 8, 8, 0, 0])
    with translation.override("en"):
        report = _report(shop, SAT, MON)
    assert report.recommendations == [
        "Packing: 2 extra hours on 16 November, €50; infeasible on 16 November: "
        "move the campaign end or add a freelancer."
    ]


def test_live_chat_staffing_per_open_hour(shop):
    shop.capacity_plan.support_contacts = D("10")  # 100 contacts a day
    shop.capacity_plan.save()
    make_staff(make_resource(shop, live_channel=True, live_open_hour=9, live_close_hour=18, live_aht_seconds=180,
                             live_answer_seconds=20, live_service_level=D("0.8")))
    bands = _report(shop, SAT, MON).resources[0].erlang
    rows = bands.rows()
    assert [r["hour"] for r in rows] == list(range(9, 18))
    assert sum(r["contacts"] for r in rows) == pytest.approx(100.0)
    assert all(r["service_level"] >= 0.8 for r in rows)
    assert max(r["agents"] for r in rows) >= 2


def test_campaign_capacity_cost_is_positive_when_it_overloads(shop):
    make_staff(make_resource(shop, extra_hourly_cost=D("25")))
    campaign = _campaign(shop, Campaign.Status.DRAFT, uplift=D("9"), start=MON, end=MON + dt.timedelta(days=4))
    cost = selectors.campaign_capacity_cost(campaign, today=TODAY)
    # Without it: 1 hour a day fits in 8. With it (even a draft): 10 hours on each of the five
    # weekdays, 2 more than the 8 planned: 10 extra hours at 25 €.
    assert cost.extra_cost_without == 0.0
    assert cost.extra_hours_caused == pytest.approx(10.0)
    assert cost.extra_cost_caused == pytest.approx(250.0)
    assert cost.infeasible_days_with == 0
    assert cost.end == campaign.end + dt.timedelta(days=7)


def test_no_staff_means_all_work_is_unfinished(shop):
    make_resource(shop)
    report = _report(shop, SAT, MON)
    assert float(report.plan.unfinished_minutes[0]) / 60.0 == pytest.approx(3.0)
    assert np.all(report.plan.capacity_minutes == 0)


def test_a_freelancer_booked_for_the_peak_counts_in_the_cost_to_deliver(shop):
    resource = make_resource(shop, extra_hourly_cost=D("25"))
    make_staff(resource)
    campaign = _campaign(shop, Campaign.Status.DRAFT, uplift=D("9"), start=MON, end=MON + dt.timedelta(days=4))
    overtime_only = selectors.campaign_capacity_cost(campaign, today=TODAY)
    assert overtime_only.cost_to_deliver == pytest.approx(250.0)
    # 2 hours a day at 30 € over the campaign's five weekdays: 300 € booked. It takes the
    # overtime away (10 hours of work a day in 10 hours), but it is paid.
    make_staff(resource, hours=[2] * 5 + [0, 0], kind="freelancer", hourly_cost=D("30"),
               start=MON, end=MON + dt.timedelta(days=4))
    cost = selectors.campaign_capacity_cost(campaign, today=TODAY)
    assert cost.extra_cost_caused == pytest.approx(0.0)
    assert cost.booked_cost_share == pytest.approx(300.0)
    assert cost.cost_to_deliver == pytest.approx(300.0)
    assert cost.cost_to_deliver >= overtime_only.cost_to_deliver


def test_booked_capacity_is_shared_pro_rata_of_the_campaigns_extra_work(shop):
    resource = make_resource(shop, extra_hourly_cost=D("25"))
    make_staff(resource)
    make_staff(resource, hours=[2] * 5 + [0, 0], kind="overtime", hourly_cost=D("30"),
               start=MON, end=MON + dt.timedelta(days=4))
    week = {"start": MON, "end": MON + dt.timedelta(days=4)}
    planned = _campaign(shop, Campaign.Status.PLANNED, uplift=D("6"), **week)  # 6 extra hours a day
    approved = _campaign(shop, Campaign.Status.APPROVED, uplift=D("3"), **week)  # 3 extra hours a day
    # 300 € booked in all: two thirds of the campaigns' extra work is the planned one's.
    assert selectors.campaign_capacity_cost(approved, today=TODAY).booked_cost_share == pytest.approx(100.0)
    assert selectors.campaign_capacity_cost(planned, today=TODAY).booked_cost_share == pytest.approx(200.0)


def test_the_cost_of_fixing_the_peak_includes_the_booked_staff(shop):
    resource = make_resource(shop, extra_hourly_cost=D("25"))
    make_staff(resource, hours=[1, 8, 8, 8, 8, 0, 0])
    make_staff(resource, hours=[0, 8, 0, 0, 0, 0, 0], kind="freelancer", hourly_cost=D("30"))
    report = _report(shop, SAT, TUE)
    assert report.total_extra_cost == pytest.approx(50.0)  # Monday: 3 hours due, 1 planned
    assert report.total_booked_cost == pytest.approx(240.0)
    assert report.cost_to_fix == pytest.approx(290.0)


def test_a_typed_campaign_stands_in_for_its_saved_self(shop):
    make_staff(make_resource(shop, extra_hourly_cost=D("25")))
    saved = _campaign(shop, Campaign.Status.PLANNED, uplift=D("9"), start=MON, end=MON + dt.timedelta(days=4))
    typed = Campaign(organization=shop, name=saved.name, channel=saved.channel, start=saved.start, end=saved.end,
                     uplift=saved.uplift)
    on_load = selectors.campaign_capacity_cost(saved, today=TODAY)
    as_typed = selectors.campaign_capacity_cost(typed, replaces=saved, today=TODAY)
    assert on_load.extra_hours_caused == pytest.approx(10.0)
    assert as_typed.extra_hours_caused == pytest.approx(on_load.extra_hours_caused)
    assert as_typed.extra_cost_without == pytest.approx(on_load.extra_cost_without) == 0.0


def test_a_scenario_takes_its_campaigns_dates_and_place(shop):
    from campaigns.models import Scenario

    make_staff(make_resource(shop, extra_hourly_cost=D("25")))
    campaign = _campaign(shop, Campaign.Status.APPROVED, uplift=D("9"), start=MON, end=MON + dt.timedelta(days=4))
    scenario = Scenario.objects.create(campaign=campaign, name="Smaller", uplift=D("9"))
    cost = selectors.campaign_capacity_cost(scenario, replaces=campaign, today=TODAY)
    assert (cost.start, cost.end) == (MON, MON + dt.timedelta(days=11))
    assert cost.extra_hours_caused == pytest.approx(10.0)


def test_without_a_team_the_cost_to_deliver_is_unknown_not_zero(shop):
    campaign = _campaign(shop, Campaign.Status.DRAFT, uplift=D("9"), start=MON, end=MON + dt.timedelta(days=4))
    cost = selectors.campaign_capacity_cost(campaign, today=TODAY)
    assert cost.known is False and cost.cost_to_deliver is None
    make_resource(shop)  # a resource without anyone on it says nothing either
    assert selectors.campaign_capacity_cost(campaign, today=TODAY).known is False


def _stored_forecast(org, first, days, orders):
    from django.utils import timezone

    from forecasting.models import Forecast, ForecastDay

    Forecast.objects.create(organization=org, fitted_at=timezone.now(), fitted_for=first, method="holt_winters",
                            history_days=400)
    ForecastDay.objects.bulk_create(
        ForecastDay(organization=org, date=first + dt.timedelta(days=k), orders=value, orders_lo80=value - 2,
                    orders_hi80=value + 3)
        for k, value in zip(range(days), orders, strict=True)
    )


def test_the_peak_s_demand_comes_from_the_stored_forecast_and_typed_demand_overrides_it(org):
    plan = CapacityPlan.objects.create(organization=org, baseline_source=CapacityPlan.BaselineSource.ACTUALS,
                                       baseline_weeks=2, weekday_profile=[1] * 7, orders_per_day=D("99"))
    make_staff(make_resource(org))
    for offset in range(1, 15):
        DailyActual.objects.create(organization=org, date=SAT - dt.timedelta(days=offset), orders=D("10"))
    _stored_forecast(org, SAT, 3, [31.0, 32.0, 33.0])
    report = selectors.peak_report(org, selectors.Period(SAT, MON), today=SAT)
    assert report.baseline_source == "forecast"
    assert report.demand.base_orders.tolist() == [31.0, 32.0, 33.0]
    # Beyond the forecast's horizon: the weekday average of the weeks before (10 a day).
    report = selectors.peak_report(org, selectors.Period(SAT, TUE), today=SAT)
    assert report.baseline_source == "forecast_partial"
    assert report.demand.base_orders.tolist() == [31.0, 32.0, 33.0, 10.0]
    # Typed demand stays possible, and wins.
    plan.baseline_source = CapacityPlan.BaselineSource.TYPED
    plan.save()
    report = selectors.peak_report(org, selectors.Period(SAT, MON), today=SAT)
    assert report.baseline_source == "typed" and report.demand.base_orders.tolist() == [99.0] * 3


def test_the_peak_page_says_its_demand_is_the_forecast(org, viewer, client_for):
    CapacityPlan.objects.create(organization=org, baseline_source=CapacityPlan.BaselineSource.ACTUALS,
                                baseline_weeks=2, weekday_profile=[1] * 7)
    make_staff(make_resource(org))
    today = org.today()
    _stored_forecast(org, today, 60, [20.0] * 60)
    url = f"/o/{org.slug}/capacity/?start={today + dt.timedelta(days=1)}&end={today + dt.timedelta(days=20)}"
    for language, text in (("en", "Baseline: the forecast from your history"), ("fr", "Base : la prévision tirée de votre historique")):
        body = client_for(viewer, HTTP_ACCEPT_LANGUAGE=language).get(url).content.decode()
        assert text in body


def test_the_busy_case_plans_for_the_forecast_s_p90_and_says_what_it_costs(org):
    """6 minutes an order, 1 hour a day at 100 %: 10 orders fill a day; the P90 (13) needs
    18 minutes more a day, 0.9 h over three days, at the resource's extra hourly cost."""
    CapacityPlan.objects.create(organization=org, baseline_source=CapacityPlan.BaselineSource.ACTUALS,
                                baseline_weeks=2, weekday_profile=[1] * 7, units_per_order=D("1"),
                                target_utilization=D("1"))
    make_staff(make_resource(org, extra_hourly_cost=D("30")), hours=[1] * 7)
    _stored_forecast(org, SAT, 3, [10.0, 10.0, 10.0])  # P90: 13 a day
    expected = selectors.peak_report(org, selectors.Period(SAT, MON), today=SAT)
    assert expected.busy_case is None and expected.total_extra_hours == pytest.approx(0.0)
    busy = selectors.peak_report(org, selectors.Period(SAT, MON, busy_case=True), today=SAT)
    assert busy.demand.base_orders.tolist() == [13.0, 13.0, 13.0]
    assert busy.busy_case.extra_orders == pytest.approx(9.0)
    assert busy.busy_case.extra_hours == pytest.approx(0.9)
    assert busy.busy_case.extra_cost == pytest.approx(27.0)
    # Without a forecast of the days, the busy case cannot be planned and says so.
    from forecasting.models import ForecastDay

    ForecastDay.objects.filter(organization=org).delete()
    DailyActual.objects.create(organization=org, date=SAT - dt.timedelta(days=1), orders=D("10"))
    report = selectors.peak_report(org, selectors.Period(SAT, MON, busy_case=True), today=SAT)
    assert report.busy_case is None and report.busy_case_asked and report.baseline_source == "actuals"


def test_the_peak_page_s_busy_case_switch_in_english_and_french(org, viewer, client_for):
    CapacityPlan.objects.create(organization=org, baseline_source=CapacityPlan.BaselineSource.ACTUALS,
                                baseline_weeks=2, weekday_profile=[1] * 7, target_utilization=D("1"))
    make_staff(make_resource(org), hours=[1] * 7)
    today = org.today()
    _stored_forecast(org, today, 60, [20.0] * 60)
    url = f"/o/{org.slug}/capacity/?start={today + dt.timedelta(days=1)}&end={today + dt.timedelta(days=7)}&busy=on"
    body = client_for(viewer, HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    assert "Busy case: the forecast" in body and "21 more orders than expected" in body
    body = client_for(viewer, HTTP_ACCEPT_LANGUAGE="fr").get(url).content.decode()
    assert "Cas chargé : le haut de la prévision apporte 21 commandes de plus" in body
