"""An order file's layout read from its header: a known export, or order lines with the mapping guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sales.readers import DEFAULT_LIMITS, OrderFile
from sales.readers.detect import detect_layout, header_of, signature

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def test_order_lines_get_their_mapping_guessed_from_french_and_english_names():
    layout = detect_layout(["Numéro commande", "Date", "Référence", "Désignation", "Qté", "Prix unitaire", "Client"])
    assert layout.format == "lines" and layout.complete
    assert layout.mapping == {"order": "Numéro commande", "date": "Date", "sku": "Référence", "description": "Désignation",
                              "quantity": "Qté", "unit_price": "Prix unitaire", "customer": "Client"}
    missing = detect_layout(["Ticket", "Article", "Montant"])
    assert missing.format == "lines" and set(missing.missing) == {"date", "quantity", "unit_price"}


def test_the_signature_names_the_shape_whatever_the_case_and_spaces():
    assert signature(["InvoiceNo", " Quantity"]) == signature(["invoiceno", "QUANTITY "])
    assert signature(["InvoiceNo", "Quantity"]) != signature(["Quantity", "InvoiceNo"])


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is absent: the real exports cannot be read")
def test_the_real_exports_are_recognised():
    shopify = DATA / "shopify_orders_export_kidsliving_2021-05_anon.csv"
    columns, errors = header_of(OrderFile(shopify.name, shopify.read_bytes()), DEFAULT_LIMITS)
    assert not errors and detect_layout(columns).format == "shopify"
    day = sorted((DATA / "online_retail_by_day").glob("*.csv"))[0]
    columns, _ = header_of(OrderFile(day.name, day.read_bytes()), DEFAULT_LIMITS)
    layout = detect_layout(columns)
    assert layout.format == "lines" and layout.mapping["order"] == "InvoiceNo" and layout.mapping["unit_price"] == "UnitPrice"
