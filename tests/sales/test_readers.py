"""Order importers: sample files of each format, the real files in ../shared/data, bad files.

No Django: the importers are pure pandas.
"""

from __future__ import annotations

import datetime as dt
import glob
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from plannerist.csv_safe import escape_cell, escape_frame, to_safe_csv
from sales.engine import daily_actuals_from_orders
from sales.readers import (
    LINE_COLUMNS,
    TEMPLATE_COLUMNS,
    TEMPLATE_DOC,
    ImportLimits,
    OrderFile,
    orders_from_lines,
    parse_column_mapping,
    read_generic,
    read_lines,
    read_orders,
    read_shopify,
    read_woocommerce,
    template_csv,
    template_xlsx,
)
from sales.readers.values import (
    hash_customers,
    normalise_customer_ids,
    parse_datetimes,
    parse_numbers,
)

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
SHARED = REPO.parent / "shared" / "data"
SALT = "org-42-secret"
UCI_MAPPING = (
    "order=InvoiceNo,date=InvoiceDate,sku=StockCode,quantity=Quantity,"
    "unit_price=UnitPrice,customer=CustomerID"
)
TILL_MAPPING = {
    "order": "Ticket",
    "date": "Horodatage",
    "sku": "Article",
    "description": "Libellé",
    "quantity": "Qté",
    "unit_price": "PU TTC",
    "customer": "Client",
    "channel": "Magasin",
}
GENERIC_HEADER = ";".join(c.name for c in TEMPLATE_COLUMNS)


def sample(name: str) -> OrderFile:
    return OrderFile.from_path(DATA / name)


def shared(name: str) -> OrderFile:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the real files live beside the repository, not in it")
    return OrderFile.from_path(path)


def text_file(name: str, text: str, encoding: str = "utf-8") -> OrderFile:
    return OrderFile(name, text.encode(encoding))


def generic(rows: list[str], header: str = GENERIC_HEADER, name: str = "orders.csv") -> OrderFile:
    """A template file; each row gives the first columns, the rest are left blank."""
    width = header.count(";") + 1
    lines = [header] + [row + ";" * (width - 1 - row.count(";")) for row in rows]
    return text_file(name, "\n".join(lines) + "\n")


def by_order(lines: pd.DataFrame) -> pd.DataFrame:
    return orders_from_lines(lines).set_index("order_id")


# --- Shopify ------------------------------------------------------------------------------


def test_shopify_75_columns_fills_continuation_rows_from_the_orders_first_row():
    result = read_shopify(sample("shopify_75cols_sample.csv"), salt=SALT)
    assert result.ok, result.errors
    lines = result.lines
    assert list(lines.columns) == list(LINE_COLUMNS)
    first_order = lines[lines["order_id"] == "#1001"]
    assert first_order["line_no"].tolist() == [1, 2, 3]
    assert first_order["source_row"].tolist() == [2, 3, 4]
    assert first_order["discount_code"].tolist() == ["BLACKFRIDAY"] * 3
    assert first_order["order_total"].tolist() == [55.70] * 3
    assert first_order["line_total_incl_vat"].tolist() == [49.80, 13.70, 0.0]
    assert first_order["customer_key"].nunique() == 1


def test_shopify_counts_what_unusual_rows_are():
    summary = read_shopify(sample("shopify_75cols_sample.csv"), salt=SALT).summary
    assert (summary.orders, summary.lines) == (5, 7)
    assert summary.cancelled_orders == 1  # the voided #1003 is imported, as cancelled
    assert summary.guest_orders == 1  # #1002 has no e-mail
    assert summary.zero_price_lines == 1  # the free sample
    assert summary.customers == 3  # Marie twice, whatever the case of her e-mail


def test_shopify_drops_the_utc_offset_and_keeps_the_shops_wall_clock():
    lines = read_shopify(sample("shopify_75cols_sample.csv"), salt=SALT).lines
    orders = by_order(lines)
    assert orders.loc["#1002", "ordered_at"] == pd.Timestamp("2021-11-26 23:40:10")
    assert orders.loc["#1001", "shipped_at"] == pd.Timestamp("2021-11-26 15:00:00")
    assert orders.loc["#1004", "refunded_amount"] == 24.90


def test_shopify_never_keeps_a_raw_email():
    lines = read_shopify(sample("shopify_75cols_sample.csv"), salt=SALT).lines
    flat = [str(cell) for cell in lines.to_numpy().ravel()]
    assert not any("@" in cell for cell in flat)
    marie = by_order(lines).loc[["#1001", "#1004"], "customer_key"]
    assert marie.nunique() == 1 and len(marie.iat[0]) == 64


def test_customer_keys_depend_on_the_salt():
    one = read_shopify(sample("shopify_75cols_sample.csv"), salt="a").lines["customer_key"]
    two = read_shopify(sample("shopify_75cols_sample.csv"), salt="b").lines["customer_key"]
    assert set(one.dropna()).isdisjoint(set(two.dropna()))


def test_an_empty_salt_is_refused():
    with pytest.raises(ValueError, match="salt"):
        read_shopify(sample("shopify_75cols_sample.csv"), salt="")


def test_formula_payloads_are_imported_as_text():
    lines = read_shopify(sample("shopify_75cols_sample.csv"), salt=SALT).lines
    assert "=1+2 bougie test" in lines["product_name"].tolist()


def test_shopify_79_columns_layout():
    result = read_shopify(sample("shopify_79cols_sample.csv"), salt=SALT)
    assert result.ok, result.errors
    orders = by_order(result.lines)
    assert orders.loc["#2002", "lines"] == 2
    assert orders.loc["#2002", "discount_amount"] == 4.0
    assert orders.loc["#2002", "goods_incl_vat"] == pytest.approx(9.90 + 3 * 9.99)
    assert pd.isna(orders.loc["#2002", "customer_key"])
    assert orders.loc["#2001", "customer_key"] == orders.loc["#2003", "customer_key"]


def test_real_shopify_export_kidsliving_75_columns():
    result = read_shopify(shared("shopify_orders_export_kidsliving_2021-05_anon.csv"), salt=SALT)
    assert result.ok, result.errors[:5]
    assert (result.summary.orders, result.summary.lines) == (50, 101)
    assert result.summary.currencies == ("ZAR",)
    assert result.summary.cancelled_orders == 2  # two voided orders with a Cancelled at
    assert result.summary.zero_price_lines == 1
    orders = by_order(result.lines)
    assert orders.loc["#13531", "lines"] == 6
    assert orders.loc["#13531", "order_total"] == 33017.00
    assert orders.loc["#13531", "goods_incl_vat"] == 33017.00  # VAT included in line prices
    assert orders["order_total"].sum() == pytest.approx(
        pd.read_csv(SHARED / "shopify_orders_export_kidsliving_2021-05_anon.csv")["Total"].sum()
    )


def test_real_shopify_export_bd_79_columns():
    result = read_shopify(shared("shopify_orders_export_bd_2026-04_anon.csv"), salt=SALT)
    assert result.ok, result.errors[:5]
    assert (result.summary.orders, result.summary.lines) == (5, 6)
    assert result.summary.guest_orders == 5  # cash on delivery, no e-mail at all
    orders = by_order(result.lines)
    assert orders.loc["#71737", "discount_code"] == "UPSELL DISCOUNT"
    assert orders.loc["#71737", "discount_amount"] == 400.0
    assert orders.loc["#71737", "ordered_at"] == pd.Timestamp("2026-04-06 01:48:03")
    assert orders["order_total"].sum() == 7700.0


# --- UCI Online Retail week through the column mapping ---------------------------------------


@pytest.fixture(scope="module")
def uci_week():
    paths = sorted(glob.glob(str(SHARED / "online_retail_by_day" / "*.csv")))
    if len(paths) != 7:
        pytest.skip(
            f"the UCI week is absent from {SHARED}: the real files live beside the repository"
        )
    files = [OrderFile.from_path(p) for p in paths]
    return read_lines(
        files, salt=SALT, mapping=parse_column_mapping(UCI_MAPPING), cancel_prefix="C"
    )


def test_uci_week_as_one_import_gives_the_known_totals(uci_week):
    assert uci_week.ok, uci_week.errors[:5]
    lines = uci_week.lines
    assert len(lines) == 23_280
    assert lines["order_id"].nunique() == 880
    assert lines.loc[lines["cancelled"], "order_id"].nunique() == 81
    assert lines["customer_key"].nunique() == 596
    assert lines["customer_key"].isna().sum() == 5_246
    assert uci_week.summary.adjustment_lines == 30  # "damaged", "wet pallet": price 0, qty < 0
    assert uci_week.summary.zero_price_lines == 66


def test_uci_week_matches_the_published_daily_figures(uci_week):
    reference = pd.read_csv(
        SHARED / "online_retail_daily_2010-12-01_2011-12-09.csv", parse_dates=["date"]
    )
    lines = uci_week.lines.assign(day=uci_week.lines["ordered_at"].dt.normalize())
    kept = ~lines["cancelled"]
    per_day = pd.DataFrame(
        {
            "lines": lines.groupby("day").size(),
            "invoices": lines.groupby("day")["order_id"].nunique(),
            "customers": lines.groupby("day")["customer_key"].nunique(),
            "units_noncancel": lines[kept].groupby("day")["quantity"].sum(),
        }
    )
    daily = (
        daily_actuals_from_orders(orders_from_lines(uci_week.lines))
        .assign(date=lambda d: pd.to_datetime(d["date"]))
        .set_index("date")
    )
    expected = reference.set_index("date").loc[per_day.index]
    assert (per_day["lines"] == expected["lines"]).all()
    assert (per_day["invoices"] == expected["invoices"]).all()
    assert (per_day["customers"] == expected["customers"]).all()
    assert (per_day["units_noncancel"] == expected["units_noncancel"]).all()
    # Stock write-offs are non-cancelled invoices in the published count, not sales here.
    assert (daily["orders"] + daily["adjustment_orders"] == expected["orders_noncancel"]).all()
    assert (daily["cancelled_orders"] == expected["cancel_invoices"]).all()
    assert np.allclose(daily["paid_incl_vat"], expected["revenue_gross_noncancel"])
    assert np.allclose(-daily["refunds"], expected["revenue_cancel"])  # credit notes
    assert np.allclose(daily["paid_incl_vat"] - daily["refunds"], expected["revenue_net_all_rows"])


def test_uci_invoice_spanning_two_minutes_stays_one_order(uci_week):
    order = by_order(uci_week.lines).loc["578548"]
    assert order["ordered_at"] == pd.Timestamp("2011-11-24 15:02:00")


# --- WooCommerce -----------------------------------------------------------------------------


def test_woocommerce_unpacks_line_items_and_order_fields():
    result = read_woocommerce(sample("woocommerce_sample.csv"), salt=SALT)
    assert result.ok, result.errors
    lines, orders = result.lines, by_order(result.lines)
    assert (result.summary.orders, result.summary.lines) == (5, 7)
    first = lines[lines["order_id"] == "3101"]
    assert first["product_name"].tolist() == ["Bougie vanille 200 g", "Échantillon | mini"]
    assert first["line_total_incl_vat"].tolist() == pytest.approx([49.80, 0.0])
    assert first["sku"].tolist() == ["BOUG-VAN-200", "102"]  # product_id stands in for a blank sku
    assert orders.loc["3101", "shipping_incl_vat"] == pytest.approx(4.90)
    # A coupon: the line is valued before it (sub_total 25 + 20 % VAT), the order after.
    assert orders.loc["3102", "goods_incl_vat"] == pytest.approx(30.0)
    assert orders.loc["3102", "discount_code"] == "PRINTEMPS"
    assert orders.loc["3102", "order_total"] == 28.90
    assert pd.isna(orders.loc["3102", "customer_key"])  # guest checkout
    assert orders.loc["3103", "refunded_amount"] == 29.80
    assert orders.loc["3105", "refunded_amount"] == 15.0  # two refunds on one order
    assert orders.loc["3104", "cancelled"]
    assert orders.loc["3101", "customer_key"] == orders.loc["3104", "customer_key"]


# --- Generic template and French Excel ---------------------------------------------------


def test_generic_french_excel_file_cp1252_semicolon_decimal_comma_day_first():
    result = read_generic(sample("generic_fr_excel.csv"), salt=SALT)
    assert result.ok, result.errors
    orders = by_order(result.lines)
    assert orders.loc["F-1001", "ordered_at"] == pd.Timestamp("2026-04-05 14:30")
    assert orders.loc["F-1005", "ordered_at"] == pd.Timestamp("2026-04-13 11:00")
    assert orders.loc["F-1001", "order_total"] == pytest.approx(2 * 24.90 - 9.96 + 4.90)
    assert orders.loc["F-1002", "goods_incl_vat"] == 1234.56  # no-break space thousands
    assert result.lines["product_name"].str.contains("€").any()
    assert orders.loc["F-1004", "cancelled"]  # status "annulée"
    assert orders.loc["F-1003", "is_adjustment_order"]  # a return booked on its own
    assert orders.loc["F-1001", "shipped_at"] == pd.Timestamp("2026-04-06 10:00")
    assert result.summary.currencies == ("EUR",)
    assert result.summary.guest_orders == 1


def test_the_same_rows_from_utf8_bom_utf16_and_cp1252():
    raw = (DATA / "generic_fr_excel.csv").read_bytes().decode("cp1252")
    variants = [
        OrderFile("a.csv", raw.encode("cp1252")),
        OrderFile("a.csv", b"\xef\xbb\xbf" + raw.encode("utf-8")),
        OrderFile("a.csv", raw.encode("utf-8")),
        OrderFile("a.csv", raw.replace(";", "\t").encode("utf-16")),  # Excel "Unicode text"
    ]
    results = [read_generic(f, salt=SALT) for f in variants]
    assert all(r.ok for r in results), [r.errors for r in results]
    for other in results[1:]:
        pd.testing.assert_frame_equal(results[0].lines, other.lines)


def test_generic_xlsx_template_round_trip():
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(template_xlsx()))
    sheet = workbook["orders"]
    sheet.append(["F-1", dt.datetime(2026, 4, 5, 14, 30), "BOUG", "Bougie", 2, 24.9, 17850.0])
    sheet.append(["F-1", dt.datetime(2026, 4, 5, 14, 30), "ECH", "Échantillon", 1, 0])
    sheet.append([])  # a blank row in the middle, as people leave them
    sheet.append([1002, dt.date(2026, 4, 6), "BOUG", "Bougie", -1, 24.9])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_generic(OrderFile("orders.xlsx", buffer.getvalue()), salt=SALT)
    assert result.ok, result.errors
    assert result.lines["source_row"].tolist() == [2, 3, 5]  # sheet rows, blank one skipped
    assert result.lines["order_id"].tolist() == ["F-1", "F-1", "1002"]
    assert result.lines["ordered_at"].iat[0] == pd.Timestamp("2026-04-05 14:30")
    same = (
        read_generic(generic(["x;05/04/2026;s;;1;1;17850"]), salt=SALT).lines["customer_key"].iat[0]
    )
    assert result.lines["customer_key"].iat[0] == same  # 17850.0 from Excel is customer 17850


def test_template_csv_is_what_french_excel_opens():
    content = template_csv()
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").strip() == GENERIC_HEADER
    refused = read_generic(OrderFile("template.csv", content), salt=SALT)
    assert [e.code for e in refused.errors] == ["no_rows"]  # an untouched template imports nothing
    example = read_generic(OrderFile("t.csv", template_csv(with_example=True)), salt=SALT)
    assert example.ok, example.errors


def test_template_doc_describes_every_column():
    for column in TEMPLATE_COLUMNS:
        assert f"`{column.name}`" in TEMPLATE_DOC
        assert column.help_en and column.help_fr


def test_generic_headers_match_without_case_or_spaces():
    header = GENERIC_HEADER.replace("order_id", " Order_ID ").replace("quantity", "QUANTITY")
    result = read_generic(generic(["A;05/04/2026;s;;1;2,5"], header=header), salt=SALT)
    assert result.ok, result.errors
    assert result.lines["quantity"].tolist() == [1.0]


# --- Order-line files through a mapping ------------------------------------------------------


def test_till_export_with_a_cancel_prefix():
    result = read_lines(
        sample("lines_sample.tsv"), salt=SALT, mapping=TILL_MAPPING, cancel_prefix="C"
    )
    assert result.ok, result.errors
    orders = by_order(result.lines)
    assert orders.loc["CT-502", "cancelled"] and not orders.loc["T-502", "cancelled"]
    assert orders.loc["T-503", "is_adjustment_order"]  # a write-off, imported as such
    assert orders.loc["T-504", "lines"] == 2  # the same item scanned twice is two lines
    assert orders.loc["T-501", "customer_key"] == orders.loc["T-504", "customer_key"]
    assert orders.loc["T-501", "channel"] == "Lyon"
    assert result.summary.guest_orders == 3


def test_till_export_where_negative_quantities_mark_cancellations():
    result = read_lines(sample("lines_sample.tsv"), salt=SALT, mapping=TILL_MAPPING)
    orders = by_order(result.lines)
    assert orders.loc["CT-502", "cancelled"]
    assert orders.loc["T-503", "cancelled"]  # every line negative: a cancellation here
    assert not orders.loc["T-501", "cancelled"]


def test_parse_column_mapping():
    assert parse_column_mapping(UCI_MAPPING)["unit_price"] == "UnitPrice"
    with pytest.raises(ValueError, match="field=Column"):
        parse_column_mapping("order=InvoiceNo,date")


def test_read_orders_dispatches_by_format_name():
    result = read_orders(
        sample("lines_sample.tsv"), format="lines", salt=SALT, mapping=TILL_MAPPING
    )
    assert result.ok
    with pytest.raises(ValueError, match="unknown format"):
        read_orders(sample("lines_sample.tsv"), format="csv", salt=SALT)  # type: ignore[arg-type]


# --- Several files, one import ------------------------------------------------------------------


def test_importing_the_same_file_twice_gives_the_same_rows():
    once = read_shopify(sample("shopify_75cols_sample.csv"), salt=SALT)
    twice = read_shopify([sample("shopify_75cols_sample.csv")] * 2, salt=SALT)
    assert twice.ok, twice.errors
    pd.testing.assert_frame_equal(once.lines, twice.lines)
    assert twice.summary.duplicate_lines_dropped == 7
    again = read_shopify(sample("shopify_75cols_sample.csv"), salt=SALT)
    pd.testing.assert_frame_equal(once.lines, again.lines)


def test_overlapping_exports_keep_each_order_once():
    head = "Name,Email,Created at,Lineitem quantity,Lineitem name,Lineitem price,Total\n"
    march = (
        head
        + "#1,a@x.fr,2026-03-30 10:00,1,Bougie,10.00,10.00\n#2,,2026-03-31 10:00,1,Savon,5.00,5.00\n"
    )
    april = (
        head + "#2,,2026-03-31 10:00,1,Savon,5.00,5.00\n#3,,2026-04-01 10:00,2,Savon,5.00,10.00\n"
    )
    result = read_shopify(
        [text_file("orders_export.csv", march), text_file("orders_export.csv", april)], salt=SALT
    )
    assert result.ok, result.errors
    assert result.lines["order_id"].tolist() == ["#1", "#2", "#3"]
    assert result.summary.duplicate_lines_dropped == 1


def test_an_order_with_other_lines_in_a_second_file_is_refused():
    # Read as one, its lines would add up (5.0); imported one file after the other, the later
    # would replace the earlier (3.0): the import refuses rather than guess (issue 12, item 23).
    one = generic(["A;05/04/2026;s1;;1;2", "B;05/04/2026;s1;;1;2"], name="one.csv")
    two = generic(["B;05/04/2026;s1;;1;2", "A;05/04/2026;s2;;1;3"], name="two.csv")
    result = read_generic([one, two], salt=SALT)
    assert result.lines.empty
    assert [(e.file, e.row, e.column, e.code) for e in result.errors] == [
        ("two.csv", 3, None, "conflicting_duplicate")
    ]
    assert "A" in result.errors[0].message and "one.csv" in result.errors[0].message


def test_an_order_given_identically_in_two_files_is_one_order_as_two_imports_would_make_it():
    one = generic(["A;05/04/2026;s1;;1;2", "A;05/04/2026;s2;;1;3"], name="one.csv")
    two = generic(["A;05/04/2026;s2;;1;3", "A;05/04/2026;s1;;1;2"], name="two.csv")
    result = read_generic([one, two], salt=SALT)
    assert result.ok, result.errors
    assert by_order(result.lines).loc["A", "order_total"] == 5.0
    assert result.summary.duplicate_lines_dropped == 2


# --- Bad files: clear errors with row and column, and nothing imported ---------------------

SHOPIFY_HEAD = "Name,Email,Created at,Lineitem quantity,Lineitem name,Lineitem price,Total\n"
GOOD_SHOPIFY = SHOPIFY_HEAD + "#1,a@x.fr,2026-03-30 10:00:00 +0200,1,Bougie,10.00,10.00\n"


def _xlsx_with_a_damaged_sheet() -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template_xlsx())) as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]
            target.writestr(item, data)
    return buffer.getvalue()


BAD_FILES = {
    "encoding garbage": (
        lambda: read_shopify(OrderFile("x.csv", b"Name,Total\n#1,\x81\x8d\x90\n"), salt=SALT),
        "encoding", None, None,
    ),
    "binary data": (
        lambda: read_shopify(OrderFile("x.csv", b"Name,Total\n\x00\x01\x02"), salt=SALT),
        "binary", None, None,
    ),
    "control characters": (
        lambda: read_shopify(OrderFile("x.csv", b"Name,Total\n\x07\x08\x1b[2J"), salt=SALT),
        "binary", None, None,
    ),
    "wrong separator, one column": (
        lambda: read_generic(text_file("x.csv", GENERIC_HEADER.replace(";", "|") + "\nA|05/04/2026|s||1|2\n"), salt=SALT),
        "missing_column", None, None,
    ),
    "missing column": (
        lambda: read_shopify(text_file("x.csv", GOOD_SHOPIFY.replace(",Total", ",Totl")), salt=SALT),
        "missing_column", None, None,
    ),
    "bad date": (
        lambda: read_shopify(text_file("x.csv", GOOD_SHOPIFY.replace("2026-03-30 10:00:00 +0200", "hier")), salt=SALT),
        "bad_date", 2, "Created at",
    ),
    "impossible date": (
        lambda: read_generic(generic(["A;31/02/2026;s;;1;2"]), salt=SALT),
        "bad_date", 2, "date",
    ),
    "impossible time": (
        lambda: read_generic(generic(["A;05/04/2026 25:10;s;;1;2"]), salt=SALT),
        "bad_date", 2, "date",
    ),
    "bad number": (
        lambda: read_generic(generic(["A;05/04/2026;s;;1;2", "B;05/04/2026;s;;1;douze"]), salt=SALT),
        "bad_number", 3, "unit_price",
    ),
    "empty file": (lambda: read_generic(OrderFile("x.csv", b""), salt=SALT), "empty", None, None),
    "blank file with a BOM": (
        lambda: read_generic(OrderFile("x.csv", b"\xef\xbb\xbf\r\n\r\n"), salt=SALT), "empty", None, None,
    ),
    "header only": (lambda: read_generic(generic([]), salt=SALT), "no_rows", None, None),
    "too large": (
        lambda: read_shopify(text_file("x.csv", GOOD_SHOPIFY), salt=SALT, limits=ImportLimits(max_bytes=50)),
        "too_large", None, None,
    ),
    "too many rows": (
        lambda: read_generic(generic(["A;05/04/2026;s;;1;2"] * 4), salt=SALT, limits=ImportLimits(max_rows=3)),
        "too_many_rows", None, None,
    ),
    "duplicate order id with conflicting data in one file": (
        lambda: read_shopify(text_file("x.csv", GOOD_SHOPIFY + "#1,b@x.fr,2026-03-30 10:00:00 +0200,1,Bougie,10.00,12.00\n"), salt=SALT),
        "conflicting_order", 3, "Email",
    ),
    "duplicate order id with conflicting data across files": (
        lambda: read_shopify([text_file("a.csv", GOOD_SHOPIFY), text_file("b.csv", GOOD_SHOPIFY.replace("10.00\n", "12.00\n"))], salt=SALT),
        "conflicting_duplicate", 2, None,
    ),
    "negative quantity where the format has none": (
        lambda: read_shopify(text_file("x.csv", GOOD_SHOPIFY.replace(",1,Bougie", ",-1,Bougie")), salt=SALT),
        "negative_quantity", 2, "Lineitem quantity",
    ),
    "negative WooCommerce line quantity": (
        lambda: read_woocommerce(text_file("x.csv", "order_id,order_date,order_total,line_item_1\n7,2024-03-05,5,name:A|quantity:-1|total:5\n"), salt=SALT),
        "negative_quantity", 2, "line_item_1",
    ),
    "WooCommerce line item without quantity": (
        lambda: read_woocommerce(text_file("x.csv", "order_id,order_date,order_total,line_item_1\n7,2024-03-05,5,name:A|total:5\n"), salt=SALT),
        "required", 2, "line_item_1",
    ),
    "WooCommerce order without line items": (
        lambda: read_woocommerce(text_file("x.csv", "order_id,order_date,order_total,line_item_1\n7,2024-03-05,5,\n"), salt=SALT),
        "no_line_items", 2, "line_item_1",
    ),
    "corrupted xlsx": (
        lambda: read_generic(OrderFile("x.xlsx", b"PK\x03\x04" + b"\x00garbage" * 20), salt=SALT),
        "bad_xlsx", None, None,
    ),
    "xlsx with a truncated sheet": (
        lambda: read_generic(OrderFile("x.xlsx", _xlsx_with_a_damaged_sheet()), salt=SALT),
        "bad_xlsx", None, None,
    ),
    "text named .xlsx": (
        lambda: read_generic(OrderFile("x.xlsx", GENERIC_HEADER.encode()), salt=SALT), "bad_xlsx", None, None,
    ),
    "legacy .xls": (
        lambda: read_generic(OrderFile("x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64), salt=SALT),
        "unsupported_format", None, None,
    ),
    "row with too many cells": (
        lambda: read_shopify(text_file("x.csv", GOOD_SHOPIFY + "#2,a@x.fr,2026-03-30 10:00,1,Bougie,10.00,10.00,oops\n"), salt=SALT),
        "ragged_row", 3, None,
    ),
    "blank order id": (
        lambda: read_generic(generic([";05/04/2026;s;;1;2"]), salt=SALT), "required", 2, "order_id",
    ),
    "blank quantity": (
        lambda: read_generic(generic(["A;05/04/2026;s;;;2"]), salt=SALT), "required", 2, "quantity",
    ),
    "bad column mapping": (
        lambda: read_lines(sample("lines_sample.tsv"), salt=SALT, mapping={"order": "Ticket", "colour": "x"}),
        "bad_mapping", None, None,
    ),
    "mapped column absent from the file": (
        lambda: read_lines(sample("lines_sample.tsv"), salt=SALT, mapping={**TILL_MAPPING, "quantity": "Quantity"}),
        "missing_column", None, None,
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_file_is_refused_with_a_clear_error_and_nothing_imported(kind):
    run, code, row, column = BAD_FILES[kind]
    result = run()
    assert not result.ok
    assert result.lines.empty and list(result.lines.columns) == list(LINE_COLUMNS)
    first = result.errors[0]
    assert first.code == code, result.errors
    assert (first.row, first.column) == (row, column), result.errors
    assert first.message and str(first)


def test_at_least_twenty_kinds_of_bad_file():
    assert len(BAD_FILES) >= 20


def test_missing_column_message_lists_what_is_missing_and_what_is_there():
    error = read_shopify(
        text_file("x.csv", GOOD_SHOPIFY.replace(",Total", ",Totl")), salt=SALT
    ).errors[0]
    assert "missing column(s) Total" in error.message
    assert "Totl" in error.message and "Lineitem price" in error.message


def test_single_column_file_hints_at_the_separator():
    error = BAD_FILES["wrong separator, one column"][0]().errors[0]
    assert "single column" in error.message and "separated" in error.message


def test_errors_never_quote_an_email():
    text = GOOD_SHOPIFY + "#1,b@x.fr,2026-03-30 10:00:00 +0200,1,Bougie,10.00,10.00\n"
    errors = read_shopify(text_file("x.csv", text), salt=SALT).errors
    assert [(e.row, e.column) for e in errors] == [(3, "Email")]
    assert "@" not in errors[0].message and "row 2" in errors[0].message


def test_every_error_is_reported_not_only_the_first():
    result = read_generic(
        generic(
            [
                "A;05/04/2026;s;;1;2",
                "B;32/04/2026;s;;x;2",
                "C;05/04/2026;s;;1;1,2,3",
            ]
        ),
        salt=SALT,
    )
    found = {(e.row, e.column, e.code) for e in result.errors}
    assert found == {
        (3, "date", "bad_date"),
        (3, "quantity", "bad_number"),
        (4, "unit_price", "bad_number"),
    }
    assert [e.row for e in result.errors] == sorted(e.row for e in result.errors)


def test_errors_of_every_file_are_reported():
    bad_one = generic(["A;hier;s;;1;2"], name="one.csv")
    bad_two = OrderFile("two.csv", b"")
    result = read_generic([bad_one, bad_two], salt=SALT)
    assert {(e.file, e.code) for e in result.errors} == {
        ("one.csv", "bad_date"),
        ("two.csv", "empty"),
    }


def test_row_numbers_count_records_not_physical_lines():
    text = GOOD_SHOPIFY.replace("\n", ',"note"\n').replace("Total,", "Total,Notes")
    text = SHOPIFY_HEAD.rstrip("\n") + ",Notes\n"
    text += '#1,a@x.fr,2026-03-30 10:00,1,Bougie,10.00,10.00,"line one\nline two\nline three"\n'
    text += "#2,a@x.fr,hier,1,Bougie,10.00,10.00,\n"
    error = read_shopify(text_file("x.csv", text), salt=SALT).errors[0]
    assert (error.row, error.column) == (3, "Created at")  # what a spreadsheet shows


def test_template_lines_may_leave_the_date_and_order_fields_blank_after_the_first():
    result = read_generic(
        generic(["A;05/04/2026 10:00;s1;;1;2;a@x.fr;NOEL", "A;;s2;;1;3", "B;;s3;;1;1"]), salt=SALT
    )
    assert [(e.row, e.column, e.code) for e in result.errors] == [(4, "date", "required")]
    ok = read_generic(generic(["A;05/04/2026 10:00;s1;;1;2;a@x.fr;NOEL", "A;;s2;;1;3"]), salt=SALT)
    assert ok.lines["ordered_at"].nunique() == 1
    assert ok.lines["discount_code"].tolist() == ["NOEL", "NOEL"]
    assert ok.lines["customer_key"].nunique() == 1 and ok.lines["customer_key"].notna().all()


def test_negative_quantity_is_a_valid_adjustment_in_the_template():
    result = read_generic(generic(["A;05/04/2026;s;;-2;0"]), salt=SALT)
    assert result.ok and result.lines["is_adjustment"].all()


def test_file_size_limit_message_gives_the_sizes():
    error = BAD_FILES["too large"][0]().errors[0]
    assert "over the 50 bytes limit" in error.message
    assert ImportLimits() == ImportLimits(max_bytes=20 * 1024 * 1024, max_rows=200_000)


def test_row_limit_counts_every_file_of_the_import():
    two = [generic(["A;05/04/2026;s;;1;2"] * 2, name=f"{n}.csv") for n in "ab"]
    assert read_generic(two, salt=SALT, limits=ImportLimits(max_rows=4)).ok
    refused = read_generic(two, salt=SALT, limits=ImportLimits(max_rows=3))
    assert [e.code for e in refused.errors] == ["too_many_rows"]


def test_every_ragged_row_is_reported():
    text = (
        GOOD_SHOPIFY + "#2,a,b,c,d,e,f,g\n#3,a@x.fr,2026-03-30 10:00,1,B,1,1\n#4,a,b,c,d,e,f,g,h\n"
    )
    errors = read_shopify(text_file("x.csv", text), salt=SALT).errors
    assert [(e.row, e.code) for e in errors] == [(3, "ragged_row"), (5, "ragged_row")]


# --- Values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("12,50", ",", 12.5),
        ("12.50", ".", 12.5),
        ("1 234,56", ",", 1234.56),
        ("1\u00a0234,56", ",", 1234.56),
        ("1\u202f234,56", ",", 1234.56),
        ("1.234,56", ",", 1234.56),
        ("1,234.56", ".", 1234.56),
        ("1,234", ".", 1234.0),
        ("1,234", ",", 1.234),
        ("12,50 €", ",", 12.5),
        ("−4,5", ",", -4.5),
        ("-3", ".", -3.0),
        ("0", ",", 0.0),
    ],
)
def test_parse_numbers(text, decimal, expected):
    values, bad = parse_numbers(pd.Series([text], dtype="str"), decimal)
    assert not bad[0] and values[0] == pytest.approx(expected)


@pytest.mark.parametrize("text", ["douze", "1.2.3", "1,2,3", "inf", "nan", "12 €€"])
def test_unreadable_numbers_are_flagged(text):
    values, bad = parse_numbers(pd.Series([text], dtype="str"))
    assert bad[0] and np.isnan(values[0])


@given(st.decimals(min_value=-(10**7), max_value=10**7, places=2, allow_nan=False))
def test_french_formatted_amounts_read_back(amount):
    text = f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")
    values, bad = parse_numbers(pd.Series([text], dtype="str"), ",")
    assert not bad[0] and values[0] == pytest.approx(float(amount))


def test_dates_are_day_first_unless_the_column_proves_month_first():
    french, _ = parse_datetimes(pd.Series(["05/04/2026", "13/04/2026"], dtype="str"))
    assert french.tolist() == [pd.Timestamp("2026-04-05"), pd.Timestamp("2026-04-13")]
    american, _ = parse_datetimes(pd.Series(["04/05/2026", "12/25/2026"], dtype="str"))
    assert american.tolist() == [pd.Timestamp("2026-04-05"), pd.Timestamp("2026-12-25")]
    ambiguous, _ = parse_datetimes(pd.Series(["05/04/2026"], dtype="str"))
    assert ambiguous.iat[0] == pd.Timestamp("2026-04-05")
    forced, _ = parse_datetimes(pd.Series(["05/04/2026"], dtype="str"), dayfirst=False)
    assert forced.iat[0] == pd.Timestamp("2026-05-04")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-05 21:06:21 +0400", "2026-04-05 21:06:21"),
        ("2026-04-05T21:06:21Z", "2026-04-05 21:06:21"),
        ("2026-04-05", "2026-04-05 00:00:00"),
        ("05/04/2026 14:30", "2026-04-05 14:30:00"),
        ("5/4/26 9h30", "2026-04-05 09:30:00"),
        ("05.04.2026", "2026-04-05 00:00:00"),
    ],
)
def test_parse_datetimes_formats(text, expected):
    values, bad = parse_datetimes(pd.Series([text], dtype="str"))
    assert not bad[0] and values.iat[0] == pd.Timestamp(expected)


def test_customer_ids_are_normalised_before_hashing():
    ids = pd.Series(
        [" Marie@Example.FR ", "marie@example.fr", "17850.0", "17850", None, ""], dtype="str"
    )
    assert normalise_customer_ids(ids).tolist()[:4] == ["marie@example.fr"] * 2 + ["17850"] * 2
    keys = hash_customers(ids, b"salt")
    assert keys.iat[0] == keys.iat[1] and keys.iat[2] == keys.iat[3] and keys.iat[0] != keys.iat[2]
    assert keys.iloc[4:].isna().all()


# --- CSV exports escape formulas ---------------------------------------------------------------


@pytest.mark.parametrize(
    "payload", ["=1+1", "+33 6 12", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx"]
)
def test_export_escapes_cells_a_spreadsheet_would_run(payload):
    assert escape_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", ["Bougie", "-12.50", "-3,5", 42, -1.5, None, ""])
def test_export_leaves_harmless_cells_alone(value):
    assert escape_cell(value) == value


def test_escape_frame_and_safe_csv():
    frame = pd.DataFrame({"name": ['=HYPERLINK("x")', "ok"], "amount": [-12.5, 3.0]})
    escaped = escape_frame(frame)
    assert escaped["name"].tolist() == ['\'=HYPERLINK("x")', "ok"]
    assert escaped["amount"].tolist() == [-12.5, 3.0]
    content = to_safe_csv(frame).decode("utf-8-sig")
    assert content.splitlines() == ["name;amount", '"\'=HYPERLINK(""x"")";-12,5', "ok;3,0"]


# --- Line ends, mixed encodings, what the books hold (issue 12, items 19, 23, 24) ------------

BOOKS = "EUR"


def test_a_file_with_excel_for_mac_line_ends_reads_like_its_twin():
    rows = ["A;05/04/2026 10:00;s1;Bougie;2;12,50", "B;06/04/2026;s2;;1;3"]
    twin = read_generic(generic(rows), salt=SALT)
    text = generic(rows).content.decode()
    for line_end in ("\r", "\r\n"):
        result = read_generic(text_file("mac.csv", text.replace("\n", line_end)), salt=SALT)
        assert result.ok, result.errors
        pd.testing.assert_frame_equal(
            result.lines.drop(columns="source_file"), twin.lines.drop(columns="source_file")
        )


def test_a_quoted_cell_over_several_lines_with_cr_line_ends_keeps_the_row_count():
    text = SHOPIFY_HEAD.rstrip("\n") + ",Notes\n"
    text += '#1,a@x.fr,2026-03-30 10:00,1,Bougie,10.00,10.00,"line one\nline two"\n'
    text += "#2,a@x.fr,hier,1,Bougie,10.00,10.00,\n"
    error = read_shopify(text_file("x.csv", text.replace("\n", "\r")), salt=SALT).errors[0]
    assert (error.row, error.column, error.code) == (3, "Created at", "bad_date")


def test_rows_pasted_from_a_cp1252_file_into_a_utf8_file_are_refused_naming_them():
    head = GENERIC_HEADER + "\n"
    content = (
        (head + "A;05/04/2026;s;Bougie été;1;2\n").encode()
        + "B;05/04/2026;s;Crème;1;2\n".encode("cp1252")
        + "C;05/04/2026;s;Savon à l'œuf;1;2\nD;05/04/2026;s;Thé;1;2\n".encode()
        + "E;05/04/2026;s;Crème brûlée;1;2\n".encode("cp1252")
    )
    result = read_generic(OrderFile("pasted.csv", content), salt=SALT)
    assert result.lines.empty
    [error] = result.errors
    assert (error.file, error.row, error.column, error.code) == ("pasted.csv", 3, None, "mixed_encoding")
    assert "3, 6" in error.message and "UTF-8" in error.message


def test_a_utf8_row_pasted_into_a_cp1252_file_is_refused_naming_it():
    content = (
        (GENERIC_HEADER + "\nA;05/04/2026;s;Crème;1;2\nB;05/04/2026;s;Thé;1;2\n").encode("cp1252")
        + "C;05/04/2026;s;Bougie été;1;2\n".encode()
    )
    [error] = read_generic(OrderFile("x.csv", content), salt=SALT).errors
    assert (error.row, error.code) == (4, "mixed_encoding")


def test_a_file_marked_utf8_with_one_cp1252_row_is_refused():
    content = b"\xef\xbb\xbf" + (GENERIC_HEADER + "\nA;05/04/2026;s;Bougie;1;2\n").encode() + (
        "B;05/04/2026;s;Crème;1;2\n".encode("cp1252")
    )
    [error] = read_generic(OrderFile("x.csv", content), salt=SALT).errors
    assert (error.row, error.code) == (3, "mixed_encoding")


def test_a_cp1252_file_whose_capitals_look_like_utf8_is_still_read():
    # "É»" and "É" + no-break space are valid UTF-8 byte pairs, for characters of other scripts.
    text = GENERIC_HEADER + "\nA;05/04/2026;s;«CAFÉ»;1;2\nB;05/04/2026;s;ÉTÉ\u00a0;1;2\nC;05/04/2026;s;Crème;1;2\n"
    result = read_generic(OrderFile("x.csv", text.encode("cp1252")), salt=SALT)
    assert result.ok, result.errors
    assert result.lines["product_name"].tolist() == ["«CAFÉ»", "ÉTÉ", "Crème"]


def test_every_problem_of_a_file_is_reported_in_one_pass():
    header = GENERIC_HEADER.replace(";customer;", ";customer;")
    columns = header.split(";")
    width, currency = len(columns), columns.index("currency")

    def line(cells: str, money: str = "") -> str:
        parts = cells.split(";") + [""] * (width - len(cells.split(";")))
        parts[currency] = money
        return ";".join(parts)

    file = generic(
        [
            line("A;hier;s;;1;2"),  # a parse error
            line("B" * 65 + ";05/04/2026;s;;1;2"),  # an id the books cannot hold
            line("C;05/04/2026;s;;1;3760123456789"),  # a barcode in the price
            line("D;05/04/2026;s;;-1000000;2"),  # a million units taken back
            line("E;05/04/2026;s;;1;2", "USD"),  # another currency
        ]
    )
    result = read_generic(file, salt=SALT, books_currency=BOOKS)
    assert result.lines.empty
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "date", "bad_date"),
        (3, "order_id", "order_id_too_long"),
        (4, "unit_price", "amount_too_large"),
        (5, "quantity", "quantity_out_of_range"),
        (6, "currency", "currency"),
    ]
    assert "3760123456789" in result.errors[2].message
    assert "-1000000" in result.errors[3].message


def test_a_shopify_export_in_another_currency_gives_one_error_not_one_per_order():
    rows = "".join(
        f"#{n},a@x.fr,2026-03-30 10:00,1,Bougie,10.00,10.00,USD\n" for n in range(1, 51)
    )
    file = text_file("usd.csv", SHOPIFY_HEAD.rstrip("\n") + ",Currency\n" + rows)
    result = read_shopify(file, salt=SALT, books_currency=BOOKS)
    [error] = result.errors
    assert (error.file, error.row, error.column, error.code) == ("usd.csv", 2, "Currency", "currency")
    assert "USD" in error.message and "EUR" in error.message
    assert read_shopify(file, salt=SALT).ok  # without books to keep, any currency reads


def test_some_orders_in_another_currency_give_one_error_naming_their_rows():
    head = SHOPIFY_HEAD.rstrip("\n") + ",Currency\n"
    rows = [f"#{n},a@x.fr,2026-03-30 10:00,1,Bougie,10.00,10.00,{c}\n" for n, c in
            enumerate(["EUR", "USD", "EUR", "USD", "GBP", "usd", "EUR", "USD", "USD", "USD"], start=1)]  # fmt: skip
    result = read_shopify(text_file("x.csv", head + "".join(rows)), salt=SALT, books_currency=BOOKS)
    assert [(e.row, e.code) for e in result.errors] == [(3, "currency"), (6, "currency")]
    usd = result.errors[0].message
    assert "6" in usd and "3, 5, 7, 9, 10 …" in usd and "USD" in usd  # 6 orders, the first 5 rows
    assert "GBP" in result.errors[1].message


def test_a_line_of_a_hundred_thousand_units_is_refused_either_way():
    fine = read_generic(generic(["A;05/04/2026;s;;80995;2", "C536379;05/04/2026;s;;-80995;2"]), salt=SALT)
    assert fine.ok, fine.errors  # the UCI year's largest line, and its cancellation
    result = read_generic(generic(["A;05/04/2026;s;;100000;2", "B;05/04/2026;s;;-1000000;0"]), salt=SALT)
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "quantity", "quantity_out_of_range"),
        (3, "quantity", "quantity_out_of_range"),
    ]


def test_a_woocommerce_line_out_of_range_names_its_line_item_column():
    head = "order_id,order_date,order_total,order_currency,line_item_1,line_item_2\n"
    text = head + (
        "9001,2026-04-05 10:00:00,10.00,EUR,name:Bougie|quantity:1|total:8.33|tax:1.67,"
        "name:Savon|quantity:1000000|total:0|tax:0\n"
    )
    [error] = read_woocommerce(text_file("woo.csv", text), salt=SALT, books_currency=BOOKS).errors
    assert (error.row, error.column, error.code) == (2, "line_item_2", "quantity_out_of_range")


def test_the_order_total_of_many_lines_is_checked_where_the_file_has_no_total():
    rows = [f"A;05/04/2026;s{n};;1;600000000" for n in range(2)]
    [error] = read_generic(generic(rows), salt=SALT).errors
    assert (error.row, error.column, error.code) == (2, None, "amount_too_large")
    assert "1200000000" in error.message
