"""The demo's campaigns have the statuses their dates give them, whatever the day it is seeded
(issue 14): past ones finished, one running today live, with an in-flight projection."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns import demo as campaigns_demo
from campaigns.models import Campaign
from tests.factories import make_org

pytestmark = pytest.mark.django_db
Status = Campaign.Status


@pytest.mark.parametrize("today", [dt.date(2026, 12, 3), dt.date(2027, 7, 14), dt.date(2027, 11, 20)])
def test_every_demo_campaigns_status_matches_its_dates(today):
    org = make_org(slug="lumiere-et-cire")
    campaigns_demo.seed(org, today)
    campaigns_demo.seed(org, today)  # idempotent: the same statuses again
    campaigns = list(Campaign.objects.filter(organization=org))
    assert len(campaigns) > 10
    for c in campaigns:
        if c.status == Status.DRAFT:
            assert c.start > today, c.name  # an idea for later, never one that should have run
        elif c.end < today:
            assert c.status == Status.FINISHED, c.name
        elif c.start <= today:
            assert c.status == Status.LIVE, c.name
        else:
            assert c.status in (Status.PLANNED, Status.APPROVED), c.name
    live = [c for c in campaigns if c.status == Status.LIVE]
    assert any(c.start <= today - dt.timedelta(days=3) for c in live)  # days enough for its pace
    friday = Campaign.objects.get(organization=org, name="Black Friday : 2 pour 1")
    assert friday.start > today or friday.status == Status.FINISHED


def test_on_the_third_of_december_black_friday_is_over_and_christmas_is_live():
    org = make_org(slug="lumiere-et-cire")
    campaigns_demo.seed(org, dt.date(2026, 12, 3))
    status = dict(Campaign.objects.filter(organization=org).values_list("name", "status"))
    assert status["Black Friday : 2 pour 1"] == Status.FINISHED
    assert status["Noël −20 %"] == Status.LIVE
    assert status["Week-end livraison offerte"] == Status.PLANNED
    assert status["Offre fidélité −10 %"] == Status.LIVE
