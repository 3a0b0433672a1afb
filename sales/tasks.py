"""Thin Celery adapters over :mod:`sales.services`: ids in, fetch, return early if gone.

The import batches retry by hand, to fail the batch once retries run out; the expiry job uses
:mod:`plannerist.tasks`' retry policy. Soft and hard time limits and JSON serialisation come
from ``plannerist/settings.py`` (``CELERY_TASK_SOFT_TIME_LIMIT``, ``CELERY_TASK_TIME_LIMIT``).

Named ``sales.tasks.*`` since the move from ``kpis`` (issue 13): a ``kpis.tasks.run_import``
or ``preview_import`` message still queued at the deploy is not run; its batch stays queued
until :func:`expire_imports` fails it as lost (``IMPORT_LOST``), and the page then says so.
"""

from __future__ import annotations

from collections.abc import Callable

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from plannerist.tasks import TRANSIENT_ERRORS, retrying_task
from sales import services
from sales.models import ImportBatch


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def run_import(self, batch_id: int) -> int | None:
    """A confirmed import too large for a web request; the page polls its progress."""
    return _batch_work(self, services.import_run, batch_id)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def preview_import(self, batch_id: int) -> int | None:
    """A large upload read and checked here rather than in the web request; the page polls
    until the preview waits for confirmation or the batch fails with every error."""
    return _batch_work(self, services.import_preview_run, batch_id)


def _batch_work(task, work: Callable[..., ImportBatch | None], batch_id: int) -> int | None:
    """Run an import batch's work. A run that fails, times out or exhausts its retries ends
    the batch with the reason, so that the page stops polling and says it."""
    try:
        batch = work(batch_id=batch_id)
    except SoftTimeLimitExceeded:
        services.import_fail(batch_id=batch_id, reason=services.IMPORT_TIMED_OUT)
        return None
    except TRANSIENT_ERRORS as error:
        if task.request.retries < task.max_retries:
            raise task.retry(exc=error, countdown=10 * 2**task.request.retries) from error
        services.import_fail(batch_id=batch_id, reason=services.IMPORT_CRASHED)
        raise
    except Exception:
        services.import_fail(batch_id=batch_id, reason=services.IMPORT_CRASHED)
        raise
    return None if batch is None else batch.orders


@retrying_task()
def expire_imports() -> tuple[int, int]:
    """Unconfirmed previews older than a day are deleted; lost runs are failed."""
    return services.import_batches_expire(now=timezone.now())
