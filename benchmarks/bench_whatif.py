"""Server time of the campaign what-if partial on the demo data (target: under 50 ms).

    python benchmarks/bench_whatif.py [--runs 200]
"""

from __future__ import annotations

import argparse

from django_setup import setup_demo, timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    setup_demo()
    from django.test import Client

    from campaigns.models import Campaign
    from plannerist.models import User

    client = Client()
    client.force_login(User.objects.get(email="camille@lumiere-cire.fr"))
    campaign = Campaign.objects.get(name="Noël −20 %")
    data = {
        "name": campaign.name, "channel": campaign.channel_id, "start": campaign.start.isoformat(),
        "end": campaign.end.isoformat(), "baseline_orders": "800", "mechanic": "percent_off",
        "discount_rate": "20", "discount_amount": "0", "buy": "1", "get": "1", "get_discount": "100",
        "scope": "catalogue", "uplift": "45", "uplift_low": "25", "uplift_high": "70", "ad_spend": "900",
        "creative_cost": "350", "setup_cost": "0",
    }
    url = f"/o/{campaign.organization.slug}/campaigns/whatif/"

    def post() -> None:
        response = client.post(url, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and b'id="margin-per-order"' in response.content

    median, p95 = timings(post, runs)
    print(f"what-if partial, {runs} requests: median {median:.1f} ms, p95 {p95:.1f} ms (target < 50 ms)")


if __name__ == "__main__":
    main()
