"""The canary: a marker written into every free-text field of one organisation never reaches a
user of another organisation, in any page, htmx partial, export or download.

The owner of the other organisation (who sees the most of it) walks every GET route under
``/o/<slug>/`` (its own objects filling the URLs), as a page and as an htmx partial, every
download format, the what-if, and the portfolio. Downloads are searched inside too: an XLSX
or a zip is unzipped and every file in it searched. The same walk, done by the marked
organisation's own owner, must meet the marker: the test would otherwise prove nothing.
While it walks every page, it checks that each satisfies the Content Security Policy too.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client
from pypdf import PdfReader

from kpis.services import kpis_recompute
from plannerist.models import Membership, Organization, Role, User
from reviews.services import ReviewLocked, review_summary_refresh
from sales.models import Channel
from tests import factories
from tests.plannerist.org_data import fill_every_table, mark_free_text, seed_business
from tests.plannerist.test_csp import assert_satisfies_the_policy
from tests.plannerist.urls_under_org import _PARAM, org_routes

MARKER = "CANARY-7f3a"
HTMX = {"HTTP_HX_REQUEST": "true"}
DOWNLOAD_FORMATS = {
    "o/<slug:org_slug>/export/": ["json", "csv"],
    "o/<slug:org_slug>/kpis/imports/template/": ["csv", "xlsx"],
    "o/<slug:org_slug>/kpis/reviews/<int:review_id>/export/": ["csv", "xlsx", "pdf"],
}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def texts(data: bytes) -> list[str]:
    """The answer as text, and every file inside it when it is a zip (XLSX, CSV export), or
    the text of a PDF (the weekly pack)."""
    if data.startswith(b"%PDF"):
        return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return [data.decode("utf-8", "replace")]


def marker_in(response) -> bool:
    answer = [str(dict(response.headers)), *texts(body(response))]  # a redirect, a file name too
    return any(MARKER.lower() in text.lower() for text in answer)


def url_for(route, org: Organization) -> str:
    """The route filled with the organisation's own rows (the first of each), made if none."""
    def fill(match) -> str:
        if match["name"] == "org_slug":
            return org.slug
        model, via = route.view.org_objects[match["name"]]
        row = model._default_manager.filter(**{via: org}).order_by("pk").first()
        return str((row or factories.make_object(model, org)).pk)

    return "/" + _PARAM.sub(fill, route.route)


def walk(client: Client, org: Organization):
    """(what, response) for every answer a member of ``org`` can ask for."""
    yield "portfolio", client.get("/")
    yield "portfolio (htmx)", client.get("/?q=a", **HTMX)
    for route in org_routes():
        if "GET" not in route.methods:
            continue
        url = url_for(route, org)
        yield url, client.get(url)
        yield f"{url} (htmx)", client.get(url, **HTMX)
        for fmt in DOWNLOAD_FORMATS.get(route.route, []):
            yield f"{url}?format={fmt}", client.get(f"{url}?format={fmt}")
    channel = Channel.objects.filter(organization=org).order_by("pk").first()
    yield "what-if", client.post(f"/o/{org.slug}/campaigns/whatif/", {
        "name": "Noël", "channel": channel.pk, "start": "2026-12-01", "end": "2026-12-20",
        "baseline_orders": "300", "mechanic": "percent_off", "discount_rate": "20", "discount_amount": "0",
        "buy": "1", "get": "1", "get_discount": "100", "scope": "catalogue", "uplift": "50",
        "ad_spend": "1000", "creative_cost": "0", "setup_cost": "0",
    }, **HTMX)


@pytest.fixture
def marked_and_other(db):
    """Two demo-like businesses with a consultant in common; the first is marked everywhere."""
    marked = factories.make_org(slug="lumiere-et-cire", name="Lumière & Cire")
    other = factories.make_org(slug="savonnerie-du-marais", name="Savonnerie du Marais")
    consultant = factories.make_user_in(marked, Role.CONSULTANT)
    factories.make_user_in(other, Role.CONSULTANT, user=consultant)
    for org in (marked, other):
        seed_business(org)
        fill_every_table(org)
    assert mark_free_text(marked, MARKER) >= 40
    marked.slug = f"{MARKER.lower()}-shop"
    marked.save(update_fields=["slug"])
    # Only the marked organisation's own people: the consultant is rightly seen by both.
    only_marked = Membership.objects.filter(organization=marked).exclude(user=consultant).values("user_id")
    User.objects.filter(pk__in=only_marked).update(first_name=MARKER, last_name=MARKER)
    # What is computed from the names (signals, snapshots, review summaries) is computed again.
    kpis_recompute(organization_id=marked.pk)
    for review in marked.weekly_reviews.all():
        try:
            review_summary_refresh(review=review)
        except ReviewLocked:
            pass
    return marked, other


def test_the_marker_of_one_organisation_never_reaches_another(marked_and_other):
    marked, other = marked_and_other
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(factories.make_user_in(other, Role.OWNER))
    seen = []
    for what, response in walk(client, other):
        assert response.status_code in {200, 286, 302}, (what, response.status_code)
        assert not marker_in(response), f"{MARKER} of {marked.slug} reached {what}"
        if response.status_code != 302 and not response.streaming:
            assert_satisfies_the_policy(response, what)
        seen.append(what)
    get_routes = [r for r in org_routes() if "GET" in r.methods]
    assert len(seen) == 3 + 2 * len(get_routes) + sum(map(len, DOWNLOAD_FORMATS.values()))


def test_the_marker_shows_to_its_own_organisation(marked_and_other):
    """The control: the walk finds the marker where it was written, downloads included."""
    marked, _other = marked_and_other
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(factories.make_user_in(marked, Role.OWNER))
    found = {what for what, response in walk(client, marked) if marker_in(response)}
    base = f"/o/{marked.slug}"
    review = marked.weekly_reviews.order_by("pk").first()
    for expected in [f"{base}/", f"{base}/campaigns/", f"{base}/campaigns/catalogue/", f"{base}/capacity/",
                     f"{base}/members/", f"{base}/kpis/imports/", f"{base}/kpis/codes/",
                     f"{base}/kpis/reviews/{review.pk}/", f"{base}/kpis/reviews/{review.pk}/export/?format=csv",
                     f"{base}/kpis/reviews/{review.pk}/export/?format=xlsx",
                     f"{base}/kpis/reviews/{review.pk}/export/?format=pdf", f"{base}/export/?format=json",
                     f"{base}/export/?format=csv", "portfolio"]:
        assert expected in found, expected
    assert len(found) > 40
