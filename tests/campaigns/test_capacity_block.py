"""The capacity block of the campaign and scenario pages: one definition on load and as typed,
booked staff in the cost to deliver, no verdict without a team."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import Scenario
from capacity.models import CapacityPlan
from tests import factories
from tests.campaigns.test_views import plan_data
from tests.capacity.factories import make_resource, make_staff

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def channel(org):
    factories.make_product(org, price=Decimal("30"), unit_cost=Decimal("9"))
    CapacityPlan.objects.create(organization=org, baseline_source="typed", orders_per_day=Decimal("40"),
                                weekday_profile=[1] * 7)
    return factories.make_channel(org)


@pytest.fixture
def team(org, channel):
    """One packer, 5 hours a weekday, 6 minutes an order: 40 orders a day already fill 4 of them."""
    resource = make_resource(org, minutes_per_order=Decimal("6"), extra_hourly_cost=Decimal("25"))
    make_staff(resource, hours=[5] * 5 + [0, 0])
    return resource


def _typed(campaign, channel, **overrides) -> dict:
    values = {"name": campaign.name, "start": campaign.start.isoformat(), "end": campaign.end.isoformat(),
              "baseline_orders": "300", "uplift": "50", "discount_rate": "20", "ad_spend": "500"}
    return plan_data(channel, **{**values, **overrides})


@pytest.mark.parametrize("status", ["planned", "approved", "live"])
def test_a_saved_campaign_counts_once_on_load_and_as_typed(org, owner, channel, team, client_for, status):
    campaign = factories.make_campaign(org, channel=channel, status=status)
    client = client_for(owner, HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(f"/o/{org.slug}/campaigns/{campaign.pk}/")
    whatif_url = f"/o/{org.slug}/campaigns/{campaign.pk}/whatif/"
    assert f'hx-post="{whatif_url}"' in page.content.decode()
    on_load = page.context["capacity_cost"]
    typed = client.post(whatif_url, _typed(campaign, channel), **HTMX)
    assert typed.status_code == 200
    assert on_load.extra_hours_caused > 0
    assert typed.context["capacity_cost"].extra_hours_caused == pytest.approx(on_load.extra_hours_caused)
    assert typed.context["margin_after_capacity"] == pytest.approx(page.context["margin_after_capacity"])


def test_another_organisations_campaign_what_if_answers_404(org, other_org, owner, channel, client_for):
    stranger = factories.make_campaign(other_org)
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/{stranger.pk}/whatif/", _typed(stranger, channel), **HTMX)
    assert response.status_code == 404


def test_the_scenario_page_shows_the_same_capacity_block_on_load_and_as_typed(org, owner, channel, team, client_for):
    campaign = factories.make_campaign(org, channel=channel, status="approved")
    scenario = Scenario.objects.create(campaign=campaign, name="Deeper", mechanic="percent_off",
                                       discount_rate=Decimal("0.3"), uplift=Decimal("0.8"), ad_spend=Decimal("500"))
    client = client_for(owner, HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(f"/o/{org.slug}/campaigns/scenarios/{scenario.pk}/")
    assert 'id="capacity-side"' in page.content.decode()
    on_load = page.context["capacity_cost"]
    assert on_load.extra_hours_caused > 0
    whatif_url = f"/o/{org.slug}/campaigns/scenarios/{scenario.pk}/whatif/"
    assert f'hx-post="{whatif_url}"' in page.content.decode()
    typed = client.post(whatif_url, _typed(campaign, channel, name="Deeper", discount_rate="30", uplift="80"), **HTMX)
    assert typed.status_code == 200 and 'id="capacity-side"' in typed.content.decode()
    assert typed.context["capacity_cost"].extra_hours_caused == pytest.approx(on_load.extra_hours_caused)


def test_booked_freelancers_count_in_the_margin_after_the_cost_to_deliver(org, owner, channel, team, client_for):
    campaign = factories.make_campaign(org, channel=channel, status="planned")
    client = client_for(owner, HTTP_ACCEPT_LANGUAGE="en")
    before = client.get(f"/o/{org.slug}/campaigns/{campaign.pk}/").context
    make_staff(team, name="Léo", kind="freelancer", hourly_cost=Decimal("28"), hours=[3] * 5 + [0, 0],
               start=campaign.start, end=campaign.end)
    response = client.get(f"/o/{org.slug}/campaigns/{campaign.pk}/")
    cost = response.context["capacity_cost"]
    assert cost.booked_cost_share > 0
    assert cost.cost_to_deliver == pytest.approx(cost.extra_cost_caused + cost.booked_cost_share)
    assert cost.cost_to_deliver >= before["capacity_cost"].cost_to_deliver
    assert response.context["margin_after_capacity"] == pytest.approx(
        float(response.context["ev"].incremental.margin) - cost.cost_to_deliver)
    assert response.context["margin_after_capacity"] <= before["margin_after_capacity"]
    assert 'id="booked-share"' in response.content.decode()


def test_without_a_team_capacity_is_unknown_and_links_to_the_team(org, owner, channel, client_for):
    campaign = factories.make_campaign(org, channel=channel, status="planned")
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").get(f"/o/{org.slug}/campaigns/{campaign.pk}/")
    html = response.content.decode()
    assert "absorbs" not in html
    assert 'id="capacity-unknown"' in html and "Capacity unknown" in html
    assert f'href="/o/{org.slug}/capacity/settings/"' in html
    assert response.context["margin_after_capacity"] is None


def test_scenarios_are_ranked_by_the_margin_after_the_cost_to_deliver(org, owner, channel, team, client_for):
    team.minutes_per_contact = Decimal("20")  # a contact costs the packer 20 minutes
    team.save()
    campaign = factories.make_campaign(org, channel=channel, status="planned", discount_rate=Decimal("0.05"),
                                       uplift=Decimal("0.6"), ad_spend=Decimal("0"))
    # More orders and more margin on paper, but one support contact per order to answer.
    factories.make_scenario(org, campaign=campaign, mechanic="percent_off", discount_rate=Decimal("0.05"),
                            uplift=Decimal("0.8"), ad_spend=Decimal("0"), support_contacts_override=Decimal("1"))
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").get(f"/o/{org.slug}/campaigns/{campaign.pk}/scenarios/")
    plan, chatty = response.context["comparison"].rows
    assert chatty["incremental_margin"] > plan["incremental_margin"]
    for row in (plan, chatty):
        assert row["cost_to_deliver"] > 0
        assert row["margin_after_delivery"] == pytest.approx(row["incremental_margin"] - row["cost_to_deliver"])
    assert chatty["margin_after_delivery"] < 0 < plan["margin_after_delivery"]
    assert response.context["comparison"].best == 0
    html = response.content.decode()
    assert "Cost to deliver" in html and "Margin after the cost to deliver" in html


def test_no_variant_is_best_when_every_one_loses_money(org, owner, channel, team, client_for):
    campaign = factories.make_campaign(org, channel=channel, status="planned", discount_rate=Decimal("0.5"))
    factories.make_scenario(org, campaign=campaign, mechanic="percent_off", discount_rate=Decimal("0.6"), uplift=Decimal("0.5"))
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").get(f"/o/{org.slug}/campaigns/{campaign.pk}/scenarios/")
    comparison = response.context["comparison"]
    assert all(row["margin_after_delivery"] < 0 for row in comparison.rows)
    assert comparison.best is None
    html = response.content.decode()
    assert 'class="best"' not in html and 'id="no-best"' in html


def test_without_a_team_the_comparison_says_the_cost_to_deliver_is_unknown(org, owner, channel, client_for):
    campaign = factories.make_campaign(org, channel=channel, status="planned", discount_rate=Decimal("0.05"))
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").get(f"/o/{org.slug}/campaigns/{campaign.pk}/scenarios/")
    row = response.context["comparison"].rows[0]
    assert row["cost_to_deliver"] is None and row["margin_after_delivery"] is None
    assert response.context["comparison"].best == 0  # the incremental margin ranks it, and it earns money
