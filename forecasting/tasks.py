"""Thin Celery adapters over :mod:`forecasting.services`: ids in, fetch, return early if gone.

Soft and hard time limits and JSON serialisation come from ``plannerist/settings.py``.
"""

from __future__ import annotations

import zoneinfo

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from forecasting import services, sources
from plannerist.models import Organization

# Lost connections, lock timeouts, serialisation failures: worth another try later.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True, max_retries=5,
)
def refit_forecast(self, organization_id: int) -> int | None:
    """Refit one organisation from its actuals and campaigns; returns its days of history.
    A refit that started after this one was requested (e.g. ``seed_demo``'s own) has read
    what changed: it is not done again."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return None
    started = timezone.now()
    served = services.refit_served(organization_id=organization_id)
    services.refit_release(organization_id=organization_id)
    if served is not None:
        return served.history_days
    today = timezone.localtime(started, zoneinfo.ZoneInfo(organization.timezone)).date()
    history, campaigns = sources.organisation_history(organization, today)
    forecast = services.forecast_refit(organization=organization, history=history, campaigns=campaigns, today=today,
                                       fitted_at=started)
    return None if forecast is None else forecast.history_days


@shared_task(acks_late=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=5)
def nightly_refit() -> int:
    return services.all_refit_request()
