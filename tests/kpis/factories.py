"""Makers for kpis rows (the shared ones live in ``tests/factories.py``)."""

from __future__ import annotations

from pathlib import Path

from kpis.importers import OrderFile
from kpis.models import DiscountCode

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
SHARED = REPO.parent / "shared" / "data"
UCI_COLUMNS = (
    "order=InvoiceNo,date=InvoiceDate,sku=StockCode,quantity=Quantity,"
    "unit_price=UnitPrice,customer=CustomerID"
)


def sample(name: str) -> OrderFile:
    return OrderFile.from_path(DATA / name)


def make_discount_code(organization, campaign, code: str) -> DiscountCode:
    return DiscountCode.objects.create(organization=organization, campaign=campaign, code=code)


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
