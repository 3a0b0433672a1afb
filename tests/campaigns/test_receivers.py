"""Sales names a campaign by id, without a foreign key: a deleted campaign's rows are cleared
by campaigns (what CASCADE and SET_NULL did when kpis held these tables)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.utils import timezone

from sales.models import DailyActual, DiscountCode, ImportedOrder
from tests.factories import make_campaign, make_discount_code


def _order(org, order_id: str, campaign_id: int | None) -> ImportedOrder:
    return ImportedOrder.objects.create(organization=org, order_id=order_id, ordered_at=timezone.now(),
                                        currency="EUR", source_format="generic", campaign_id=campaign_id)


def test_deleting_a_campaign_drops_its_codes_and_days_and_unlinks_its_orders(org):
    gone, kept = make_campaign(org), make_campaign(org)
    make_discount_code(org, campaign=gone, code="GONE")
    make_discount_code(org, campaign=kept, code="KEPT")
    day = dt.date(2026, 4, 1)
    DailyActual.objects.create(organization=org, date=day, orders=D("10"))
    DailyActual.objects.create(organization=org, date=day, orders=D("4"), campaign_id=gone.pk)
    DailyActual.objects.create(organization=org, date=day, orders=D("3"), campaign_id=kept.pk)
    _order(org, "A1", gone.pk)
    _order(org, "A2", kept.pk)

    gone.delete()

    assert set(DiscountCode.objects.values_list("code", flat=True)) == {"KEPT"}
    assert set(DailyActual.objects.values_list("campaign_id", "orders")) == {(None, D("10")), (kept.pk, D("3"))}
    assert dict(ImportedOrder.objects.values_list("order_id", "campaign_id")) == {"A1": None, "A2": kept.pk}


def test_deleting_the_organisation_takes_its_sales_rows_with_it(org, other_org):
    from plannerist.services import organization_delete

    campaign, theirs = make_campaign(org), make_campaign(other_org)
    make_discount_code(org, campaign=campaign)
    make_discount_code(other_org, campaign=theirs, code="THEIRS")
    _order(org, "A1", campaign.pk)
    _order(other_org, "B1", theirs.pk)

    organization_delete(organization=org)

    assert list(DiscountCode.objects.values_list("code", flat=True)) == ["THEIRS"]
    assert dict(ImportedOrder.objects.values_list("order_id", "campaign_id")) == {"B1": theirs.pk}
