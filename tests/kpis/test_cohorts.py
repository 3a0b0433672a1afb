"""Cohort retention stored by the recompute (``KpiCohort``) and read by the KPI page."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zoneinfo

import pandas as pd
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kpis import selectors, services
from kpis.models import KpiCohort
from sales.models import ImportedOrder

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
_ids = itertools.count(1)


def month_start(months_ago: int) -> dt.date:
    """The first day of the month ``months_ago`` months before this one."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months_ago
    return dt.date(index // 12, index % 12 + 1, 1)


def add_orders(org, orders: list[tuple[str | None, int]], *, cancelled: bool = False) -> None:
    """(customer or None for a guest, months ago) → an imported order on that month's 11th, at noon."""
    zone = zoneinfo.ZoneInfo(org.timezone)
    ImportedOrder.objects.bulk_create(
        ImportedOrder(
            organization=org, order_id=f"C-{next(_ids)}", customer_key=customer, cancelled=cancelled,
            ordered_at=dt.datetime.combine(month_start(ago) + dt.timedelta(days=10), dt.time(12), tzinfo=zone),
            currency="EUR", source_format="generic",
        )
        for customer, ago in orders
    )


def shop(org) -> None:
    """Four months: a, b, c first order 4 months ago (a comes back twice, b once), d 2 months
    ago, a guest, and e whose only order was cancelled."""
    add_orders(org, [("a", 4), ("b", 4), ("c", 4), ("a", 3), ("b", 2), ("a", 1), ("d", 2), (None, 3)])
    add_orders(org, [("e", 3)], cancelled=True)


def cohort_rows(html: str) -> list[tuple[str, str, list[str]]]:
    """(month, customers, retention cells) of each row of the page's cohort table."""
    section = html[html.index('id="cohorts"'):]
    section = section[:section.index("</section>")]
    return [(month, customers, re.findall(r'<td class="num">([^<]*)</td>', cells))
            for month, customers, cells in re.findall(
                r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]+)</td>(.*?)</tr>', section, re.S)]


def test_the_recompute_stores_the_cohorts_the_engine_computes_from_the_orders(org):
    shop(org)
    services.kpis_recompute(organization_id=org.id)
    stored = selectors.stored_cohorts(org.id)
    pd.testing.assert_frame_equal(stored, selectors.cohort_retention(org))
    first = stored.loc[stored["cohort_month"] == month_start(4)].set_index("months_since_first")
    assert first["cohort_customers"].tolist() == [3, 3, 3, 3]  # up to the last month with an order
    assert first["active_customers"].tolist() == [3, 1, 1, 1]  # a, b, c; then a; b; a
    assert set(stored["cohort_month"]) == {month_start(4), month_start(2)}  # e cancelled, the guest none


def test_the_recompute_rewrites_the_cohorts_when_the_orders_change(org):
    shop(org)
    services.kpis_recompute(organization_id=org.id)
    before = selectors.stored_cohorts(org.id)
    add_orders(org, [("c", 0), ("f", 1), ("g", 1)])
    ImportedOrder.objects.filter(organization=org, customer_key="d").delete()
    services.kpis_recompute(organization_id=org.id)
    after = selectors.stored_cohorts(org.id)
    pd.testing.assert_frame_equal(after, selectors.cohort_retention(org))
    assert not after.equals(before)
    assert set(after["cohort_month"]) == {month_start(4), month_start(1)}  # d's cohort gone, f and g's new
    assert after.loc[(after["cohort_month"] == month_start(4)) & (after["months_since_first"] == 4),
                     "active_customers"].item() == 1  # c came back this month
    assert KpiCohort.objects.filter(organization=org).count() == len(after)  # replaced, not added


def test_the_kpi_page_shows_the_stored_cohorts_newest_first(org, owner, client_for):
    shop(org)
    services.kpis_recompute(organization_id=org.id)
    add_orders(org, [("h", 1)])  # not recomputed yet: the page shows what the recompute stored
    rows = cohort_rows(client_for(owner).get(f"/o/{org.slug}/kpis/", **EN).content.decode())
    assert [(customers, cells[:3]) for _month, customers, cells in rows] == [
        ("1", ["0%", "—", "—"]),  # d, 2 months ago, not back last month; no order since
        ("3", ["33%", "33%", "33%"]),
    ]


def test_the_kpi_page_reads_the_same_queries_whatever_the_number_of_orders(org, owner, client_for):
    client = client_for(owner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/o/{org.slug}/kpis/").status_code == 200
        return len(captured)

    shop(org)
    services.kpis_recompute(organization_id=org.id)
    few = queries()
    add_orders(org, [(f"customer-{k}", k % 11 + 1) for k in range(2000)] + [(f"customer-{k}", 0) for k in range(500)])
    services.kpis_recompute(organization_id=org.id)
    assert KpiCohort.objects.filter(organization=org).count() > 50
    assert queries() == few


def test_another_organisations_cohorts_never_show(org, other_org, owner, client_for):
    shop(other_org)
    services.kpis_recompute(organization_id=other_org.id)
    services.kpis_recompute(organization_id=org.id)
    assert selectors.stored_cohorts(org.id).empty and not selectors.stored_cohorts(other_org.id).empty
    page = client_for(owner).get(f"/o/{org.slug}/kpis/", **EN).content.decode()
    assert cohort_rows(page) == []
    assert "Cohorts come from imported orders with a customer" in page


def test_deleting_the_organisation_deletes_its_cohorts(org, other_org):
    for each in (org, other_org):
        shop(each)
        services.kpis_recompute(organization_id=each.id)
    gone = org.id
    org.delete()
    assert not KpiCohort.objects.filter(organization_id=gone).exists()
    assert KpiCohort.objects.filter(organization=other_org).exists()


def test_the_migration_leaves_every_organisation_stale_for_the_sweep_to_store_its_cohorts(org, other_org):
    import importlib

    from django.apps import apps

    from kpis.models import RecomputeState

    migration = importlib.import_module("kpis.migrations.0016_stored_cohorts")
    RecomputeState.objects.create(organization=org, stale=False)
    migration.every_organisation_stale(apps, None)
    states = {s.organization_id: s for s in RecomputeState.objects.all()}
    assert set(states) == {org.id, other_org.id}  # the one without a state row has one now
    assert all(s.stale and s.stale_since is not None and not s.pending for s in states.values())
