"""Writes on what the shop sold that the floors above ask for, taking plain values."""

from __future__ import annotations

from django.db import transaction

from sales.models import DailyActual, DiscountCode, ImportedOrder


@transaction.atomic
def campaign_sales_forget(*, campaign_ids: list[int]) -> None:
    """Campaigns are gone: their discount codes and per-campaign days go with them, their
    orders stay, no longer attributed (what the foreign keys did when sales pointed at
    campaigns: CASCADE for codes and days, SET_NULL for orders). Organisation totals are
    untouched: the orders still happened."""
    DiscountCode.objects.filter(campaign_id__in=campaign_ids).delete()
    DailyActual.objects.filter(campaign_id__in=campaign_ids).delete()
    ImportedOrder.objects.filter(campaign_id__in=campaign_ids).update(campaign_id=None)
