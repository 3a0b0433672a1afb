import pytest

from plannerist.models import Role
from tests import factories
from tests.plannerist.urls_under_org import org_routes

UNSAFE = [r for r in org_routes() if any(m not in {"GET", "HEAD"} for m in r.methods)]


@pytest.mark.django_db
@pytest.mark.parametrize("route", UNSAFE, ids=lambda r: r.route)
def test_every_unsafe_route_refuses_a_request_without_the_csrf_token(route, org, client_for):
    client = client_for(factories.make_user_in(org, Role.OWNER), enforce_csrf_checks=True)
    url = route.url(org.slug, objects_of=org)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(url, {}).status_code == 403, (method, url)


def test_pages_send_the_csrf_token_to_htmx_once_on_the_body(org, owner, client_for):
    html = client_for(owner).get(f"/o/{org.slug}/").content.decode()
    assert html.count("hx-headers='{\"x-csrftoken\": \"") == 1
