"""Another organisation's data answers 404 everywhere, whatever the method."""

from __future__ import annotations

import pytest

from plannerist.models import Role
from tests import factories
from tests.plannerist.urls_under_org import org_routes

METHODS = ["get", "post", "put", "patch", "delete"]


def test_the_sweep_sees_the_org_scoped_urls(db):
    routes = {route.route for route in org_routes()}
    assert "o/<slug:org_slug>/" in routes
    assert "o/<slug:org_slug>/members/<int:membership_id>/role/" in routes


@pytest.mark.django_db
@pytest.mark.parametrize("route", org_routes(), ids=lambda r: r.route)
def test_another_organisations_url_answers_404_on_every_method(route, org, other_org, client_for):
    client = client_for(factories.make_user_in(org, Role.OWNER))
    url = route.url(other_org.slug, objects_of=other_org)
    for method in METHODS:
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in org_routes() if r.view.org_objects], ids=lambda r: r.route
)
def test_another_organisations_objects_under_my_slug_answer_404(route, org, other_org, client_for):
    client = client_for(factories.make_user_in(org, Role.OWNER))
    url = route.url(org.slug, objects_of=other_org)
    for method in METHODS:
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, org):
    response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
