"""``import_orders`` and ``kpis`` management commands."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from kpis.importers import read_lines
from kpis.importers.lines import parse_column_mapping
from kpis.models import DailyActual, ImportedOrder
from kpis.services import customer_salt
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
    totals = DailyActual.objects.filter(organization=org, campaign=None, channel=None)
    sales = orders.filter(cancelled=False, is_adjustment=False).count()
    assert sum(a.orders for a in totals) == sales == 880 - 81 - expected_adjustment_orders(orders)


def expected_adjustment_orders(orders) -> int:
    return orders.filter(cancelled=False, is_adjustment=True).count()


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
