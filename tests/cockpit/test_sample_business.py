"""Issue 15: a sample business is added to a real account in one click and removed in one,
clearly marked as sample data on its pages and in the portfolio; a real organisation is never
removed that way."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.test import Client

from cockpit.models import SampleBusiness
from plannerist.models import Membership, Organization, Role
from tests import factories

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def added(org, client_for):
    """A real organisation's owner adds a sample (its fill, tens of seconds of demo seeding,
    is the worker's: queued, not run here)."""
    owner = factories.make_user_in(org, Role.OWNER)
    client = client_for(owner, **EN)
    with mock.patch("cockpit.tasks.sample_fill_task.delay") as fill, \
            mock.patch("django.db.transaction.on_commit", side_effect=lambda f, *a, **k: f()):
        response = client.post("/sample/")
    sample = SampleBusiness.objects.get(added_by=owner).organization
    fill.assert_called_once_with(sample.pk)
    return owner, client, sample, response


def test_one_click_adds_a_sample_business_owned_by_the_user(added):
    owner, _client, sample, response = added
    assert response.status_code == 302 and response["Location"] == f"/o/{sample.slug}/"
    assert Membership.objects.get(user=owner, organization=sample).role == Role.OWNER
    assert sample.slug.startswith("sample--")


def test_the_sample_is_marked_on_its_pages_and_in_the_portfolio(added, org):
    owner, client, sample, _ = added
    page = client.get(f"/o/{sample.slug}/").content.decode()
    assert 'class="sample-banner"' in page and "Sample data" in page
    assert f'action="/o/{sample.slug}/sample/remove/"' in page  # the owner's one click to remove it
    assert 'class="sample-banner"' not in client.get(f"/o/{org.slug}/").content.decode()
    consultant = factories.make_user_in(org, Role.CONSULTANT)
    factories.make_user_in(sample, Role.CONSULTANT, user=consultant)
    as_consultant = Client(**EN)
    as_consultant.force_login(consultant)
    html = as_consultant.get("/").content.decode()
    rows = {slug: re.search(r'<th scope="row"><a href="/o/' + slug + r'/">.*?</th>', html, re.S)[0]
            for slug in (sample.slug, org.slug)}
    assert "sample-badge" in rows[sample.slug] and "sample-badge" not in rows[org.slug]


def test_one_click_removes_the_sample_and_all_it_holds(added, org):
    owner, client, sample, _ = added
    factories.make_product(sample)
    response = client.post(f"/o/{sample.slug}/sample/remove/")
    assert response.status_code == 302
    assert not Organization.objects.filter(pk=sample.pk).exists()
    assert Organization.objects.filter(pk=org.pk).exists()


def test_a_real_organisation_is_never_removed_as_a_sample(org, client_for):
    owner = factories.make_user_in(org, Role.OWNER)
    assert client_for(owner).post(f"/o/{org.slug}/sample/remove/").status_code == 404
    assert Organization.objects.filter(pk=org.pk).exists()


def test_only_an_owner_removes_a_sample(added):
    _owner, _client, sample, _ = added
    viewer = factories.make_user_in(sample, Role.VIEWER)
    client = Client()
    client.force_login(viewer)
    assert client.post(f"/o/{sample.slug}/sample/remove/").status_code == 403
    assert Organization.objects.filter(pk=sample.pk).exists()
