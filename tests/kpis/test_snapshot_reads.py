"""Reads of the stored snapshots the pages rest on (kpis.selectors.kpi_table)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kpis import selectors
from kpis.models import KpiSnapshot

MONDAY = dt.date(2026, 9, 7)


def store_weeks(org, weeks: int, *, value: float = 1.0, scope: str = "organisation", scope_id: str = "") -> list[dt.date]:
    starts = [MONDAY + dt.timedelta(weeks=k) for k in range(weeks)]
    KpiSnapshot.objects.bulk_create(
        KpiSnapshot(organization=org, scope=scope, scope_id=scope_id, period="week", period_start=start, kpi=kpi,
                    value=value + k, computed_at=timezone.now())
        for k, start in enumerate(starts) for kpi in ("orders", "revenue_excl_vat")
    )
    return starts


def test_the_kpi_table_holds_the_last_periods_oldest_first(org):
    starts = store_weeks(org, 12)
    table = selectors.kpi_table(org.id, period="week", count=9)
    assert list(table.index) == starts[-9:]
    assert table["orders"].tolist() == [float(k) for k in range(4, 13)]
    assert table["margin"].isna().all()  # every KPI a column, unknown ones empty


def test_the_kpi_table_holds_every_period_when_fewer_are_stored(org):
    starts = store_weeks(org, 3)
    assert list(selectors.kpi_table(org.id, period="week", count=9).index) == starts
    assert selectors.kpi_table(org.id, period="month", count=9).empty


def test_the_kpi_table_reads_one_scope_of_one_organisation(org, other_org, django_assert_num_queries):
    mine = store_weeks(org, 2)
    store_weeks(other_org, 12, value=100.0)
    store_weeks(org, 12, value=50.0, scope="campaign", scope_id="7")
    with django_assert_num_queries(1):
        table = selectors.kpi_table(org.id, period="week", count=9)
    assert list(table.index) == mine and table["orders"].tolist() == [1.0, 2.0]
    campaign = selectors.kpi_table(org.id, period="week", count=4, scope="campaign", scope_id="7")
    assert campaign["orders"].tolist() == [58.0, 59.0, 60.0, 61.0]
