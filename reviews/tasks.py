"""Thin Celery adapters over :mod:`reviews.services` (retry policy: :mod:`plannerist.tasks`)."""

from __future__ import annotations

from django.utils import timezone

from plannerist.tasks import retrying_task
from reviews import services


@retrying_task()
def prepare_review_drafts() -> int:
    """Monday morning: every organisation's draft review of the previous ISO week."""
    return services.review_drafts_prepare(now=timezone.now())
