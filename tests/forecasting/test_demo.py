"""The demo's history holds two years, its forecast is stored by seed_demo itself, and its
promotion memory pools last year's campaigns with this year's."""

from __future__ import annotations

import datetime as dt

import pytest
from celery import current_app
from django.utils import timezone

from cockpit import demo
from forecasting import services, tasks
from forecasting.models import Forecast, RefitState
from sales.models import DailyActual

pytestmark = pytest.mark.django_db


def test_seed_demo_stores_a_forecast_with_a_yearly_season_and_a_promotion_memory(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # The Celery app read its configuration at start: with a real broker (the PostgreSQL pass)
    # the queued refit must still run here, in-process.
    monkeypatch.setitem(current_app.conf, "task_always_eager", True)
    fits = []
    real = services.forecast_refit
    monkeypatch.setattr(services, "forecast_refit", lambda **kw: fits.append(kw["organization"].slug) or real(**kw))
    served = []
    real_served = services.refit_served
    monkeypatch.setattr(services, "refit_served", lambda **kw: served.append(real_served(**kw)) or served[-1])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        demo.seed()
    assert callbacks  # the import queued its refit and the KPI recompute
    shop = Forecast.objects.get(organization__slug="lumiere-et-cire")
    first = DailyActual.objects.filter(organization=shop.organization, campaign_id=None, channel=None).earliest("date").date
    assert (shop.organization.today() - first).days == 730 and shop.history_days == 730
    # A year before the tested weeks: last year's same weekday is a candidate, and the
    # chosen method beats the weekday average on the demo's own history.
    assert shop.backtest["seasonal_naive_wape"] is not None
    assert shop.backtest["wape"] < shop.backtest["weekday_average_wape"]
    pooled = {(p["mechanic"], p["depth_band"]): p for p in shop.promotions["pooled"]}
    assert pooled[("percent_off", "15-30")]["n"] == 3 and pooled[("percent_off", "<15")]["n"] == 2
    # The realised uplift of the −15 %/−20 % campaigns is 0.8 × 0.40–0.50: about +35 %.
    assert 0.2 < pooled[("percent_off", "15-30")]["uplift"] < 0.55
    # One fit per shop: the refit the import queued (run in-process here) found it served.
    assert sorted(fits) == ["lumiere-et-cire", "savonnerie-du-marais"]
    assert len(served) == 2 and all(f is not None for f in served)
    assert not RefitState.objects.filter(pending=True).exists()


def test_a_refit_requested_after_the_last_one_started_is_not_skipped(org, monkeypatch):
    stored = Forecast.objects.create(
        organization=org, fitted_at=timezone.now() - dt.timedelta(minutes=1), fitted_for=timezone.localdate(),
        method="weekday_average", history_days=1,
    )
    RefitState.objects.create(organization=org, pending=True, requested_at=stored.fitted_at - dt.timedelta(seconds=1))
    assert services.refit_served(organization_id=org.id) == stored
    RefitState.objects.filter(organization=org).update(requested_at=timezone.now())
    assert services.refit_served(organization_id=org.id) is None
    fits = []
    monkeypatch.setattr(services, "forecast_refit", lambda **kw: fits.append(kw) and None)
    tasks.refit_forecast.apply(args=[org.id]).get()
    assert len(fits) == 1 and fits[0]["fitted_at"] >= RefitState.objects.get(organization=org).requested_at
