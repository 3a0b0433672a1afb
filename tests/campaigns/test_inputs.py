"""Inputs that must never break a campaign page: out-of-range dates and numbers, long or
NUL-laden names; each answers a 400 naming the field (issue 12, items 20 and 21)."""

from __future__ import annotations

import pytest

from campaigns.forms import CampaignForm
from campaigns.models import Campaign, Scenario
from tests import factories
from tests.campaigns.test_views import plan_data, shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def whatif(client, org, data):
    """The what-if partial's status and HTML (a partial without a result renders no
    sub-template, so the test client captures no context)."""
    response = client.post(f"/o/{org.slug}/campaigns/whatif/", data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    return response.status_code, html


@pytest.mark.parametrize(("field", "value"), [
    ("end", "9999-12-31"), ("start", "0001-01-01"), ("end", "2101-01-01"), ("start", "1999-12-31"),
])
def test_a_whatif_with_a_date_out_of_range_answers_400_naming_the_field(org, owner, shop, client_for, field, value):  # noqa: F811
    status, html = whatif(client_for(owner, **EN), org, plan_data(shop, **{field: value}))
    assert status == 400
    assert f"{field.title()}: Choose a date between Jan. 1, 2000 and Dec. 31, 2100." in html


def test_a_period_longer_than_three_years_is_refused(org, owner, shop, client_for):  # noqa: F811
    status, html = whatif(client_for(owner, **EN), org, plan_data(shop, start="2026-01-01", end="2029-06-30"))
    assert status == 400 and "End: Choose a period of at most 1096 days." in html


def test_a_period_of_three_years_is_evaluated(org, owner, shop, client_for):  # noqa: F811
    response = client_for(owner).post(
        f"/o/{org.slug}/campaigns/whatif/", plan_data(shop, start="2026-01-01", end="2028-12-31"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.context["ev"] is not None


@pytest.mark.parametrize(("field", "value"), [
    ("ad_spend", "1e308"), ("ad_spend", "inf"), ("baseline_orders", "NaN"), ("uplift", "1e308"),
    ("discount_amount", "-inf"), ("buy", "1e308"), ("creative_cost", "Infinity"),
])
def test_a_number_that_is_not_finite_or_plausible_is_a_form_error(org, owner, shop, client_for, field, value):  # noqa: F811
    data = plan_data(shop, **{field: value}, mechanic="amount_off" if field == "discount_amount" else "percent_off")
    form = CampaignForm(data, instance=Campaign(organization=org), organization=org)
    assert not form.is_valid() and field in form.errors
    status, html = whatif(client_for(owner, **EN), org, data)
    assert status == 400 and f"{form.fields[field].label}: " in html


def test_saving_a_campaign_ending_in_9999_is_refused_and_nothing_saved(org, owner, shop, client_for):  # noqa: F811
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/new/", plan_data(shop, end="9999-12-31"))
    assert response.status_code == 400 and "end" in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_the_date_boxes_carry_the_bounds(org, owner, shop, client_for):  # noqa: F811
    html = client_for(owner).get(f"/o/{org.slug}/campaigns/new/").content.decode()
    assert 'name="end"' in html and 'min="2000-01-01"' in html and 'max="2100-12-31"' in html


def test_a_scenario_name_over_120_characters_is_refused_with_the_field(org, owner, shop, client_for):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop)
    response = client_for(owner, **EN).post(f"/o/{org.slug}/campaigns/{campaign.pk}/scenarios/", {"name": "x" * 121})
    assert response.status_code == 400 and not Scenario.objects.exists()
    assert "Ensure this value has at most 120 characters" in response.content.decode()


def test_a_scenario_name_with_a_nul_byte_is_refused(org, owner, shop, client_for):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop)
    response = client_for(owner, **EN).post(f"/o/{org.slug}/campaigns/{campaign.pk}/scenarios/", {"name": "Deep\x00er"})
    assert response.status_code == 400 and not Scenario.objects.exists()
    assert "Null characters are not allowed." in response.content.decode()


def test_a_second_scenario_of_the_same_name_is_refused_on_the_field(org, owner, shop, client_for):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop)
    factories.make_scenario(org, campaign=campaign, name="Deeper")
    response = client_for(owner, **EN).post(f"/o/{org.slug}/campaigns/{campaign.pk}/scenarios/", {"name": " Deeper "})
    assert response.status_code == 400 and campaign.scenarios.count() == 1
    assert "A scenario is already called “Deeper”." in response.content.decode()


def test_a_scenario_without_a_name_gets_the_next_variant_number(org, owner, shop, client_for):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop)
    response = client_for(owner, **EN).post(f"/o/{org.slug}/campaigns/{campaign.pk}/scenarios/", {"name": "  "})
    assert response.status_code == 302 and campaign.scenarios.get().name == "Variant 1"


def test_renaming_a_scenario_to_a_sibling_name_is_a_field_error_not_a_500(org, owner, shop, client_for):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop)
    factories.make_scenario(org, campaign=campaign, name="Deeper")
    other = factories.make_scenario(org, campaign=campaign, name="Lighter")
    data = {k: v for k, v in plan_data(shop, name="Deeper").items() if k not in {"channel", "start", "end", "baseline_orders"}}
    response = client_for(owner, **EN).post(f"/o/{org.slug}/campaigns/scenarios/{other.pk}/", data)
    assert response.status_code == 400 and "name" in response.context["form"].errors
    other.refresh_from_db()
    assert other.name == "Lighter"


def test_a_scenario_name_with_a_nul_byte_is_refused_on_save(org, owner, shop, client_for):  # noqa: F811
    scenario = factories.make_scenario(org, campaign=factories.make_campaign(org, channel=shop), name="Lighter")
    data = {k: v for k, v in plan_data(shop, name="Li\x00ghter").items() if k not in {"channel", "start", "end"}}
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/scenarios/{scenario.pk}/", data)
    assert response.status_code == 400 and "name" in response.context["form"].errors


@pytest.mark.parametrize("field", ["name", "objective"])
def test_a_nul_byte_in_a_campaigns_text_is_a_form_error(org, owner, shop, client_for, field):  # noqa: F811
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/new/", plan_data(shop, **{field: "Noël\x00"}))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_a_nul_byte_in_a_comment_answers_400_on_the_partial(org, owner, shop, client_for):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop)
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/{campaign.pk}/comments/", {"text": "ok\x00"},
                                      HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and not campaign.comments.exists()
