"""One htmx rule for invalid input (issue 13): base.html swaps a 400 (or 422) in like a success,
and every partial endpoint of campaigns and capacity answers bad input with 400 and its
message in the swapped body."""

from __future__ import annotations

import json
import re

import pytest

from capacity.models import Resource
from tests import factories
from tests.campaigns.test_views import plan_data, shop  # noqa: F401
from tests.capacity.factories import make_resource, make_staff

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}


def _rules(html: str) -> list[dict]:
    metas = re.findall(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert len(metas) == 1, f"expected one htmx-config, found {len(metas)}"
    return json.loads(metas[0])["responseHandling"]


def _swaps(rules: list[dict], status: int) -> bool:
    """As htmx 2 does: the first rule whose code (a regular expression) matches decides."""
    for rule in rules:
        if re.search(rule["code"], str(status)):
            return bool(rule["swap"])
    return False


@pytest.mark.parametrize("path", ["campaigns/new/", "capacity/"])
def test_every_page_has_the_one_rule_that_swaps_a_400_and_a_422_and_drops_other_errors(org, owner, client_for, path):
    rules = _rules(client_for(owner).get(f"/o/{org.slug}/{path}").content.decode())
    assert _swaps(rules, 400) and _swaps(rules, 422) and _swaps(rules, 200)
    assert not _swaps(rules, 403) and not _swaps(rules, 404) and not _swaps(rules, 500) and not _swaps(rules, 204)


def test_a_saved_campaign_s_whatif_answers_a_bad_value_with_400_and_the_field_s_message(org, owner, shop, client_for):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop)
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/{campaign.pk}/whatif/",
                                      plan_data(shop, discount_rate="150"), **HTMX)
    assert response.status_code == 400
    assert "Discount (%): Ensure this value is less than or equal to 100." in response.content.decode()


def test_a_scenario_s_whatif_answers_a_bad_value_with_400_and_the_field_s_message(org, owner, shop, client_for):  # noqa: F811
    scenario = factories.make_scenario(org, campaign=factories.make_campaign(org, channel=shop))
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/scenarios/{scenario.pk}/whatif/",
                                      plan_data(shop, uplift="abc"), **HTMX)
    assert response.status_code == 400
    assert "Enter a number." in response.content.decode()


def test_an_empty_comment_by_htmx_answers_400_with_the_message_in_the_comments(org, owner, shop, client_for):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop)
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/{campaign.pk}/comments/", {"text": ""}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 400 and html.lstrip().startswith('<section class="card" id="comments"')
    assert "This field is required." in html


def test_the_peak_report_answers_a_bad_period_by_htmx_with_400_and_the_message(org, owner, client_for):
    response = client_for(owner).get(f"/o/{org.slug}/capacity/?start=2026-12-01&end=2026-11-01", **HTMX)
    html = response.content.decode()
    assert response.status_code == 400 and html.lstrip().startswith('<section id="report"')
    assert 'role="alert"' in html


def test_adding_a_staff_member_with_no_name_by_htmx_answers_400_with_the_message(org, owner, client_for):
    resource = make_resource(org)
    response = client_for(owner).post(f"/o/{org.slug}/capacity/resources/{resource.pk}/staff/",
                                      {f"r{resource.pk}-name": "", f"r{resource.pk}-hours_per_day": "7"}, **HTMX)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Resource.objects.get(pk=resource.pk).staff.exists()


def test_an_absence_that_ends_before_it_starts_by_htmx_answers_400_with_the_message(org, owner, client_for):
    member = make_staff(make_resource(org))
    prefix = f"s{member.pk}"
    response = client_for(owner).post(f"/o/{org.slug}/capacity/staff/{member.pk}/absences/",
                                      {f"{prefix}-start": "2026-12-10", f"{prefix}-end": "2026-12-01"}, **HTMX)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not member.absences.exists()
