"""Benchmarks between a consultant's clients: the pure quartiles and standings, and the
selector the pack and the portfolio read (nothing shown below five clients)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.models import Forecast
from kpis.engine import benchmarks as engine
from kpis.models import KpiSnapshot
from kpis.selectors import benchmarks
from plannerist.models import Role
from tests.factories import make_org, make_user_in

TODAY = dt.date(2026, 12, 3)
NOVEMBER = dt.date(2026, 11, 1)


def figures(values: dict[int, float | None], measure: str = "margin_rate") -> pd.DataFrame:
    return pd.DataFrame({"client": list(values), "measure": measure,
                         "value": [np.nan if v is None else v for v in values.values()]})


# ---------------------------------------------------------------- engine (no database)


def test_five_clients_give_the_second_third_and_fourth_figures_as_quartiles():
    table = engine.quartiles(figures({1: 0.10, 2: 0.20, 3: 0.30, 4: 0.40, 5: 0.50}))
    row = table.loc["margin_rate"]
    assert (row["n"], row["q1"], row["median"], row["q3"]) == (5, pytest.approx(0.2), pytest.approx(0.3), pytest.approx(0.4))


def test_four_clients_give_no_quartile_and_no_standing():
    frame = figures({1: 0.10, 2: 0.20, 3: 0.30, 4: 0.40, 5: None})
    table = engine.quartiles(frame)
    assert table.loc["margin_rate", "n"] == 4 and np.isnan(table.loc["margin_rate", "q1"])
    assert engine.standings(frame, table, {"margin_rate": True})["standing"].isna().all()


def test_a_lower_is_better_measure_puts_the_lowest_figure_in_the_top_quarter():
    frame = figures({1: 0.01, 2: 0.02, 3: 0.03, 4: 0.04, 5: 0.09}, measure="return_rate")
    out = engine.standings(frame, engine.quartiles(frame), {"return_rate": False}).set_index("client")["standing"]
    assert out.to_dict() == {1: "top", 2: "middle", 3: "middle", 4: "middle", 5: "bottom"}


def test_a_client_without_the_figure_stands_nowhere_but_the_others_are_benchmarked():
    frame = figures({1: 1.0, 2: 2.0, 3: 3.0, 4: 4.0, 5: 5.0, 6: None})
    out = engine.standings(frame, engine.quartiles(frame), {"margin_rate": True}).set_index("client")["standing"]
    assert out[6] is None and out[5] == "top" and out[1] == "bottom"


@settings(deadline=None, max_examples=50)
@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=5, max_size=40))
def test_quartiles_are_ordered_and_each_client_stands_somewhere(values):
    frame = figures(dict(enumerate(values)))
    table = engine.quartiles(frame)
    q1, median, q3 = table.loc["margin_rate", ["q1", "median", "q3"]]
    assert q1 <= median <= q3
    out = engine.standings(frame, table, {"margin_rate": True})
    assert set(out["standing"]) <= {"top", "middle", "bottom"}
    top = out.loc[out["standing"] == "top", "value"]
    assert (top > q3).all() and len(top) <= len(values) // 4 + 1


# ---------------------------------------------------------------- selector


def month_snapshot(org, kpi: str, value: float | None, month: dt.date = NOVEMBER) -> None:
    KpiSnapshot.objects.create(organization=org, scope="organisation", period="month", period_start=month,
                               kpi=kpi, value=value, computed_at=timezone.now())


def portfolio(count: int):
    orgs = [make_org(slug=f"client-{k}", name=f"Client {k}") for k in range(count)]
    consultant = make_user_in(orgs[0], Role.CONSULTANT)
    for org in orgs[1:]:
        make_user_in(org, Role.CONSULTANT, user=consultant)
    return consultant, orgs


@pytest.mark.django_db
@pytest.mark.parametrize(("clients", "shown"), [(4, False), (5, True)])
def test_margin_rate_is_benchmarked_from_five_clients_only(clients, shown):
    consultant, orgs = portfolio(clients)
    for k, org in enumerate(orgs):
        month_snapshot(org, "margin_rate", 0.10 * (k + 1))
    found = {b.measure.key: b for b in benchmarks.client_benchmarks(orgs[-1].id, today=TODAY, user=consultant)}
    margin = found["margin_rate"]
    assert margin.measure.n == clients and margin.measure.shown is shown
    if shown:
        assert (margin.measure.q1, margin.measure.median, margin.measure.q3) == pytest.approx((0.2, 0.3, 0.4))
        assert margin.standing == "top" and margin.value == pytest.approx(0.5)
        with translation.override("en"):
            assert str(margin.sentence) == "top quarter of comparable shops for margin rate"
        with translation.override("fr"):
            assert str(margin.sentence) == "quart supérieur des boutiques comparables pour le taux de marge"
    else:
        assert margin.measure.q1 is margin.measure.median is margin.measure.q3 is None
        assert margin.standing is None and margin.sentence is None


@pytest.mark.django_db
def test_only_the_last_complete_month_and_the_organisation_scope_count():
    consultant, orgs = portfolio(5)
    for k, org in enumerate(orgs):
        month_snapshot(org, "return_rate", 0.01 * (k + 1))
        month_snapshot(org, "return_rate", 0.9, month=dt.date(2026, 10, 1))  # an older month
        KpiSnapshot.objects.create(organization=org, scope="campaign", scope_id="3", period="month",
                                   period_start=NOVEMBER, kpi="return_rate", value=0.8, computed_at=timezone.now())
    found = {b.measure.key: b for b in benchmarks.client_benchmarks(orgs[0].id, today=TODAY, user=consultant)}
    returns = found["return_rate"]
    assert returns.measure.month == NOVEMBER and returns.measure.median == pytest.approx(0.03)
    assert returns.standing == "top"  # the lowest return rate: lower is better
    with translation.override("en"):
        assert str(returns.sentence) == "top quarter of comparable shops for return rate"


@pytest.mark.django_db
def test_acquisition_cost_compares_shops_of_the_same_currency_only():
    consultant, orgs = portfolio(5)
    orgs[4].currency = "GBP"
    orgs[4].save()
    for k, org in enumerate(orgs):
        month_snapshot(org, "cac", 10.0 + k)
    found = {b.measure.key: b for b in benchmarks.client_benchmarks(orgs[0].id, today=TODAY, user=consultant)}
    assert found["cac:EUR"].measure.n == 4 and not found["cac:EUR"].measure.shown
    assert "cac:GBP" not in found  # another currency's measure does not apply to this client


@pytest.mark.django_db
@pytest.mark.parametrize(("clients", "shown"), [(4, False), (5, True)])
def test_uplift_per_mechanic_is_benchmarked_from_five_clients_only(clients, shown):
    consultant, orgs = portfolio(clients)
    for k, org in enumerate(orgs):
        Forecast.objects.create(
            organization=org, fitted_at=timezone.now(), fitted_for=TODAY, method="weekday_average", history_days=400,
            promotions={"campaigns": [], "pooled": [
                {"mechanic": "percent_off", "depth_band": "15-30", "n": 2, "uplift": 0.1 * (k + 1)},
                {"mechanic": "free_shipping", "depth_band": None, "n": 1, "uplift": 0.05},
            ]},
        )
    found = {b.measure.key: b for b in benchmarks.client_benchmarks(orgs[0].id, today=TODAY, user=consultant)}
    uplift = found["uplift:percent_off:15-30"]
    assert uplift.measure.shown is shown and uplift.measure.n == clients
    assert uplift.standing == ("bottom" if shown else None)
    if shown:
        with translation.override("en"):
            assert str(uplift.sentence) == ("bottom quarter of comparable shops for the measured uplift of a "
                                            "percentage off (15 to 30 % off)")
            assert str(uplift.measure.label) == "Measured uplift: a percentage off (15 to 30 % off)"
        assert found["uplift:free_shipping:"].standing == "middle"  # all equal: neither above nor below


@pytest.mark.django_db
def test_without_a_user_the_peers_are_the_organisations_of_its_consultants():
    consultant, orgs = portfolio(5)
    outsider = make_org(slug="outsider", name="Outsider")
    make_user_in(outsider, Role.OWNER)
    for k, org in enumerate([*orgs, outsider]):
        month_snapshot(org, "repeat_purchase_rate", 0.1 * (k + 1))
    found = {b.measure.key: b for b in benchmarks.client_benchmarks(orgs[2].id, today=TODAY)}
    assert found["repeat_purchase_rate"].measure.n == 5  # the outsider is nobody's client of hers
    alone = {b.measure.key: b for b in benchmarks.client_benchmarks(outsider.id, today=TODAY)}
    assert alone["repeat_purchase_rate"].measure.n == 1 and alone["repeat_purchase_rate"].standing is None


@pytest.mark.django_db
def test_the_benchmarks_cost_the_same_queries_for_5_and_50_clients(django_assert_num_queries):
    consultant, orgs = portfolio(50)
    for k, org in enumerate(orgs):
        month_snapshot(org, "margin_rate", 0.01 * k)
    with django_assert_num_queries(4):
        benchmarks.client_benchmarks(orgs[0].id, today=TODAY, user=consultant)
    with django_assert_num_queries(3):
        benchmarks.portfolio_benchmarks([o.id for o in orgs[:5]], today=TODAY)
    with django_assert_num_queries(3):
        benchmarks.portfolio_benchmarks([o.id for o in orgs], today=TODAY)
