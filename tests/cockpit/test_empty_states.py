"""Issue 15, empty states: a page of a new organisation with nothing in it says what is missing
and links to the step that fills it (and shows no link to a viewer, who cannot fill it)."""

from __future__ import annotations

import re

import pytest

from plannerist.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

# page → (the empty state's id, what it says, the links that fill it)
EMPTY = {
    "campaigns/catalogue/": [
        ("no-product", "no margin can be computed", ["#add-product", "/start/catalogue/"]),
        ("no-channel", "costs per order", ["/start/channel/"]),
    ],
    "forecast/": [("no-forecast", "No forecast yet", ["/kpis/imports/", "/kpis/today/"])],
    "kpis/reviews/": [("no-review", "No review yet", ["#prepare-title"])],
    "campaigns/": [(None, "No campaign yet", ["/campaigns/new/"])],
}


def _state(html: str, id_: str | None, text: str) -> str:
    if id_ is None:
        found = re.search(r"<tr><td[^>]*>[^<]*" + re.escape(text) + r".*?</tr>", html, re.S)
    else:
        found = re.search(r'<(\w+)[^>]*\bid="' + id_ + r'"[^>]*>(.*?)</\1>', html, re.S)
    assert found, f"no empty state {id_ or text!r}"
    return found[0]


@pytest.mark.parametrize("page", list(EMPTY))
def test_an_empty_page_says_what_is_missing_and_links_to_what_fills_it(org, client_for, page):
    owner = factories.make_user_in(org, Role.OWNER)
    html = client_for(owner, **EN).get(f"/o/{org.slug}/{page}").content.decode()
    for id_, text, links in EMPTY[page]:
        state = _state(html, id_, text)
        assert text in state
        hrefs = re.findall(r'href="([^"]+)"', state)
        for link in links:
            assert any(href.endswith(link) for href in hrefs), (page, link, hrefs)
            if link.startswith("#"):  # the anchor is on the page
                assert f'id="{link[1:]}"' in html


def test_a_viewer_sees_what_is_missing_without_links_to_fill_it(org, client_for):
    viewer = factories.make_user_in(org, Role.VIEWER)
    html = client_for(viewer, **EN).get(f"/o/{org.slug}/campaigns/catalogue/").content.decode()
    for id_ in ("no-product", "no-channel"):
        assert "href" not in _state(html, id_, "")


def test_the_empty_states_are_french_for_a_french_organisation(org, client_for):
    owner = factories.make_user_in(org, Role.OWNER)
    html = client_for(owner).get(f"/o/{org.slug}/campaigns/catalogue/").content.decode()
    assert "aucune marge ne peut être calculée" in html.replace("&#x27;", "'")
