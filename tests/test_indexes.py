"""The pages' and the recompute's reads of the big tables (KPI snapshots, daily actuals,
imported orders) go through an index, on PostgreSQL with statistics of many shops.

A thousand organisations are written once with ``generate_series`` (a few hundred thousand
snapshots, actuals and orders, the consultant a member of a hundred of them) and the tables
analysed, so that the planner chooses from real statistics, ``enable_seqscan`` left on: on
a table this size it would read every row only if no index served the query. Every
``SELECT`` that the dashboard, its period swap, the portfolio and the recompute's reads run
on those tables is explained; none may be a ``Seq Scan``.

PostgreSQL only: SQLite has no statistics to choose by, and its plans name tables by their
aliases (the index figures of the 1,000-shop seed are in benchmarks/README.md).
"""

from __future__ import annotations

import pytest
from django.db import connection

from plannerist import query_plans
from plannerist.models import Membership, Organization, Role
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics and EXPLAIN (FORMAT JSON) are PostgreSQL's"),
]

SHOPS = 1000
CLIENTS = 100
GUARDED = ("kpis_kpisnapshot", "sales_dailyactual", "sales_importedorder")
PAIR_KPIS = ("revenue_excl_vat", "margin", "repeat_purchase_rate", "cac", "orders", "capacity_utilisation")


def _many_shops(today) -> list[Organization]:
    organizations = Organization.objects.bulk_create(
        Organization(slug=f"shop-{k:04d}", name=f"Shop {k:04d}") for k in range(SHOPS))
    ids = [o.pk for o in organizations]
    monday = today.toordinal() - today.weekday()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO kpis_kpisnapshot (organization_id, scope, scope_id, period, period_start, kpi, value, computed_at)
               SELECT o, 'organisation', '', p.period, p.start, k, random() * 100, now()
               FROM unnest(%s::bigint[]) o, unnest(%s::text[]) k,
                    (SELECT 'week' AS period, (date %s - 7 * w) AS start FROM generate_series(1, 26) w
                     UNION ALL SELECT 'day', date %s - d FROM generate_series(1, 60) d
                     UNION ALL SELECT 'month', (date_trunc('month', date %s) - make_interval(months => m))::date
                               FROM generate_series(1, 12) m) p""",
            [ids, list(PAIR_KPIS), _date(monday), _date(today.toordinal()), _date(today.toordinal())],
        )
        cursor.execute(
            """INSERT INTO sales_dailyactual (organization_id, date, orders, units, paid_incl_vat, discounts, refunds,
                   returned_orders, new_customers, returning_customers, ad_spend, support_contacts, hours_worked,
                   orders_shipped)
               SELECT o, date %s - d, 10, 20, 400, 0, 0, 0, 4, 6, 10, 1, 5, 10
               FROM unnest(%s::bigint[]) o, generate_series(1, 200) d""",
            [_date(today.toordinal()), ids],
        )
        cursor.execute(
            """INSERT INTO sales_importedorder (organization_id, order_id, ordered_at, channel_name, discount_code,
                   customer_key, units, paid_incl_vat, discounts, refunds, shipping_incl_vat, cancelled,
                   is_adjustment, currency, source_format)
               SELECT o, '#' || n, now() - n * interval '1 day', '', '',
                      CASE WHEN n %% 10 = 0 THEN NULL ELSE md5(o || '-' || (n %% 40)) END,
                      1, 40, 0, 0, 0, false, false, 'EUR', 'shopify'
               FROM unnest(%s::bigint[]) o, generate_series(1, 100) n""",
            [ids],
        )
        for table in GUARDED:
            cursor.execute(f"ANALYZE {table}")
    return organizations


def _date(ordinal: int) -> str:
    import datetime as dt

    return dt.date.fromordinal(ordinal).isoformat()


def _full_scans(captured) -> tuple[list[tuple[str, query_plans.Scan]], set[str]]:
    """The ``Seq Scan`` of a guarded table in the plans of ``captured``, and the guarded
    tables the plans read at all."""
    full, read = [], set()
    for sql, params in query_plans.reads_of(captured, GUARDED):
        for scan in query_plans.explain(sql, params).scans_of(GUARDED):
            read.add(scan.table)
            if scan.reads_every_row:
                full.append((sql, scan))
    return full, read


@pytest.fixture(scope="module")
def shops(django_db_setup, django_db_blocker):
    """The thousand shops, written once for the module (committed: a few seconds of
    inserts), removed after its last test."""
    from django.utils import timezone

    with django_db_blocker.unblock():
        organizations = _many_shops(timezone.localdate())
        try:
            yield organizations
        finally:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE plannerist_organization CASCADE")


def test_the_dashboard_and_its_period_swap_read_the_snapshots_through_an_index(shops, client_for):
    shop = shops[7]
    client = client_for(factories.make_user_in(shop, Role.OWNER))
    with query_plans.statements() as captured:
        assert client.get(f"/o/{shop.slug}/").status_code == 200
        assert client.get(f"/o/{shop.slug}/?period=month", HTTP_HX_REQUEST="true").status_code == 200
    full, read = _full_scans(captured)
    assert "kpis_kpisnapshot" in read
    assert full == []


def test_the_portfolio_of_a_hundred_clients_reads_through_indexes(shops, client_for):
    consultant = factories.make_user()
    Membership.objects.bulk_create(Membership(user=consultant, organization=o, role=Role.CONSULTANT)
                                   for o in shops[:CLIENTS])
    with query_plans.statements() as captured:
        page = _page(client_for(consultant), "/")
    assert "Shop 0099" in page and "Shop 0100" not in page
    full, read = _full_scans(captured)
    assert {"kpis_kpisnapshot", "sales_dailyactual"} <= read
    assert full == []


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_recompute_reads_one_shop_s_snapshots_actuals_and_orders_through_indexes(shops):
    from kpis import selectors
    from kpis.selectors.actuals import daily_actuals_frame
    from kpis.selectors.orders import cohort_retention

    shop = shops[42]
    with query_plans.statements() as captured:
        assert len(selectors.snapshot_values(shop.id)) == 98 * len(PAIR_KPIS)
        assert len(daily_actuals_frame(shop.id)) == 200
        assert not cohort_retention(shop).empty
        assert len(selectors.actuals_spans([o.id for o in shops[:CLIENTS]])) == CLIENTS
    full, read = _full_scans(captured)
    assert read == set(GUARDED)
    assert full == []


def test_the_guard_sees_a_full_scan_when_no_index_serves_the_query(shops):
    """The check itself: a filter no index starts with is read row by row."""
    plan = query_plans.explain("SELECT id FROM kpis_kpisnapshot WHERE value > %s", [50.0])
    assert [scan.method for scan in plan.scans_of(GUARDED)] == ["Seq Scan"]
