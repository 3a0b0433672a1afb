"""What an organisation sets for its KPIs (not Django's settings): targets, signal thresholds
and the discount codes that link orders to campaigns; each change queues a recompute."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from kpis.models import KpiTarget, SignalThresholds
from kpis.services.actuals import daily_actuals_rebuild
from kpis.services.common import time_zone
from kpis.services.recompute import recompute_request
from plannerist.models import Organization
from sales.models import DiscountCode, ImportedOrder


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


@transaction.atomic
def discount_code_add(*, organization: Organization, code: str, campaign) -> DiscountCode:
    """Link a promo code to a campaign and re-attribute the imported orders that used it."""
    found = DiscountCode.objects.create(organization=organization, code=code.strip(), campaign_id=campaign.pk)
    _attribute_orders(organization, code.strip(), campaign.pk)
    return found


@transaction.atomic
def discount_code_remove(*, discount_code: DiscountCode) -> None:
    organization = discount_code.organization
    code = discount_code.code
    discount_code.delete()
    _attribute_orders(organization, code, None)


def _attribute_orders(organization: Organization, code: str, campaign_id: int | None) -> None:
    orders = ImportedOrder.objects.filter(organization=organization, discount_code__iexact=code)
    stamps = list(orders.exclude(campaign_id=campaign_id).values_list("ordered_at", flat=True))
    if not stamps:
        return
    orders.update(campaign_id=campaign_id)
    zone = time_zone(organization.timezone)
    daily_actuals_rebuild(organization=organization, days=sorted({timezone.localtime(s, zone).date() for s in stamps}))
    recompute_request(organization=organization)
