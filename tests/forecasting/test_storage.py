"""The stored forecast (issue 14, storage and refit): the service stores and replaces it,
the selectors read it, the registry gives an organisation's data, the task refits after the
actuals change, and forecasting imports nothing from the apps above it."""

from __future__ import annotations

import ast
import datetime as dt
import pathlib
from decimal import Decimal as D

import numpy as np
import pandas as pd
import pytest
from celery import current_app
from django.utils import timezone

from forecasting import selectors, services, sources, tasks
from forecasting.models import HORIZON_DAYS, Forecast, ForecastDay, RefitState
from forecasting.sources import CampaignWindow
from plannerist.models import Organization
from sales import services as sales_services
from sales.models import DailyActual
from tests.factories import make_campaign, make_org
from tests.kpis.factories import tiny_shop

from .synthetic import days, expected_orders, poisson

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 4, 1)
HISTORY_DAYS = days("2023-01-02", "2024-03-31")
HISTORY = pd.DataFrame({"date": HISTORY_DAYS.date, "orders": poisson(expected_orders(HISTORY_DAYS)).astype(float)})
BF = CampaignWindow(7, "BF", dt.date(2023, 11, 24), dt.date(2023, 11, 27), "percent_off", 0.2)
SOLDES = CampaignWindow(8, "Soldes", dt.date(2024, 1, 10), dt.date(2024, 1, 16), "percent_off", 0.25)


@pytest.fixture
def in_process():
    """Run tasks in-process even when the suite runs against a real broker (no worker here)."""
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = eager


def refit(org, history=HISTORY, campaigns=(BF, SOLDES), today=TODAY):
    return services.forecast_refit(organization=org, history=history, campaigns=list(campaigns), today=today)


def stored_days(org) -> list[tuple]:
    return list(ForecastDay.objects.filter(organization=org).order_by("date").values_list(
        "date", "orders", "orders_lo80", "orders_hi80"))


def put_actuals(org, history: pd.DataFrame) -> None:
    DailyActual.objects.bulk_create(
        DailyActual(organization=org, date=day, orders=D(str(int(n)))) for day, n in zip(history["date"], history["orders"], strict=True)
    )


# ------------------------------------------------------------------------------ the service


def test_a_refit_stores_400_days_ahead_with_their_interval_and_the_backtest(org):
    forecast = refit(org)
    rows = stored_days(org)
    assert len(rows) == HORIZON_DAYS and rows[0][0] == TODAY and rows[-1][0] == TODAY + dt.timedelta(days=399)
    assert all(lo <= mean <= hi for _day, mean, lo, hi in rows)
    assert sum(mean for _day, mean, _lo, _hi in rows) > 0
    assert forecast.method and forecast.history_days == len(HISTORY)
    assert forecast.first_history_day == dt.date(2023, 1, 2) and forecast.last_history_day == dt.date(2024, 3, 31)
    assert forecast.fitted_for == TODAY
    assert {"wape", "weekday_average_wape", "seasonal_naive_wape"} <= set(forecast.backtest)
    assert forecast.backtest["wape"] <= forecast.backtest["weekday_average_wape"]
    assert {"code": "promotion_days_left_out", "values": {"days": 11}} in forecast.notes


def test_a_refit_replaces_the_previous_one_and_twice_the_same_gives_the_same_rows(org, other_org):
    refit(other_org)
    refit(org, history=HISTORY.iloc[:200], today=dt.date(2023, 7, 21))
    assert ForecastDay.objects.filter(organization=org).earliest("date").date == dt.date(2023, 7, 21)
    refit(org)
    first = stored_days(org)
    refit(org)
    assert stored_days(org) == first
    assert ForecastDay.objects.filter(organization=org).count() == HORIZON_DAYS
    assert Forecast.objects.filter(organization=org).count() == 1
    assert ForecastDay.objects.filter(organization=other_org).count() == HORIZON_DAYS  # left alone


def test_without_history_the_stored_forecast_is_removed(org):
    refit(org)
    assert refit(org, history=sources.empty_history()) is None
    assert not Forecast.objects.filter(organization=org).exists()
    assert not ForecastDay.objects.filter(organization=org).exists()


def test_the_promotion_memory_is_stored_per_campaign_and_pooled(org):
    refit(org)
    memory = selectors.promotion_memory(org.id)
    assert [c["id"] for c in memory["campaigns"]] == [7, 8]
    assert {"uplift", "uplift_lo80", "uplift_hi80", "dip_share", "baseline_orders"} <= set(memory["campaigns"][0])
    assert [(p["mechanic"], p["depth_band"], p["n"]) for p in memory["pooled"]] == [("percent_off", "15-30", 2)]
    # Each entry says the kind it was pooled as: the page reads a kind's dip from the entries alone.
    assert [(c["mechanic"], c["depth_band"]) for c in memory["campaigns"]] == [("percent_off", "15-30")] * 2
    # Each measured campaign's counterfactual day by day (both finished: the memory's model).
    stored = selectors.counterfactual_days(org.id, [7, 8])
    assert [len(stored[7]), len(stored[8])] == [4, 7] and (stored[7] > 0).all()


def test_the_promotion_memory_is_empty_before_any_refit(org):
    assert selectors.promotion_memory(org.id) == {"campaigns": [], "pooled": []}
    assert selectors.stored_forecast(org.id) is None


# ------------------------------------------------------------------------------ the selector


def test_the_selector_reads_a_range_of_days_in_one_query(org, django_assert_num_queries):
    refit(org)
    with django_assert_num_queries(1):
        frame = selectors.forecast_days(org.id, start=dt.date(2024, 4, 10), end=dt.date(2024, 4, 16))
    assert list(frame.columns) == ["orders", "orders_lo80", "orders_hi80"]
    assert list(frame.index) == list(pd.date_range("2024-04-10", "2024-04-16"))
    stored = dict((day, mean) for day, mean, _lo, _hi in stored_days(org))
    assert frame["orders"].tolist() == [stored[d.date()] for d in frame.index]


def test_the_selector_reads_only_the_organisation_s_days(org, other_org):
    refit(other_org)
    assert selectors.forecast_days(org.id, start=TODAY, end=TODAY + dt.timedelta(days=30)).empty


# ------------------------------------------------------------------------------ the registry


def test_the_registry_gives_the_organisation_s_daily_orders_before_today_and_the_campaigns_that_ran(org, other_org):
    put_actuals(org, HISTORY.iloc[-30:])
    put_actuals(other_org, HISTORY.iloc[-30:])
    finished = make_campaign(org, start=dt.date(2024, 3, 5), end=dt.date(2024, 3, 8), status="finished")
    make_campaign(org, start=dt.date(2024, 3, 10), end=dt.date(2024, 3, 12), status="draft")
    make_campaign(other_org, start=dt.date(2024, 3, 5), end=dt.date(2024, 3, 8), status="finished")
    campaign = make_campaign(org, start=dt.date(2024, 3, 20), end=dt.date(2024, 3, 25), status="finished")
    # A campaign's own breakdown row is not the organisation's total of the day.
    DailyActual.objects.create(organization=org, date=dt.date(2024, 3, 21), orders=D("999"), campaign_id=campaign.pk)
    history, campaigns = sources.organisation_history(org, dt.date(2024, 3, 31))
    assert list(history.columns) == ["date", "orders"]
    assert history["date"].tolist() == list(HISTORY["date"].iloc[-30:-1])  # before today
    assert history["orders"].tolist() == HISTORY["orders"].iloc[-30:-1].tolist()
    assert [(c.id, c.start, c.mechanic, c.depth) for c in campaigns] == [
        (finished.id, dt.date(2024, 3, 5), "percent_off", 0.2), (campaign.id, dt.date(2024, 3, 20), "percent_off", 0.2)]


# ------------------------------------------------------------------------------ the task


def test_a_quick_entry_refits_the_forecast_after_commit(org, in_process, django_capture_on_commit_callbacks):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    shifted = HISTORY.iloc[-90:].assign(date=[yesterday - dt.timedelta(days=89 - i) for i in range(90)])
    put_actuals(org, shifted)
    with django_capture_on_commit_callbacks(execute=True):
        sales_services.daily_actual_save(organization=org, date=yesterday, values={"orders": D("40")})
        assert not Forecast.objects.filter(organization=org).exists()  # not before commit
    forecast = Forecast.objects.get(organization=org)
    assert forecast.history_days == 90 and forecast.last_history_day == yesterday
    assert ForecastDay.objects.filter(organization=org).count() == HORIZON_DAYS
    assert not RefitState.objects.get(organization=org).pending


def test_an_import_refits_the_forecast(org, in_process, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = sales_services.orders_import(organization=org, files=[tiny_shop()], format="generic")
    assert outcome.ok, outcome.errors
    forecast = Forecast.objects.get(organization=org)
    first = DailyActual.objects.filter(organization=org, campaign_id=None, channel=None).earliest("date").date
    assert forecast.first_history_day == first


def test_changes_in_one_transaction_queue_one_refit(org, monkeypatch, django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr(tasks.refit_forecast, "delay", calls.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.refit_request(organization=org) is True
        assert services.refit_request(organization=org) is False
    assert calls == [org.id]


def test_a_dead_broker_leaves_the_refit_to_the_night(org, monkeypatch, django_capture_on_commit_callbacks):
    def down(_organization_id):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.refit_forecast, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        services.refit_request(organization=org)
    state = RefitState.objects.get(organization=org)
    assert not state.pending and "redis is down" in state.last_error


def test_the_task_of_a_deleted_organisation_does_nothing(org):
    gone = org.id
    org.delete()
    assert tasks.refit_forecast.apply(args=[gone]).get() is None


def test_the_task_refits_from_the_registry(org, in_process):
    today = timezone.localdate()
    put_actuals(org, HISTORY.iloc[-60:].assign(date=[today - dt.timedelta(days=60 - i) for i in range(60)]))
    assert tasks.refit_forecast.apply(args=[org.id]).get() == 60
    assert ForecastDay.objects.filter(organization=org).count() == HORIZON_DAYS


def test_the_nightly_refit_queues_one_refit_per_organisation(org, other_org, monkeypatch, django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr(tasks.refit_forecast, "delay", calls.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.nightly_refit.apply().get() == 2
    assert sorted(calls) == sorted([org.id, other_org.id])


def test_the_nightly_refit_claims_in_as_many_queries_for_3_organisations_as_for_30(
    monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    calls, counts = [], []
    monkeypatch.setattr(tasks.refit_forecast, "delay", calls.append)
    for number in (3, 30):
        for _ in range(number):
            make_org()
        RefitState.objects.all().delete()
        calls.clear()
        with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
            tasks.nightly_refit()
        counts.append(len(queries))
        assert sorted(calls) == sorted(Organization.objects.values_list("id", flat=True))
    assert counts[0] == counts[1], counts
    assert not RefitState.objects.filter(pending=False).exists()


def test_the_nightly_refit_skips_an_organisation_whose_refit_is_queued(org, other_org, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr(tasks.refit_forecast, "delay", calls.append)
    RefitState.objects.create(organization=org, pending=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.nightly_refit() == 1
    assert calls == [other_org.id]


def test_a_nightly_refit_the_broker_refuses_is_released_for_the_next_night(org, other_org, monkeypatch,
                                                                           django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from plannerist import publish

    def refuse(org_id):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.refit_forecast, "delay", refuse)
    publish.resume()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.nightly_refit() == 2
    finally:
        publish.resume()
    states = RefitState.objects.filter(organization__in=[org, other_org])
    assert [(s.pending, "not queued" in s.last_error) for s in states] == [(False, True)] * 2


def test_the_nightly_refit_is_scheduled_before_the_kpi_recompute(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    refit, recompute = schedule["forecasting-nightly-refit"], schedule["kpis-nightly-recompute"]
    assert refit["task"] == "forecasting.tasks.nightly_refit"
    assert (min(refit["schedule"].hour), min(refit["schedule"].minute)) < (
        min(recompute["schedule"].hour), min(recompute["schedule"].minute))


# ------------------------------------------------------------------------------ the floors

FORBIDDEN = ("kpis", "campaigns", "capacity", "reviews", "cockpit")
ROOT = pathlib.Path(__file__).resolve().parents[2]


def imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):  # every level: function-local imports too
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
            names |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return names


def test_forecasting_imports_no_app_above_it():
    files = sorted((ROOT / "forecasting").rglob("*.py"))
    assert len(files) > 10
    for path in files:
        for name in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            assert name.split(".")[0] not in FORBIDDEN, f"{path.relative_to(ROOT)} imports {name}"


def test_the_scan_sees_a_function_local_import():
    tree = ast.parse("def f():\n    from kpis.models import DailyActual\n    import campaigns.models\n")
    assert imported_modules(tree) == {"kpis.models", "campaigns.models"}


def test_a_campaign_starting_before_the_history_is_left_to_the_baseline_only(org):
    early = CampaignWindow(9, "Old", dt.date(2022, 11, 25), dt.date(2022, 11, 28), "free_shipping")
    forecast = refit(org, campaigns=(early, BF))
    assert [c["id"] for c in forecast.promotions["campaigns"]] == [7]
    assert np.isfinite([r[1] for r in stored_days(org)]).all()


def test_an_organisation_in_a_country_the_holidays_package_lacks_is_fitted_on_france_s_calendar(db):
    org = make_org(country="ZZ")
    forecast = refit(org)
    assert {"code": "country_not_supported", "values": {"country": "ZZ"}} in forecast.notes


def test_an_import_recomputes_the_kpis_after_the_refit_not_only_before(
    org, in_process, django_capture_on_commit_callbacks
):
    from kpis.models import RecomputeState

    with django_capture_on_commit_callbacks(execute=True):
        assert sales_services.orders_import(organization=org, files=[tiny_shop()], format="generic").ok
    forecast = Forecast.objects.get(organization=org)
    state = RecomputeState.objects.get(organization=org)
    # The import queued a recompute and a refit; the refit queued another recompute, which read its forecast.
    assert state.last_computed_at > forecast.fitted_at and not state.stale and not state.pending


def test_a_refit_alone_queues_one_recompute_after_its_commit(org, monkeypatch, django_capture_on_commit_callbacks):
    from kpis import tasks as kpis_tasks

    queued = []
    monkeypatch.setattr(kpis_tasks.recompute_kpis, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        refit(org)
        assert queued == []  # not before commit
    assert queued == [org.id]
