"""Benchmark of the cockpit pages: server time of the organisation dashboard and the portfolio.

Run from the repository root: ``python benchmarks/bench_dashboard.py [--requests N]``.

Seeds the demo into a fresh temporary SQLite database, adds 100 campaigns to Lumière & Cire
and recomputes its snapshots, then requests ``/o/lumiere-et-cire/`` N times as its owner
(full page and the htmx period swap). Then gives the consultant 100 organisations with a
week of snapshots and targets each, and requests the portfolio ``/`` N times; then gives
each of those 98 new clients one exception of every kind its "needs attention" list shows
(a stop and an adjust signal besides the shop's, last week's review undone, actuals that
stopped 12 days ago after a year of them, a draft starting in 3 days, a stored day over
capacity) and requests it again: about 600 lines from 100 clients.
Targets: dashboard p95 < 150 ms; portfolio p95 < 200 ms, with the exceptions list.
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


def add_exceptions(template, organizations) -> int:
    """One exception of each kind for each of ``organizations`` (see the module's doc);
    returns how many daily actuals were written."""
    from django.utils import timezone

    from campaigns.models import Campaign, Mechanic, Scope
    from kpis.models import PeakOutlook, Signal
    from plannerist.models import Organization
    from sales.models import DailyActual

    now = timezone.now()
    signals = list(Signal.objects.filter(organization=template))
    Organization.objects.filter(pk__in=[o.pk for o in organizations]).update(created_at=now - dt.timedelta(days=60))
    actuals = 0
    for org in organizations:
        today = org.today(now)
        Signal.objects.bulk_create([
            *(Signal(organization=org, rule=s.rule, action=s.action, side=s.side, subject=s.subject, evidence=s.evidence,
                     raised_at=now) for s in signals),
            Signal(organization=org, rule="margin_negative", action="stop", side="shared", raised_at=now,
                   evidence={"week": (today - dt.timedelta(days=14)).isoformat(), "margin_per_order": -1.5}),
            Signal(organization=org, rule="return_spike", action="adjust", side="operations", raised_at=now,
                   evidence={"week": (today - dt.timedelta(days=14)).isoformat(), "return_rate": 0.1, "usual": 0.04}),
        ])
        days = [today - dt.timedelta(days=12 + k) for k in range(365)]
        DailyActual.objects.bulk_create(DailyActual(organization=org, date=day, orders=D("20"), paid_incl_vat=D("900"))
                                        for day in days)
        actuals += len(days)
        Campaign.objects.create(
            organization=org, channel=template.channels.first(), name="Soldes", status=Campaign.Status.DRAFT,
            start=today + dt.timedelta(days=3), end=today + dt.timedelta(days=10), mechanic=Mechanic.PERCENT_OFF,
            discount_rate=D("0.10"), scope=Scope.CATALOGUE, uplift=D("0.2"), baseline_orders=D("100"),
        )
        PeakOutlook.objects.create(organization=org, until=today + dt.timedelta(weeks=8), day=today + dt.timedelta(days=20),
                                   resource="Packing", utilisation=1.4, overloaded_days=3, computed_at=now)
    return actuals


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

    actuals = add_exceptions(shop, list(Organization.objects.filter(slug__startswith="bench-")))
    lines = client.get("/").content.decode().count('<li class="attention-')
    median, p95 = timings(portfolio, args.requests)
    print(f"portfolio, 100 organisations, {lines} lines needing attention ({actuals} daily actuals)")
    print(f"                                  median {median:6.1f} ms   p95 {p95:6.1f} ms   (target p95 < {PORTFOLIO_P95_MS:.0f})")
    ok &= p95 < PORTFOLIO_P95_MS
    print("OK" if ok else "SLOW")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
