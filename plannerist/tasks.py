"""The retry policy every Celery task shares, so that it is written once.

A task is acknowledged after it ran (``acks_late``): a worker killed mid-task leaves it to
another. Lost connections, lock timeouts and serialisation failures are worth another try
later (:data:`TRANSIENT_ERRORS`), up to five times with a growing pause. Soft and hard time
limits and JSON serialisation come from ``plannerist/settings.py``.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

TRANSIENT_ERRORS = (OperationalError, InterfaceError)
RETRY_POLICY: dict[str, Any] = {
    "acks_late": True, "autoretry_for": TRANSIENT_ERRORS, "retry_backoff": True, "max_retries": 5,
}


def retrying_task(**options: Any):
    """``@shared_task`` with :data:`RETRY_POLICY`; ``options`` add to it or override it."""
    return shared_task(**{**RETRY_POLICY, **options})
