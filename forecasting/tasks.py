"""Thin Celery adapters over :mod:`forecasting.services`: ids in, fetch, return early if gone.

Retry policy: :mod:`plannerist.tasks`; soft and hard time limits and JSON serialisation come
from ``plannerist/settings.py``.
"""

from __future__ import annotations

import zoneinfo

from django.utils import timezone

from forecasting import services, sources
from plannerist.models import Organization
from plannerist.tasks import retrying_task


@retrying_task(bind=True, reject_on_worker_lost=True)
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


@retrying_task()
def nightly_refit() -> int:
    return services.all_refit_request()
