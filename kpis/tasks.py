"""Thin Celery adapters over :mod:`kpis.services`: ids in, fetch, return early if gone.

The retry policy is :mod:`plannerist.tasks`'. Soft and hard time limits and JSON
serialisation come from ``plannerist/settings.py`` (``CELERY_TASK_SOFT_TIME_LIMIT``,
``CELERY_TASK_TIME_LIMIT``). The imports' tasks are :mod:`sales.tasks`.
"""

from __future__ import annotations

from kpis import services
from plannerist.models import Organization
from plannerist.tasks import retrying_task


@retrying_task(bind=True, reject_on_worker_lost=True)
def recompute_kpis(self, organization_id: int) -> int | None:
    if not Organization.objects.filter(pk=organization_id).exists():
        return None
    return services.kpis_recompute(organization_id=organization_id)


@retrying_task()
def sweep_stale() -> int:
    return services.stale_recompute_sweep()


@retrying_task()
def nightly_recompute() -> int:
    return services.all_recompute_request()
