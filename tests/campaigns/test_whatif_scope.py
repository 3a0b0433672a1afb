"""A campaign on part of the catalogue says what its uplift applies to (issue 12, item 18)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests import factories
from tests.campaigns.test_views import plan_data, shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def soaps(org, shop):  # noqa: F811
    """38 % of the units sold are soaps (19 of 50 a month; the shop's candle sells 10)."""
    factories.make_product(org, category="Candles", units_per_month=Decimal("21"))
    return factories.make_product(org, category="Soaps", units_per_month=Decimal("19"))


@pytest.mark.parametrize(("language", "sentence"), [
    ("en", "+30% on the 38% of orders in scope: 798 → 889 orders."),
    ("fr", "+30\u00a0% sur les 38\u00a0% de commandes concernées : 798 → 889 commandes."),
])
def test_a_campaign_on_some_categories_says_what_its_uplift_applies_to(
    org, owner, shop, soaps, client_for, language, sentence,  # noqa: F811
):
    data = plan_data(shop, scope="categories", scope_categories=["Soaps"], uplift="30", baseline_orders="798")
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE=language).post(
        f"/o/{org.slug}/campaigns/whatif/", data, HTTP_HX_REQUEST="true")
    ev = response.context["ev"]
    assert float(ev.campaign.orders) == pytest.approx(798 * (1 + 0.38 * 0.30))
    assert f'<p id="scope-uplift">{sentence}</p>' in response.content.decode()


def test_a_saved_campaign_on_chosen_products_says_it_on_its_page(org, owner, shop, soaps, client_for):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, scope="products", uplift=Decimal("0.5"),
                                       baseline_orders=Decimal("1000"))
    campaign.products.set([soaps])
    html = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").get(f"/o/{org.slug}/campaigns/{campaign.pk}/").content.decode()
    assert '<p id="scope-uplift">+50% on the 38% of orders in scope: 1,000 → 1,190 orders.</p>' in html


def test_a_whole_catalogue_campaign_needs_no_such_sentence(org, owner, shop, client_for):  # noqa: F811
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/whatif/", plan_data(shop), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="scope-uplift"' not in response.content.decode()
