"""Benchmark of the cockpit pages: server time of the organisation dashboard and the portfolio.

Run from the repository root: ``python benchmarks/bench_dashboard.py [--requests N]``.

Seeds the demo into a fresh temporary SQLite database, adds 100 campaigns to Lumière & Cire
and recomputes its snapshots, then requests ``/o/lumiere-et-cire/`` N times as its owner
(full page and the htmx period swap). Then gives the consultant 100 organisations with a
week of snapshots and targets each, and requests the portfolio ``/`` N times.
Targets: dashboard p95 < 150 ms; portfolio p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from decimal import Decimal as D
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from django_setup import setup_demo, timings  # noqa: E402

DASHBOARD_P95_MS = 150.0
PORTFOLIO_P95_MS = 200.0


def add_campaigns(organization, count: int) -> None:
    from campaigns.models import Campaign, Mechanic, Scope

    today = dt.date.today()
    channel = organization.channels.first()
    Campaign.objects.bulk_create(
        Campaign(
            organization=organization, channel=channel, name=f"Bench campaign {k}", start=today + dt.timedelta(days=k % 60 - 20),
            end=today + dt.timedelta(days=k % 60 - 10), status=list(Campaign.Status.values)[k % 6],
            mechanic=Mechanic.PERCENT_OFF, discount_rate=D("0.10"), scope=Scope.CATALOGUE, uplift=D("0.2"),
            baseline_orders=D("100"),
        )
        for k in range(count)
    )


def add_organisations(consultant, template, count: int) -> None:
    """``count`` organisations copying ``template``'s weekly organisation snapshots and targets."""
    from kpis.models import KpiSnapshot, KpiTarget
    from plannerist.models import Membership, Organization, Role

    weekly = list(KpiSnapshot.objects.filter(organization=template, scope="organisation", period="week"))
    targets = list(KpiTarget.objects.filter(organization=template))
    for k in range(count):
        org = Organization.objects.create(slug=f"bench-{k}", name=f"Bench client {k:03d}")
        Membership.objects.create(user=consultant, organization=org, role=Role.CONSULTANT)
        KpiSnapshot.objects.bulk_create(
            KpiSnapshot(organization=org, scope=s.scope, scope_id=s.scope_id, period=s.period,
                        period_start=s.period_start, kpi=s.kpi, value=s.value, computed_at=s.computed_at)
            for s in weekly
        )
        KpiTarget.objects.bulk_create(KpiTarget(organization=org, kpi=t.kpi, value=t.value) for t in targets)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    setup_demo()
    from django.test import Client

    from cockpit.demo import USERS
    from kpis.services import kpis_recompute
    from plannerist.models import Organization, User

    shop = Organization.objects.get(slug="lumiere-et-cire")
    add_campaigns(shop, 100)
    kpis_recompute(organization_id=shop.id)
    client = Client()
    client.force_login(User.objects.get(email=USERS["owner"].email))

    def dashboard():
        assert client.get("/o/lumiere-et-cire/").status_code == 200

    def swap():
        assert client.get("/o/lumiere-et-cire/?period=month", HTTP_HX_REQUEST="true").status_code == 200

    ok = True
    median, p95 = timings(dashboard, args.requests)
    print(f"dashboard, demo + 100 campaigns   median {median:6.1f} ms   p95 {p95:6.1f} ms   (target p95 < {DASHBOARD_P95_MS:.0f})")
    ok &= p95 < DASHBOARD_P95_MS
    median, p95 = timings(swap, args.requests)
    print(f"dashboard period swap (htmx)      median {median:6.1f} ms   p95 {p95:6.1f} ms")

    consultant = User.objects.get(email=USERS["consultant"].email)
    add_organisations(consultant, shop, 98)  # plus the two demo businesses: 100
    client.force_login(consultant)

    def portfolio():
        assert client.get("/").status_code == 200

    median, p95 = timings(portfolio, args.requests)
    print(f"portfolio, 100 organisations      median {median:6.1f} ms   p95 {p95:6.1f} ms   (target p95 < {PORTFOLIO_P95_MS:.0f})")
    ok &= p95 < PORTFOLIO_P95_MS
    print("OK" if ok else "SLOW")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
