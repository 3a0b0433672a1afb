"""Thin Celery adapters over :mod:`cockpit.services`: ids in, fetch, return early if gone."""

from __future__ import annotations

from cockpit import services
from plannerist.models import Organization
from plannerist.tasks import retrying_task


@retrying_task(reject_on_worker_lost=True)
def sample_fill_task(organization_id: int) -> bool:
    organization = Organization.objects.filter(pk=organization_id, sample__ready_at=None).first()
    if organization is None:  # removed meanwhile, or already filled
        return False
    services.sample_fill(organization=organization)
    return True
