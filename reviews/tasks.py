"""Thin Celery adapters over :mod:`reviews.services` (retry policy: :mod:`plannerist.tasks`)."""

from __future__ import annotations

from django.utils import timezone

from plannerist.tasks import retrying_task
from reviews import services


@retrying_task()
def prepare_review_drafts() -> int:
    """Monday morning: every organisation's draft review of the previous ISO week."""
    return services.review_drafts_prepare(now=timezone.now())


@retrying_task()
def send_scheduled_packs() -> int:
    """Every hour: the reviewed packs whose schedule is now, e-mailed (each once)."""
    return services.packs_send_scheduled(now=timezone.now())
