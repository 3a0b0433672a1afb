"""The capacity engine, tested without Django or a database (economics.md § 2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from capacity.contract import public_holidays
from capacity.engine import (
    AbsenceSpan,
    CampaignDemand,
    OrderProfile,
    ResourceCapacity,
    StockPosition,
    baseline_orders,
    daily_demand,
    hours_by_resource,
    minutes_after_automations,
    period_dates,
    plan_capacity,
    schedule,
    stock_levels,
    weekday_hours,
    weekday_index,
)

D = dt.date
NO_EXTRAS = OrderProfile(units=0.0, return_rate=0.0, support_contacts=0.0)
WEEKDAYS_ONLY = [2, 2, 2, 2, 2, 0, 0]  # 120 minutes Monday to Friday


def flat_plan(start, end, *, weekly=WEEKDAYS_ONLY, holidays=(), absences=(), works=False):
    """10 orders a day at 6 minutes each: 60 minutes of work arriving every calendar day."""
    dates = period_dates(start, end)
    demand = daily_demand(dates, np.full(dates.size, 10.0), NO_EXTRAS)
    hours = weekday_hours(
        dates, [weekly], holidays=holidays, works_public_holidays=works, absences=absences
    )
    resource = ResourceCapacity("Preparation", minutes_per_order=6.0)
    return dates, plan_capacity(demand, [resource], hours, target_utilization=1.0)


def index_of(dates, day):
    return int(np.flatnonzero(dates == np.datetime64(day))[0])


def run(work, hours, *, target=1.0, cost=0.0, max_extra=np.inf):
    """The recurrence on raw matrices, one column per resource, efficiency 1."""
    work = np.asarray(work, dtype=float)
    if work.ndim == 1:
        work, hours = work[:, None], np.asarray(hours, dtype=float)[:, None]
    n_days, n_resources = work.shape
    dates = np.datetime64("2026-11-23") + np.arange(n_days)
    return schedule(
        dates,
        work,
        hours,
        names=[f"r{r}" for r in range(n_resources)],
        orders=np.zeros(n_days),
        work_per_order=np.ones_like(work),
        efficiency=np.ones(n_resources),
        target_utilization=target,
        extra_hourly_cost=np.full(n_resources, cost),
        extra_max_hours_per_day=np.full(n_resources, max_extra),
    )


def test_weekday_index_starts_on_monday():
    dates = period_dates(D(2026, 11, 23), D(2026, 11, 29))
    assert weekday_index(dates).tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert [d.astype(dt.date).weekday() for d in dates] == [0, 1, 2, 3, 4, 5, 6]


def test_baseline_orders_follow_the_monday_to_sunday_profile():
    dates = period_dates(D(2026, 11, 27), D(2026, 11, 30))  # Fri..Mon
    assert baseline_orders(dates, 40, [1, 1, 1, 1, 1.2, 0.8, 0.6]).tolist() == pytest.approx(
        [48, 32, 24, 40]
    )


def test_campaign_adds_uplift_orders_with_its_own_units_and_falls_back_to_the_profile():
    dates = period_dates(D(2026, 11, 26), D(2026, 11, 28))
    profile = OrderProfile(units=1.0, return_rate=0.1, support_contacts=0.2)
    campaign = CampaignDemand(D(2026, 11, 27), D(2026, 11, 27), uplift=1.0, units=3.0)
    demand = daily_demand(dates, [10.0, 10.0, 10.0], profile, [campaign])
    assert demand.orders.tolist() == [10, 20, 10]
    assert demand.units.tolist() == pytest.approx([10, 10 + 10 * 3, 10])
    assert demand.returns.tolist() == pytest.approx([1, 2, 1])  # null rate → profile's 0.1
    assert demand.contacts.tolist() == pytest.approx([2, 4, 2])


def test_two_overlapping_campaigns_add_up_and_days_outside_the_period_are_ignored():
    dates = period_dates(D(2026, 11, 27), D(2026, 11, 28))
    campaigns = [
        CampaignDemand(D(2026, 11, 20), D(2026, 11, 27), uplift=0.5),
        CampaignDemand(D(2026, 11, 27), D(2026, 12, 5), uplift=1.0),
    ]
    demand = daily_demand(dates, [10.0, 10.0], NO_EXTRAS, campaigns)
    assert demand.orders.tolist() == [25, 20]


def test_work_per_resource_sums_orders_units_returns_and_contacts():
    dates = period_dates(D(2026, 11, 23), D(2026, 11, 23))
    demand = daily_demand(dates, [100.0], OrderProfile(2.0, 0.1, 0.5))
    resources = [
        ResourceCapacity("Preparation", minutes_per_order=6, minutes_per_unit=1.5),
        ResourceCapacity("Returns", minutes_per_return=10),
        ResourceCapacity("Support", minutes_per_contact=4),
    ]
    plan = plan_capacity(demand, resources, [[8, 8, 8]], target_utilization=1.0)
    assert plan.work_minutes[0].tolist() == pytest.approx([600 + 300, 100, 200])


def test_weekend_work_is_due_on_monday():
    dates, plan = flat_plan(D(2026, 11, 23), D(2026, 11, 30))  # Mon..Mon
    monday = index_of(dates, D(2026, 11, 30))
    assert plan.due_minutes[:, 0].tolist() == [60, 60, 60, 60, 60, 0, 0, 180]
    assert plan.utilization[monday, 0] == pytest.approx(180 / 120)
    assert plan.backlog_minutes[monday, 0] == pytest.approx(60)
    assert plan.delay_days[monday, 0] == pytest.approx(0.5)


def test_a_day_off_has_no_capacity_no_utilization_and_carries_the_backlog():
    work = [180, 60, 60, 60]  # Fri (overloaded), Sat, Sun, Mon
    hours = [2, 0, 0, 2]
    plan = run(work, hours, max_extra=0.0)
    saturday = 1
    assert plan.due_minutes[saturday, 0] == 0
    assert plan.capacity_minutes[saturday, 0] == 0
    assert np.isnan(plan.utilization[saturday, 0])
    assert np.isnan(plan.delay_days[saturday, 0])
    assert plan.extra_hours[saturday, 0] == 0
    assert plan.feasible[saturday, 0]
    assert plan.backlog_minutes[:, 0].tolist() == [60, 60, 60, 60 + 180 - 120]


def test_french_public_holidays_push_work_to_the_next_working_day():
    start, end = D(2026, 11, 9), D(2027, 1, 4)
    holidays = public_holidays("FR", start, end)
    assert holidays == {D(2026, 11, 11), D(2026, 12, 25), D(2027, 1, 1)}
    dates, plan = flat_plan(start, end, holidays=holidays)
    due = dict(zip(dates.astype(dt.date), plan.due_minutes[:, 0], strict=True))
    assert due[D(2026, 11, 11)] == 0  # Wednesday, Armistice Day
    assert due[D(2026, 11, 12)] == 120  # Thursday takes Wednesday's work too
    assert due[D(2026, 12, 25)] == 0  # Friday, Christmas
    assert due[D(2026, 12, 28)] == 240  # Monday: Friday, Saturday, Sunday and Monday
    assert due[D(2027, 1, 1)] == 0
    assert due[D(2027, 1, 4)] == 240


def test_a_resource_that_works_public_holidays_keeps_its_hours():
    christmas = D(2026, 12, 25)
    dates, plan = flat_plan(D(2026, 12, 24), D(2026, 12, 28), holidays=[christmas], works=True)
    assert plan.due_minutes[:, 0].tolist() == [60, 60, 0, 0, 180]
    assert plan.capacity_minutes[index_of(dates, christmas), 0] == 120


def test_an_absence_moves_the_work_to_the_next_working_day():
    absence = AbsenceSpan(resource=0, start=D(2026, 11, 24), end=D(2026, 11, 25))  # Tue, Wed
    _, plan = flat_plan(D(2026, 11, 23), D(2026, 11, 27), absences=[absence])
    assert plan.due_minutes[:, 0].tolist() == [60, 0, 0, 180, 60]
    assert np.isnan(plan.utilization[1, 0])


def test_staff_hours_add_up_per_team_with_freelancers_and_absences():
    dates = period_dates(D(2026, 11, 23), D(2026, 11, 29))  # Mon..Sun
    staff_weekly = [
        [7, 7, 7, 7, 7, 0, 0],  # employee, team 0
        [4, 0, 4, 0, 4, 0, 0],  # freelancer three days a week, team 0
        [3, 3, 3, 3, 3, 3, 3],  # support, team 1
    ]
    absent = [AbsenceSpan(resource=0, start=D(2026, 11, 24), end=D(2026, 11, 25))]
    staff_hours = weekday_hours(dates, staff_weekly, absences=absent)
    teams = hours_by_resource(staff_hours, [0, 0, 1], 2)
    assert teams[:, 0].tolist() == [11, 0, 4, 7, 11, 0, 0]
    assert teams[:, 1].tolist() == [3] * 7


def test_minutes_per_order_can_change_from_a_date():
    dates = period_dates(D(2026, 11, 23), D(2026, 11, 26))
    demand = daily_demand(dates, np.full(4, 10.0), NO_EXTRAS)
    automated = ResourceCapacity("Preparation", minutes_per_order=np.array([6.0, 6.0, 4.0, 4.0]))
    plan = plan_capacity(demand, [automated], np.full((4, 1), 8.0), target_utilization=1.0)
    assert plan.work_minutes[:, 0].tolist() == [60, 60, 40, 40]


def test_automations_cut_minutes_per_order_from_their_start_never_below_zero():
    dates = period_dates(D(2026, 11, 23), D(2026, 11, 27))
    savings = [(D(2026, 11, 25), 2.0), (D(2026, 11, 27), 5.0)]
    assert minutes_after_automations(dates, 6.0, savings).tolist() == [6, 6, 4, 4, 0]


def test_decimal_values_from_the_database_are_accepted():
    dates = period_dates(D(2026, 11, 23), D(2026, 11, 23))
    profile = OrderProfile(Decimal("1.4"), Decimal("0.05"), Decimal("0.10"))
    campaign = CampaignDemand(
        D(2026, 11, 23), D(2026, 11, 23), Decimal("1.5"), return_rate=Decimal("0.08")
    )
    demand = daily_demand(dates, [Decimal("40")], profile, [campaign])
    resource = ResourceCapacity(
        "Preparation",
        minutes_per_order=Decimal("6"),
        minutes_per_unit=Decimal("1.5"),
        efficiency=Decimal("0.85"),
        extra_hourly_cost=Decimal("25"),
        extra_max_hours_per_day=Decimal("8"),
    )
    plan = plan_capacity(demand, [resource], [[Decimal("7")]], target_utilization=Decimal("0.85"))
    assert plan.work_minutes.dtype == np.float64
    assert plan.utilization[0, 0] == pytest.approx(810 / 357)
    item = StockPosition("CANDLE-01", Decimal("500"), Decimal("0.3"), [(D(2026, 11, 23), Decimal("1"))])
    assert stock_levels(dates, demand.units, [item]).units.dtype == np.float64


def test_backlog_is_carried_over_then_cleared():
    plan = run([150, 30, 0, 60, 0], [1, 1, 1, 1, 1])  # 60 minutes of capacity a day
    assert plan.backlog_minutes[:, 0].tolist() == [90, 60, 0, 0, 0]
    assert plan.delay_days[:, 0].tolist() == [1.5, 1.0, 0, 0, 0]


def test_extra_hours_keep_the_day_at_target_utilization_and_cost_the_hourly_rate():
    plan = run([120, 30], [1, 1], target=0.8, cost=30.0, max_extra=2.0)
    # 120 / 0.8 = 150 minutes needed against 60 planned: 1.5 extra hours at 30.
    assert plan.extra_hours[:, 0].tolist() == pytest.approx([1.5, 0.0])
    assert plan.extra_cost[:, 0].tolist() == pytest.approx([45.0, 0.0])
    assert plan.feasible[:, 0].tolist() == [True, True]


def test_a_day_needing_more_extra_hours_than_allowed_is_infeasible():
    plan = run([120, 30, 240], [1, 1, 1], target=0.8, max_extra=1.0)
    assert plan.feasible[:, 0].tolist() == [False, True, False]
    assert plan.summary().loc["r0", "infeasible_days"] == 2


def test_work_due_after_the_last_working_day_is_unfinished():
    dates, plan = flat_plan(D(2026, 11, 23), D(2026, 11, 29))  # ends on a Sunday
    assert plan.unfinished_minutes.tolist() == [120]
    assert plan.summary().loc["Preparation", "unfinished_hours"] == pytest.approx(2.0)
    assert plan.due_minutes.sum() + plan.unfinished_minutes.sum() == plan.work_minutes.sum()


def test_a_resource_that_never_works_leaves_everything_unfinished():
    plan = run([30, 30], [0, 0])
    summary = plan.summary().loc["r0"]
    assert summary["unfinished_hours"] == pytest.approx(1.0)
    assert np.isnan(summary["peak_utilization"]) and np.isnan(summary["max_delay_days"])


def test_summary_counts_overloaded_days_and_totals_extra_hours():
    plan = run([120, 30, 90], [1, 1, 1], target=1.0, cost=10.0)
    summary = plan.summary().loc["r0"]
    assert summary["peak_utilization"] == pytest.approx(2.0)
    assert summary["overloaded_days"] == 2  # 2.0 and (90 / 60) = 1.5; 0.5 is not
    assert summary["max_delay_days"] == pytest.approx(1.0)  # backlog 60, 30, 60 minutes
    assert summary["extra_hours"] == pytest.approx(1.0 + 0.5)
    assert summary["extra_cost"] == pytest.approx(15.0)


def test_days_frame_has_one_row_per_day_and_resource_in_hours():
    plan = run(np.array([[60.0, 30.0], [0.0, 90.0]]), np.array([[2.0, 1.0], [2.0, 1.0]]))
    frame = plan.days()
    assert len(frame) == 4
    assert frame["resource"].tolist() == ["r0", "r1", "r0", "r1"]
    assert frame["work_hours"].tolist() == [1.0, 0.5, 0.0, 1.5]


def test_max_orders_keep_the_resource_at_target_utilization():
    dates = period_dates(D(2026, 11, 23), D(2026, 11, 29))
    profile = OrderProfile(units=1.0, return_rate=0.0, support_contacts=0.0)
    resource = ResourceCapacity("Preparation", minutes_per_order=6, minutes_per_unit=2)
    hours = weekday_hours(dates, [WEEKDAYS_ONLY])
    demand = daily_demand(dates, np.full(7, 10.0), profile)
    plan = plan_capacity(demand, [resource], hours, target_utilization=0.75)
    limit = plan.max_orders()[:, 0]
    # 0.75 × 120 minutes / (6 + 1 × 2) minutes per order
    assert limit[:5].tolist() == pytest.approx([11.25] * 5)
    assert np.isnan(limit[5:]).all()
    taking_the_limit = daily_demand(dates, limit[0] * np.ones(7), profile)
    at_limit = plan_capacity(taking_the_limit, [resource], hours, target_utilization=0.75)
    assert at_limit.utilization[1, 0] == pytest.approx(0.75)
    throttle = plan.throttle()
    assert throttle.loc[0, "headroom_orders"] == pytest.approx(1.25)


def test_an_order_costing_no_time_has_no_intake_limit():
    dates = period_dates(D(2026, 11, 23), D(2026, 11, 23))
    demand = daily_demand(dates, [0.0], NO_EXTRAS)
    plan = plan_capacity(demand, [ResourceCapacity("Idle")], [[8.0]], target_utilization=0.85)
    assert plan.max_orders()[0, 0] == np.inf


def test_stock_runs_out_on_the_first_day_below_zero_despite_a_delivery():
    dates = period_dates(D(2026, 12, 1), D(2026, 12, 4))
    items = [
        StockPosition("CANDLE-01", on_hand=10, share_of_units=0.5, incoming=[(D(2026, 12, 3), 5)]),
        StockPosition("SOAP-02", on_hand=100, share_of_units=0.25),
    ]
    levels = stock_levels(dates, [8.0, 8.0, 8.0, 8.0], items)
    assert levels.units[:, 0].tolist() == [6, 2, 3, -1]
    assert levels.stockout_dates() == [D(2026, 12, 4), None]
    assert levels.min_units().tolist() == [-1, 92]


def test_a_delivery_outside_the_period_is_ignored():
    dates = period_dates(D(2026, 12, 1), D(2026, 12, 2))
    item = StockPosition("CANDLE-01", on_hand=1, share_of_units=1.0, incoming=[(D(2027, 1, 1), 99)])
    assert stock_levels(dates, [1.0, 1.0], [item]).units[:, 0].tolist() == [0, -1]


# Properties over random work and hours. Whole minutes and hours keep sums exact enough
# that the tolerances below only absorb rounding.
shapes = st.tuples(st.integers(1, 40), st.integers(1, 3))


@st.composite
def workloads(draw):
    n_days, n_resources = draw(shapes)
    work = draw(hnp.arrays(np.float64, (n_days, n_resources), elements=st.integers(0, 600)))
    hours = draw(
        hnp.arrays(
            np.float64, (n_days, n_resources), elements=st.sampled_from([0, 0, 1, 2, 4, 7, 8])
        )
    )
    more = draw(hnp.arrays(np.float64, (n_days, n_resources), elements=st.integers(0, 4)))
    return work, hours, more


@settings(max_examples=200, deadline=None)
@given(workloads())
def test_work_is_conserved_as_due_plus_unfinished(case):
    work, hours, _ = case
    plan = run(work, hours)
    assert plan.due_minutes.sum(axis=0) + plan.unfinished_minutes == pytest.approx(work.sum(axis=0))


@settings(max_examples=200, deadline=None)
@given(workloads())
def test_backlog_matches_the_cumulative_minimum_closed_form(case):
    work, hours, _ = case
    plan = run(work, hours)
    net = np.cumsum(plan.due_minutes - plan.capacity_minutes, axis=0)
    closed_form = net - np.minimum(np.minimum.accumulate(net, axis=0), 0.0)
    assert plan.backlog_minutes == pytest.approx(closed_form, abs=1e-6)
    assert (plan.backlog_minutes >= 0).all()


@settings(max_examples=200, deadline=None)
@given(workloads())
def test_more_hours_on_the_same_working_days_never_increase_the_backlog(case):
    work, hours, more = case
    longer = hours + np.where(hours > 0, more, 0.0)
    assert (run(work, longer).backlog_minutes <= run(work, hours).backlog_minutes + 1e-9).all()


@settings(max_examples=200, deadline=None)
@given(workloads())
def test_more_hours_never_leave_more_work_outstanding_at_the_end(case):
    # Opening a day off can raise that day's backlog (work is due sooner), never what is
    # left at the end of the period.
    work, hours, more = case
    before, after = run(work, hours), run(work, hours + more)

    def outstanding(plan):
        return plan.backlog_minutes[-1] + plan.unfinished_minutes

    assert (outstanding(after) <= outstanding(before) + 1e-9).all()


@settings(max_examples=100, deadline=None)
@given(workloads())
def test_days_off_follow_the_contract_conventions(case):
    work, hours, _ = case
    plan = run(work, hours, max_extra=0.0)
    off = hours == 0
    assert (plan.due_minutes[off] == 0).all() and (plan.capacity_minutes[off] == 0).all()
    assert np.isnan(plan.utilization[off]).all() and np.isnan(plan.delay_days[off]).all()
    assert (plan.extra_hours[off] == 0).all() and plan.feasible[off].all()
    carried = np.vstack([np.zeros((1, work.shape[1])), plan.backlog_minutes[:-1]])
    assert (plan.backlog_minutes[off] == carried[off]).all()
