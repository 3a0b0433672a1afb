"""The consultant's portfolio of 100 clients and one shop's dashboard on the 1,000-shop
database (issue 18), and how PostgreSQL reads the big tables for them and for a recompute.

Run from the repository root, after ``scale_seed.py`` and a recompute of every shop
(``bench_scale.py``), under the measurement lock::

    flock /work/tools/measure.lock python benchmarks/bench_scale_pages.py [--requests 60]
        [--database postgres://…/plannerist_scale_bench] [--shop scale-0000]

Server time through Django's test client, as ``bench_dashboard.py``: median and p95 of
``/`` as the consultant (``consultant@scale.example``, member of the first 100 shops), of the
dashboard ``/o/<shop>/`` as the same consultant and of its htmx period swap, with each
page's query count. Then ``EXPLAIN (ANALYZE, BUFFERS)`` of every read those pages, and the
recompute's reads of one shop (its snapshots, actuals, orders for the cohorts, order lines
for the goods cost, the actuals' spans of the 100 clients), make of the snapshots, actuals,
orders, lines and forecast days: execution time, rows and the index each scan used. On a
server with autovacuum off, those tables are analysed first (as autovacuum would have done
after the nightly jobs' writes).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from django_setup import timings  # noqa: E402
from scale_seed import CONSULTANT_EMAIL, DEFAULT_DATABASE  # noqa: E402

BIG_TABLES = ("kpis_kpisnapshot", "sales_dailyactual", "sales_importedorder", "sales_importedline",
              "forecasting_forecastday")  # fmt: skip


def setup(database: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database
    for variable in ("CELERY_BROKER_URL", "REDIS_URL", "DJANGO_DEBUG"):
        os.environ.pop(variable, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plannerist.settings")
    import django

    django.setup()


def measured(client, url: str, runs: int, **headers) -> tuple[float, float, int, list]:
    """Median and p95 (ms) of ``url``, its query count, and its statements."""
    from plannerist import query_plans

    def get():
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)

    median, p95 = timings(get, runs)
    with query_plans.statements() as captured:
        get()
    return median, p95, len(captured), captured


def plan_lines(label: str, captured) -> list[str]:
    from plannerist import query_plans

    lines = []
    for sql, params in query_plans.reads_of(captured, BIG_TABLES):
        plan = query_plans.explain(sql, params, analyze=True)
        scans = "; ".join(f"{s.table} {s.method}{' ' + s.index if s.index else ''}" for s in plan.scans_of(BIG_TABLES))
        lines.append(f"  {label:<10} {plan.execution_ms:7.2f} ms {plan.rows:>7,} rows  {scans}")
    return lines


def recompute_reads(shop, clients) -> list:
    """The statements of the recompute's reads of the big tables for ``shop``."""
    from kpis import selectors
    from kpis.selectors.actuals import daily_actuals_frame
    from kpis.selectors.orders import cohort_retention
    from kpis.selectors.products import goods_cost_by_day
    from plannerist import query_plans

    with query_plans.statements() as captured:
        selectors.snapshot_values(shop.id)
        daily_actuals_frame(shop.id)
        cohort_retention(shop)
        goods_cost_by_day(shop.id)
        selectors.actuals_spans([o.id for o in clients])
    return captured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--database", default=os.environ.get("SCALE_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--shop", default="scale-0000")
    args = parser.parse_args()
    setup(args.database)
    from django.db import connection
    from django.test import Client

    from kpis.models import KpiSnapshot
    from plannerist.models import Organization, User

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
        if autovacuum == "off":  # as autovacuum's analyze would have them after the nightly writes
            for table in BIG_TABLES:
                cursor.execute(f"ANALYZE {table}")
    print(f"autovacuum {autovacuum}{': the big tables analysed first' if autovacuum == 'off' else ''}")
    consultant = User.objects.get(email=CONSULTANT_EMAIL)
    clients = list(Organization.objects.filter(memberships__user=consultant).order_by("id"))
    shop = Organization.objects.get(slug=args.shop)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), reltuples::bigint FROM pg_class "
                       "WHERE relname = 'kpis_kpisnapshot'")
        size, snapshots = cursor.fetchone()
    print(f"{Organization.objects.count():,} organisations, ~{snapshots:,} snapshots, database {size}; "
          f"{shop.slug} has {KpiSnapshot.objects.filter(organization=shop).count():,}; load average {os.getloadavg()[0]:.2f}")
    client = Client()
    client.force_login(consultant)
    rows = [
        ("portfolio", "/", {}, f"portfolio, {len(clients)} clients"),
        ("dashboard", f"/o/{shop.slug}/", {}, f"dashboard {shop.slug}"),
        ("swap", f"/o/{shop.slug}/?period=month", {"HTTP_HX_REQUEST": "true"}, "dashboard period swap (htmx)"),
    ]
    plans = []
    for key, url, headers, label in rows:
        median, p95, queries, captured = measured(client, url, args.requests, **headers)
        print(f"{label:<32} median {median:6.1f} ms   p95 {p95:6.1f} ms   {queries} queries")
        plans += plan_lines(key, captured)
    plans += plan_lines("recompute", recompute_reads(shop, clients))
    print("EXPLAIN ANALYZE of their reads of the big tables (and the recompute's of one shop):")
    print("\n".join(plans))
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
