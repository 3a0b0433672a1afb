"""What an organisation sets for its KPIs (not Django's settings): targets and signal
thresholds; each change queues a recompute. (The discount codes are :mod:`sales.services`.)"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from kpis.models import KpiTarget, SignalThresholds
from kpis.services.recompute import recompute_request
from plannerist.models import Organization


@transaction.atomic
def kpi_targets_save(*, organization: Organization, targets: Mapping[str, float | None]) -> None:
    """Set the targets given (a None clears one); KPIs not named keep theirs."""
    for kpi, value in targets.items():
        if value is None:
            KpiTarget.objects.filter(organization=organization, kpi=kpi).delete()
        else:
            KpiTarget.objects.update_or_create(organization=organization, kpi=kpi, defaults={"value": float(value)})
    recompute_request(organization=organization)


@transaction.atomic
def signal_thresholds_save(*, thresholds: SignalThresholds) -> SignalThresholds:
    thresholds.save()
    recompute_request(organization=thresholds.organization)
    return thresholds
