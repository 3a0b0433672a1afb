"""Order imports into the database, daily actuals rebuilt from them, KPI snapshots."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from campaigns.models import Product
from kpis import selectors, services
from kpis.models import KpiSnapshot, RecomputeState
from kpis.services.products import NewProduct
from kpis.services.products import missing_products_add as _missing_products_add
from sales import services as sales_services
from sales.models import DailyActual, ImportBatch, ImportedLine, ImportedOrder
from tests.factories import make_campaign, make_channel, make_discount_code, make_product
from tests.kpis.factories import GENERIC_HEADER, csv_file, sample, tiny_shop

ORDER_VALUES = ("order_id", "ordered_at", "customer_key", "units", "paid_incl_vat",
                "discounts", "refunds", "cancelled", "campaign_id", "batch_id")
ACTUAL_VALUES = ("date", "campaign_id", "orders", "units", "paid_incl_vat", "refunds",
                 "new_customers", "returning_customers", "returned_orders")


def add_products(org, products):
    return _missing_products_add(organization=org, products=products)


def import_tiny(org, **kwargs):
    return sales_services.orders_import(organization=org, files=[tiny_shop()], format="generic", **kwargs)


def snapshot(org):
    return {
        (s.scope, s.scope_id, s.period, s.period_start, s.kpi): s.value
        for s in KpiSnapshot.objects.filter(organization=org)
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, format, orders",
    [("shopify_75cols_sample.csv", "shopify", 5), ("shopify_79cols_sample.csv", "shopify", None),
     ("woocommerce_sample.csv", "woocommerce", None), ("generic_fr_excel.csv", "generic", None)],
)
def test_each_sample_file_imports_every_order_it_reads(org, name, format, orders):
    outcome = sales_services.orders_import(organization=org, files=[sample(name)], format=format)
    assert outcome.ok, outcome.errors
    assert ImportedOrder.objects.filter(organization=org).count() == outcome.result.summary.orders
    if orders is not None:
        assert outcome.result.summary.orders == orders
    assert DailyActual.objects.filter(organization=org, campaign_id=None, channel=None).exists()
    assert outcome.batch.status == ImportBatch.Status.DONE


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(org, django_capture_on_commit_callbacks):
    import_tiny(org)
    orders = list(ImportedOrder.objects.order_by("order_id").values_list(*ORDER_VALUES))
    actuals = list(DailyActual.objects.order_by("date", "campaign_id").values_list(*ACTUAL_VALUES))
    with django_capture_on_commit_callbacks() as callbacks:
        again = import_tiny(org)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert list(ImportedOrder.objects.order_by("order_id").values_list(*ORDER_VALUES)) == orders
    assert list(DailyActual.objects.order_by("date", "campaign_id").values_list(*ACTUAL_VALUES)) == actuals
    assert callbacks == []  # nothing changed, nothing to recompute


@pytest.mark.django_db
def test_a_file_with_a_bad_row_writes_nothing_and_names_row_and_column(org):
    bad = csv_file("bad.csv", GENERIC_HEADER + "A1;01/04/2026 10:00;S;x;deux;12,00;;;;;;;;;\n")
    outcome = sales_services.orders_import(organization=org, files=[tiny_shop(), bad], format="generic")
    assert not outcome.ok
    assert any(e.file == "bad.csv" and e.row == 2 and e.column == "quantity" for e in outcome.errors)
    assert ImportedOrder.objects.count() == 0
    assert DailyActual.objects.count() == 0
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_an_order_in_another_currency_is_refused_and_nothing_written(org):
    usd = csv_file("usd.csv", GENERIC_HEADER + "U1;01/04/2026 10:00;S;x;1;12,00;;;;;;;;;USD\n")
    outcome = sales_services.orders_import(organization=org, files=[usd], format="generic")
    assert [(e.row, e.column, e.code) for e in outcome.errors] == [(2, "currency", "currency")]
    assert "EUR" in outcome.errors[0].message
    assert ImportedOrder.objects.count() == 0


@pytest.mark.django_db
def test_a_dry_run_reads_everything_and_writes_nothing(org):
    outcome = import_tiny(org, dry_run=True)
    assert outcome.ok and outcome.result.summary.orders == 4
    assert ImportedOrder.objects.count() == 0 and DailyActual.objects.count() == 0


@pytest.mark.django_db
def test_imported_days_become_organisation_totals_and_campaign_rows(org):
    campaign = make_campaign(org)
    make_discount_code(org, campaign=campaign, code="PROMO")
    import_tiny(org)
    totals = {a.date: a for a in DailyActual.objects.filter(organization=org, campaign_id=None, channel=None)}
    assert [totals[d].orders for d in sorted(totals)] == [2, 1, 1]
    day2 = totals[dt.date(2026, 4, 2)]
    assert (day2.paid_incl_vat, day2.new_customers, day2.returning_customers) == (Decimal("36"), 0, 1)
    assert totals[dt.date(2026, 4, 3)].refunds == Decimal("12")
    promo = DailyActual.objects.get(organization=org, campaign_id=campaign.pk)
    assert (promo.date, promo.orders, promo.paid_incl_vat) == (dt.date(2026, 4, 2), 1, Decimal("36"))
    assert ImportedOrder.objects.get(order_id="A3").campaign_id == campaign.pk


@pytest.mark.django_db
def test_an_earlier_import_turns_later_customers_into_returning_ones(org):
    import_tiny(org)
    day3 = DailyActual.objects.get(organization=org, date=dt.date(2026, 4, 3), campaign_id=None)
    assert (day3.new_customers, day3.returning_customers) == (1, 0)  # A4: Bob's first order
    earlier = csv_file("march.csv", GENERIC_HEADER + "M1;15/03/2026 10:00;S;x;1;10,00;bob@example.fr;;;;;;;;\n")
    sales_services.orders_import(organization=org, files=[earlier], format="generic")
    day3 = DailyActual.objects.get(organization=org, date=dt.date(2026, 4, 3), campaign_id=None)
    assert (day3.new_customers, day3.returning_customers) == (0, 1)
    march = DailyActual.objects.get(organization=org, date=dt.date(2026, 3, 15), campaign_id=None)
    assert (march.new_customers, march.returning_customers) == (1, 0)


@pytest.mark.django_db
def test_typed_in_ad_spend_survives_an_import_of_the_same_day(org):
    DailyActual.objects.create(organization=org, date=dt.date(2026, 4, 1), ad_spend=Decimal("30"))
    import_tiny(org)
    day1 = DailyActual.objects.get(organization=org, date=dt.date(2026, 4, 1), campaign_id=None)
    assert (day1.ad_spend, day1.orders) == (Decimal("30"), 2)


@pytest.mark.django_db
def test_import_queries_do_not_grow_with_the_number_of_orders(org, django_assert_max_num_queries):
    rows = "".join(
        f"B{i};{1 + i % 5:02d}/04/2026 10:{i % 60:02d};S;x;1;10,00;c{i % 40}@example.fr;;;;;;;;\n"
        for i in range(300)
    )
    big = csv_file("big.csv", GENERIC_HEADER + rows)
    # 40 before the orders' product lines (one delete and PostgreSQL's COPY of them): constant too.
    with django_assert_max_num_queries(46):
        outcome = sales_services.orders_import(organization=org, files=[big], format="generic")
    assert outcome.created == 300


@pytest.mark.django_db
def test_snapshot_kpis_match_a_hand_calculation(org):
    make_channel(org, packaging_cost=Decimal("2.00"), shipping_cost=Decimal("3.00"))
    campaign = make_campaign(org, channel=make_channel(org, packaging_cost=Decimal("2.00"),
                                                      shipping_cost=Decimal("3.00")))
    make_discount_code(org, campaign=campaign, code="PROMO")
    make_product(org, sku="S", unit_cost=Decimal("0"))  # the catalogue knows the product: no goods cost
    import_tiny(org)
    services.kpis_recompute(organization_id=org.id)
    kpis = snapshot(org)
    week = dt.date(2026, 3, 30)  # Monday of 1 April 2026's ISO week
    # Revenue excl. VAT: (24 + 24 + 36 + 60 − 12) / 1.2 = 110; 5 per order of costs; goods cost 0.
    assert kpis[("organisation", "", "week", week, "revenue_excl_vat")] == pytest.approx(110)
    assert kpis[("organisation", "", "week", week, "margin")] == pytest.approx(110 - 4 * 5)
    assert kpis[("organisation", "", "week", week, "margin_per_order")] == pytest.approx(22.5)
    assert kpis[("organisation", "", "week", week, "repeat_purchase_rate")] == pytest.approx(1 / 3)
    assert kpis[("organisation", "", "week", week, "return_rate")] == pytest.approx(0.25)
    assert kpis[("organisation", "", "day", dt.date(2026, 4, 1), "revenue_excl_vat")] == pytest.approx(40)
    # No spend typed: neither the ROAS nor the CAC rests on anything (null, not 0).
    assert kpis[("organisation", "", "day", dt.date(2026, 4, 1), "roas")] is None
    assert kpis[("organisation", "", "day", dt.date(2026, 4, 1), "cac")] is None
    assert kpis[("organisation", "", "week", week, "cost_coverage")] == pytest.approx(1.0)
    assert kpis[("campaign", str(campaign.id), "day", dt.date(2026, 4, 2), "revenue_excl_vat")] == pytest.approx(30)
    assert kpis[("organisation", "", "month", dt.date(2026, 4, 1), "orders")] == 4


# ---------------------------------------------------------------- margins on known costs (issue 12 item 7)

COSTLESS = GENERIC_HEADER + (
    "C1;01/04/2026 10:00;MUG;Mug;2;12,00;ann@example.fr;;;;;;;;\n"
    "C1;01/04/2026 10:00;CUP;Cup;1;36,00;ann@example.fr;;;;;;;;\n"
    "C2;02/04/2026 09:00;MUG;Mug;4;12,00;bob@example.fr;;;;;;;;\n"
)


@pytest.mark.django_db
def test_an_import_of_products_without_cost_gives_no_margin_and_lists_them(org):
    outcome = sales_services.orders_import(organization=org, files=[csv_file("costless.csv", COSTLESS)], format="generic")
    services.kpis_recompute(organization_id=org.id)
    kpis = snapshot(org)
    week = dt.date(2026, 3, 30)
    assert kpis[("organisation", "", "week", week, "revenue_excl_vat")] == pytest.approx(108 / 1.2)
    assert kpis[("organisation", "", "week", week, "cost_coverage")] == 0
    for key in ("margin", "margin_per_order", "margin_rate"):  # not the revenue, not 100 %
        assert kpis[("organisation", "", "week", week, key)] is None, key
    missing, count = selectors.missing_products(org.id, batch=outcome.batch)
    assert count == 2
    assert [(m.sku, m.units, m.average_price) for m in missing] == [("MUG", 6.0, Decimal("12.00")),
                                                                    ("CUP", 1.0, Decimal("36.00"))]


@pytest.mark.django_db
def test_missing_products_added_with_their_costs_give_the_margin(org):
    sales_services.orders_import(organization=org, files=[csv_file("costless.csv", COSTLESS)], format="generic")
    make_product(org, sku="CUP", unit_cost=Decimal("10"))
    services.kpis_recompute(organization_id=org.id)
    week = dt.date(2026, 3, 30)
    # 36 of 108 incl. VAT costed: 33 % < 95 %, the margin stays unknown.
    assert snapshot(org)[("organisation", "", "week", week, "cost_coverage")] == pytest.approx(1 / 3)
    assert snapshot(org)[("organisation", "", "week", week, "margin")] is None
    add_products(org, [NewProduct("MUG", "Mug", Decimal("12.00"), Decimal("4.00"))])
    with pytest.raises(ValueError, match="MUG"):  # all or nothing: a second time, nothing is added
        add_products(org, [NewProduct("TEA", "Tea", Decimal("5"), Decimal("1")),
                           NewProduct("MUG", "Mug", Decimal("12.00"), Decimal("4.00"))])
    assert not Product.objects.filter(organization=org, sku="TEA").exists()
    services.kpis_recompute(organization_id=org.id)
    kpis = snapshot(org)
    # Goods: 6 mugs × 4 + 1 cup × 10 = 34; no other cost entered.
    assert kpis[("organisation", "", "week", week, "cost_coverage")] == pytest.approx(1.0)
    assert kpis[("organisation", "", "week", week, "margin")] == pytest.approx(90 - 34)
    assert selectors.missing_products(org.id) == ([], 0)


@pytest.mark.django_db
def test_a_reimport_replaces_its_orders_lines(org):
    file = csv_file("costless.csv", COSTLESS)
    sales_services.orders_import(organization=org, files=[file], format="generic")
    sales_services.orders_import(organization=org, files=[file], format="generic")
    assert ImportedLine.objects.filter(organization=org).count() == 3


@pytest.mark.django_db
def test_recomputing_twice_gives_identical_snapshot_rows(org):
    import_tiny(org)
    services.kpis_recompute(organization_id=org.id)
    first = list(KpiSnapshot.objects.order_by("id").values_list("id", "scope", "scope_id", "period",
                                                               "period_start", "kpi", "value"))
    services.kpis_recompute(organization_id=org.id)
    again = list(KpiSnapshot.objects.order_by("id").values_list("id", "scope", "scope_id", "period",
                                                               "period_start", "kpi", "value"))
    assert first and again == first


@pytest.mark.django_db
def test_a_recompute_drops_snapshots_the_data_no_longer_gives(org):
    import_tiny(org)
    services.kpis_recompute(organization_id=org.id)
    DailyActual.objects.filter(date=dt.date(2026, 4, 3)).delete()
    services.kpis_recompute(organization_id=org.id)
    assert not KpiSnapshot.objects.filter(period="day", period_start=dt.date(2026, 4, 3)).exists()
    state = RecomputeState.objects.get(organization=org)
    assert state.last_computed_at is not None and not state.stale and not state.pending


# ---------------------------------------------------------------- long files, read in chunks


def test_a_file_read_in_chunks_of_one_order_imports_what_the_whole_file_does(org, other_org, tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_bytes(tiny_shop().content)
    streamed = sales_services.orders_import_stream(organization=org, paths=[path], format="generic", chunk_rows=1)
    whole = import_tiny(other_org)
    assert streamed.ok and streamed.created == whole.created == 4
    assert streamed.result.summary == whole.result.summary

    def stored(o):
        return sorted(ImportedOrder.objects.filter(organization=o).values_list(
            "order_id", "paid_incl_vat", "units", "cancelled", "discount_code"))

    assert stored(org) == stored(other_org)


def test_an_error_in_a_later_chunk_names_its_row_in_the_whole_file(org, tmp_path):
    path = tmp_path / "bad.csv"
    rows = "".join(f"A{i};01/04/2026 10:00;S;x;1;12,00;;;;;;;;;\n" for i in range(1, 8))
    path.write_text(GENERIC_HEADER + rows + "A8;01/04/2026 10:00;S;x;deux;12,00;;;;;;;;;\n", encoding="utf-8")
    outcome = sales_services.orders_import_stream(organization=org, paths=[path], format="generic", chunk_rows=2)
    assert [(e.row, e.column) for e in outcome.errors] == [(9, "quantity")]
    assert not ImportedOrder.objects.exists()


def test_a_workbook_over_the_web_limit_is_refused_from_its_size_before_any_cell_is_read(org, monkeypatch):
    import io
    import re
    import zipfile

    from openpyxl import Workbook

    from sales.readers import OrderFile

    workbook = Workbook()
    workbook.active.append(["order_id", "date"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    inflated, out = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in inflated.infolist():
            data = inflated.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:O300001"', data)
            archive.writestr(item, data)
    read = []
    monkeypatch.setattr(sales_services.imports, "read_orders", lambda *a, **k: read.append(1))
    outcome = sales_services.import_preview(organization=org, files=[OrderFile("year.xlsx", out.getvalue())],
                                      format="generic", by=None)
    assert [e.code for e in outcome.errors] == ["too_many_rows"] and "300,000 rows" in outcome.errors[0].message
    assert not read and not ImportBatch.objects.exists()
