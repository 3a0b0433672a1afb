"""``import_orders`` and ``kpis`` management commands."""

from __future__ import annotations

import json
import tarfile
from decimal import Decimal

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from plannerist.models import Organization
from sales.models import DailyActual, ImportedOrder
from sales.readers import read_lines
from sales.readers.lines import parse_column_mapping
from sales.services import customer_salt
from tests.kpis.factories import DATA, GENERIC_HEADER, SHARED, UCI_COLUMNS, tiny_shop

UCI_DAYS = sorted((SHARED / "online_retail_by_day").glob("*.csv"))


def run(*args):
    return call_command(*args)


@pytest.mark.django_db
def test_import_orders_imports_several_files_as_one_import(org, capsys):
    run("import_orders", "--org", org.slug, "--format", "shopify",
        str(DATA / "shopify_75cols_sample.csv"), str(DATA / "shopify_79cols_sample.csv"))
    out = capsys.readouterr().out
    assert "2 file(s)" in out and "orders created" in out
    assert ImportedOrder.objects.filter(organization=org).count() > 5


@pytest.mark.django_db
def test_import_orders_prints_every_error_and_writes_nothing(org, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(GENERIC_HEADER + "A1;31/02/2026;S;x;deux;12,00;;;;;;;;;\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("import_orders", "--org", org.slug, "--format", "generic", str(bad))
    assert error.value.returncode == 2
    err = capsys.readouterr().err
    assert "bad.csv, row 2, column 'quantity'" in err and "column 'date'" in err
    assert ImportedOrder.objects.count() == 0 and DailyActual.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("args", [["--org", "nobody"], ["--org", "lumiere", "--columns", "colour=x"]])
def test_import_orders_refuses_bad_input_with_exit_2(org, args):
    with pytest.raises(CommandError) as error:
        run("import_orders", *args, "--format", "lines", str(DATA / "lines_sample.tsv"))
    assert error.value.returncode == 2


@pytest.mark.django_db
def test_import_orders_dry_run_writes_nothing(org, capsys):
    run("import_orders", "--org", org.slug, "--format", "woocommerce", "--dry-run",
        str(DATA / "woocommerce_sample.csv"))
    assert "nothing written" in capsys.readouterr().out
    assert ImportedOrder.objects.count() == 0


@pytest.mark.django_db
def test_the_uci_week_imports_the_orders_the_importer_reads(org):
    if len(UCI_DAYS) != 7:
        pytest.skip(f"the UCI week is absent from {SHARED}: the real files live beside the repository")
    run("import_orders", "--org", org.slug, "--format", "lines", "--columns", UCI_COLUMNS,
        "--cancel-prefix", "C", *map(str, UCI_DAYS))
    expected = read_lines([(p.name, p.read_bytes()) for p in UCI_DAYS], salt=customer_salt(org),
                          mapping=parse_column_mapping(UCI_COLUMNS), cancel_prefix="C").summary
    orders = ImportedOrder.objects.filter(organization=org)
    assert orders.count() == expected.orders == 880
    assert orders.filter(cancelled=True).count() == expected.cancelled_orders == 81
    assert set(orders.values_list("currency", flat=True)) == {org.currency}
    totals = DailyActual.objects.filter(organization=org, campaign_id=None, channel=None)
    sales = orders.filter(cancelled=False, is_adjustment=False).count()
    assert sum(a.orders for a in totals) == sales == 880 - 81 - expected_adjustment_orders(orders)


def expected_adjustment_orders(orders) -> int:
    return orders.filter(cancelled=False, is_adjustment=True).count()


@pytest.mark.django_db
def test_prices_excl_vat_give_their_revenue_exactly_and_incl_vat_prices_stay_as_read(org, tmp_path, capsys):
    """A price of 0.555 excl. VAT is 0.666 incl. 20 % VAT: rounded to the penny (0.67) and
    divided back, it gave a revenue of 0.5583 per unit instead of 0.555."""
    path = tmp_path / "lines.csv"
    path.write_text("order,date,sku,quantity,unit_price\n"
                    "A1,2026-04-01 10:00,S1,1,0.555\nA1,2026-04-01 10:00,S2,3,1.001\n"
                    "A2,2026-04-02 11:00,S1,7,0.555\n", encoding="utf-8")
    columns = "order=order,date=date,sku=sku,quantity=quantity,unit_price=unit_price"
    run("import_orders", "--org", org.slug, "--format", "lines", "--columns", columns, "--prices", "excl-vat", str(path))
    net = Decimal("0.555") * 8 + Decimal("1.001") * 3
    actuals = DailyActual.objects.filter(organization=org, campaign_id=None, channel=None)
    assert sum(a.paid_incl_vat for a in actuals) / (1 + org.vat_rate) == net
    assert {o.order_id: o.paid_incl_vat for o in ImportedOrder.objects.filter(organization=org)} == {
        "A1": Decimal("4.2696"), "A2": Decimal("4.662")}
    capsys.readouterr()
    run("kpis", "--org", org.slug, "--from", "2026-04-01", "--to", "2026-04-30", "--json")
    month = {r["kpi"]: r["value"] for r in json.loads(capsys.readouterr().out)
             if r["scope"] == "organisation" and r["period"] == "month"}
    assert round(month["revenue_excl_vat"], 6) == float(net)
    # Incl. VAT the amounts are what the customer paid, as read.
    run("import_orders", "--org", org.slug, "--format", "lines", "--columns", columns, "--prices", "incl-vat", str(path))
    assert {o.order_id: o.paid_incl_vat for o in ImportedOrder.objects.filter(organization=org)} == {
        "A1": Decimal("3.558"), "A2": Decimal("3.885")}


@pytest.mark.django_db
def test_kpis_prints_json_computed_from_the_actuals(org, tmp_path, capsys):
    path = tmp_path / "tiny.csv"
    path.write_bytes(tiny_shop().content)
    run("import_orders", "--org", org.slug, "--format", "generic", str(path))
    capsys.readouterr()
    run("kpis", "--org", org.slug, "--from", "2026-04-01", "--to", "2026-04-30", "--json")
    rows = json.loads(capsys.readouterr().out)
    month = {r["kpi"]: r["value"] for r in rows if r["scope"] == "organisation" and r["period"] == "month"}
    assert month["orders"] == 4 and month["revenue_excl_vat"] == pytest.approx(110)


@pytest.mark.django_db
@pytest.mark.parametrize("args", [
    ["--org", "nobody", "--from", "2026-04-01", "--to", "2026-04-30"],
    ["--org", "lumiere", "--from", "01/04/2026", "--to", "2026-04-30"],
    ["--org", "lumiere", "--from", "2026-05-01", "--to", "2026-04-30"],
])
def test_kpis_refuses_bad_dates_or_org_with_exit_2(org, args):
    with pytest.raises(CommandError) as error:
        run("kpis", *args)
    assert error.value.returncode == 2


UCI_YEAR = SHARED / "online_retail_uci352_by_day_2010-12-01_2011-12-09.tar.gz"


@pytest.fixture(scope="module")
def uci_year_file(tmp_path_factory):
    """The UCI year as one CSV of 541,909 lines (the 305 daily files of the archive, one header)."""
    if not UCI_YEAR.exists():
        pytest.skip(f"the UCI year is absent from {SHARED}: the real files live beside the repository")
    year = tmp_path_factory.mktemp("uci") / "online_retail_2010-12-01_2011-12-09.csv"
    with tarfile.open(UCI_YEAR) as archive, year.open("wb") as out:
        # Read in the archive's order, then sorted: extracting by sorted name seeks back in
        # the gzip stream, which decompresses it again from the start each time (40 s).
        days = {m.name: archive.extractfile(m).read() for m in archive if m.name.endswith(".csv")}
        for i, name in enumerate(sorted(days)):
            out.write(days[name] if i == 0 else days[name].split(b"\n", 1)[1])
    return year


def _uci_net_sales(path) -> Decimal:
    """Σ quantity × unit price over every line, cancellations (negative) included, in pence."""
    lines = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str})
    pence = (lines["Quantity"].astype("int64") * (lines["UnitPrice"] * 1000).round().astype("int64")).sum()
    return Decimal(int(pence)) / 1000


@pytest.mark.django_db(transaction=True)
def test_the_uci_year_imports_in_one_command_with_its_revenue_excl_vat(uci_year_file, capsys):
    org = Organization.objects.create(name="UCI", slug="uci", currency="GBP", country="GB",
                                      timezone="Europe/London", vat_rate=Decimal("0.20"))
    run("import_orders", "--org", org.slug, "--format", "lines", "--columns", UCI_COLUMNS,
        "--cancel-prefix", "C", "--prices", "excl-vat", str(uci_year_file))
    assert "541909 rows" in capsys.readouterr().out
    orders = ImportedOrder.objects.filter(organization=org)
    assert orders.count() == 25_900 and orders.filter(cancelled=True).count() == 3_836
    net = _uci_net_sales(uci_year_file)
    assert net == Decimal("9747747.934")  # the published Σ quantity × unit price
    actuals = DailyActual.objects.filter(organization=org, campaign_id=None, channel=None)
    paid = sum(a.paid_incl_vat - a.refunds for a in actuals)
    # The prices are read excl. VAT and VAT is added at full precision, never rounded per
    # order (docs/economics.md: revenue = paid_incl_vat / V): the year's revenue excl. VAT is
    # Σ quantity × price exactly, not the £8.12 M that reading the prices as incl. VAT gave.
    assert paid / Decimal("1.20") == net
