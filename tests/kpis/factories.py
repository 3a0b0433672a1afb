"""Makers for kpis rows (the shared ones live in ``tests/factories.py``), and a reader of snapshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from kpis.models import KpiSnapshot
from sales.models import DailyActual
from sales.readers import OrderFile

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
SHARED = REPO.parent / "shared" / "data"
UCI_COLUMNS = (
    "order=InvoiceNo,date=InvoiceDate,sku=StockCode,quantity=Quantity,"
    "unit_price=UnitPrice,customer=CustomerID"
)


def sample(name: str) -> OrderFile:
    return OrderFile.from_path(DATA / name)


def csv_file(name: str, text: str) -> OrderFile:
    return OrderFile(name, text.encode())


GENERIC_HEADER = (
    "order_id;date;sku;product_name;quantity;unit_price;customer;discount_code;discount_amount;"
    "shipping;channel;status;refunded_amount;shipped_at;currency\n"
)
# Three days: Ann buys on day 1 and again with PROMO on day 2; a guest on day 1; Bob on
# day 3, refunded 12 of his 60.
TINY_SHOP = GENERIC_HEADER + (
    "A1;01/04/2026 10:00;S;x;2;12,00;ann@example.fr;;;;;;;;\n"
    "A2;01/04/2026 11:00;S;x;1;24,00;;;;;;;;;\n"
    "A3;02/04/2026 09:00;S;x;1;36,00;ann@example.fr;promo;;;;;;;\n"
    "A4;03/04/2026 09:00;S;x;1;60,00;bob@example.fr;;;;;;12,00;;\n"
)


def tiny_shop() -> OrderFile:
    return csv_file("tiny.csv", TINY_SHOP)


def snapshot_rows(organization) -> set[tuple]:
    """(scope, scope_id, period, period_start, kpi, value) of the organisation's snapshots."""
    return {
        (scope, scope_id, period, period_start, kpi, None if value is None else round(value, 6))
        for scope, scope_id, period, period_start, kpi, value in KpiSnapshot.objects.filter(
            organization=organization
        ).values_list("scope", "scope_id", "period", "period_start", "kpi", "value")
    }


def last_week() -> list[dt.date]:
    """The days of the last complete ISO week: the latest column of the KPI page."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return [monday + dt.timedelta(days=n) for n in range(7)]


def type_figures(organization, days: Iterable[dt.date], *, orders: int) -> None:
    """The organisation's totals of ``days`` as typed in: ``orders`` orders of 30 incl. VAT a
    day and 25 of ad spend."""
    for day in days:
        DailyActual.objects.update_or_create(
            organization=organization, date=day, campaign_id=None, channel=None,
            defaults={"orders": orders, "paid_incl_vat": Decimal(30 * orders), "ad_spend": Decimal("25")},
        )  # fmt: skip
