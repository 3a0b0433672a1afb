"""The role matrix: who may write where."""

from __future__ import annotations

import pytest
from django.test import Client

from plannerist.models import Membership, Role
from plannerist.tenancy import (
    can_approve_campaigns,
    can_edit_campaigns,
    can_edit_capacity,
    can_manage_members,
    can_write_reviews,
)
from tests import factories
from tests.plannerist.urls_under_org import org_routes

WRITE_ROUTES = [r for r in org_routes() if r.writes]
READ_ROUTES = [r for r in org_routes() if "GET" in r.methods]


@pytest.mark.parametrize(
    ("role", "campaigns", "capacity", "approve", "reviews", "members"),
    [
        (Role.OWNER, True, True, True, True, True),
        (Role.MARKETING, True, False, False, False, False),
        (Role.OPERATIONS, False, True, True, False, False),
        (Role.CONSULTANT, False, False, False, True, False),
        (Role.VIEWER, False, False, False, False, False),
    ],
)
def test_each_role_has_exactly_its_rights(role, campaigns, capacity, approve, reviews, members):
    member = Membership(role=role)
    assert can_edit_campaigns(member) is campaigns
    assert can_edit_capacity(member) is capacity
    assert can_approve_campaigns(member) is approve
    assert can_write_reviews(member) is reviews
    assert can_manage_members(member) is members


@pytest.mark.django_db
@pytest.mark.parametrize("route", WRITE_ROUTES, ids=lambda r: r.route)
def test_a_viewer_cannot_write_anywhere(route, org, client_for):
    client = client_for(factories.make_user_in(org, Role.VIEWER))
    url = route.url(org.slug, objects_of=org)
    for method in [m for m in route.methods if m not in {"GET", "HEAD"}]:
        response = getattr(client, method.lower())(url, {})
        assert response.status_code == 403, (method, url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("route", READ_ROUTES, ids=lambda r: r.route)
def test_a_consultant_reads_every_page_of_each_of_its_organisations(route, org, other_org):
    consultant = factories.make_user_in(org, Role.CONSULTANT)
    factories.make_user_in(other_org, Role.CONSULTANT, user=consultant)
    client = Client()
    client.force_login(consultant)
    for organization in (org, other_org):
        url = route.url(organization.slug, objects_of=organization)
        assert client.get(url).status_code == 200, url


def test_the_home_page_lists_every_organisation_of_a_consultant(org, other_org, client_for):
    consultant = factories.make_user_in(org, Role.CONSULTANT)
    factories.make_user_in(other_org, Role.CONSULTANT, user=consultant)
    factories.make_org(name="Not theirs")
    html = client_for(consultant).get("/").content.decode()
    assert "Lumière &amp; Cire" in html and "Concurrent SARL" in html
    assert "Not theirs" not in html


def test_removing_a_membership_removes_access_at_once(org, client_for):
    user = factories.make_user_in(org, Role.MARKETING)
    client = client_for(user)
    assert client.get(f"/o/{org.slug}/").status_code == 200
    Membership.objects.filter(user=user, organization=org).delete()
    assert client.get(f"/o/{org.slug}/").status_code == 404
