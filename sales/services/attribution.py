"""Which campaign an order counts for: the discount codes that link imported orders to a
campaign (by its id: campaigns sit a floor up), and what a deleted campaign leaves behind."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from plannerist.models import Organization
from sales.models import DailyActual, DiscountCode, ImportedOrder
from sales.services.actuals import daily_actuals_rebuild
from sales.services.common import time_zone
from sales.signals import actuals_changed_send


@transaction.atomic
def discount_code_add(*, organization: Organization, code: str, campaign_id: int) -> DiscountCode:
    """Link a promo code to a campaign and re-attribute the imported orders that used it."""
    found = DiscountCode.objects.create(organization=organization, code=code.strip(), campaign_id=campaign_id)
    _attribute_orders(organization, code.strip(), campaign_id)
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
    actuals_changed_send(organization=organization)


@transaction.atomic
def campaign_sales_forget(*, campaign_ids: list[int]) -> None:
    """Campaigns are gone: their discount codes and per-campaign days go with them, their
    orders stay, no longer attributed (what the foreign keys did when sales pointed at
    campaigns: CASCADE for codes and days, SET_NULL for orders). Organisation totals are
    untouched: the orders still happened."""
    DiscountCode.objects.filter(campaign_id__in=campaign_ids).delete()
    DailyActual.objects.filter(campaign_id__in=campaign_ids).delete()
    ImportedOrder.objects.filter(campaign_id__in=campaign_ids).update(campaign_id=None)
