"""The French promotion rules in the product: the price history from the imports, the checks
in the what-if and in the approval evidence, FR and EN, never blocking a save.

Rules and sources (see campaigns/engine/french_rules.py): reference price, Code de la
consommation art. L112-1-1 (ordonnance n° 2021-1734, EU directive 2019/2161); resale below
cost, Code de commerce art. L442-5; sales periods, Code de commerce art. L310-3, D310-15-2
and D310-15-3 (dates as published by economie.gouv.fr and service-public.fr).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from campaigns import law
from campaigns.models import Campaign, ProductPrice, PromotionSettings
from campaigns.price_history import product_prices_record
from plannerist.models import Role
from sales import services as sales_services
from tests import factories
from tests.kpis.factories import GENERIC_HEADER, csv_file

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


@pytest.fixture
def candle(org):
    return factories.make_product(org, sku="BOUG-1", name="Bougie figue", price=Decimal("30.00"),
                                  unit_cost=Decimal("9.00"), vat_rate=Decimal("0.20"))


@pytest.fixture
def web(org):
    return factories.make_channel(org)


def plan(channel, **overrides) -> dict:
    data = {
        "name": "Fête des mères", "objective": "", "channel": channel.pk, "start": "2026-05-20", "end": "2026-05-31",
        "baseline_orders": "300", "mechanic": "percent_off", "discount_rate": "20", "discount_amount": "0",
        "buy": "1", "get": "1", "get_discount": "100", "scope": "catalogue", "uplift": "50",
        "ad_spend": "0", "creative_cost": "0", "setup_cost": "0",
    }
    return {**data, **overrides}


def whatif(client, org, data, **headers) -> str:
    response = client.post(f"/o/{org.slug}/campaigns/whatif/", data, HTTP_HX_REQUEST="true", **headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="law"' in html
    return html


# --- the price history ----------------------------------------------------------------


def test_an_import_records_the_lowest_unit_price_charged_per_product_and_day(org, candle):
    text = GENERIC_HEADER + (
        "A1;01/04/2026 10:00;BOUG-1;x;2;30,00;;;;;;;;;\n"
        "A2;01/04/2026 11:00;BOUG-1;x;1;24,00;;;;;;;;;\n"
        "A3;02/04/2026 09:00;BOUG-1;x;1;30,00;;;;;;;;;\n"
        "A4;02/04/2026 10:00;BOUG-1;x;1;12,00;;;;;;cancelled;;;\n"
        "A5;02/04/2026 11:00;UNKNOWN;x;1;5,00;;;;;;;;;\n"
    )
    outcome = sales_services.orders_import(organization=org, files=[csv_file("orders.csv", text)], format="generic")
    assert not outcome.errors
    prices = dict(ProductPrice.objects.filter(organization=org).values_list("date", "unit_price"))
    # the lowest of the day; a cancelled order charged nothing; an SKU not in the catalogue is skipped
    assert prices == {dt.date(2026, 4, 1): Decimal("24.00"), dt.date(2026, 4, 2): Decimal("30.00")}
    assert ProductPrice.objects.count() == 2


def test_a_day_recorded_again_keeps_the_lower_price_and_prices_excl_vat_convert(org, candle):
    product_prices_record(organization=org, rows=[("BOUG-1", dt.date(2026, 4, 1), 27.0)])
    product_prices_record(organization=org, rows=[("BOUG-1", dt.date(2026, 4, 1), 29.0)])
    assert ProductPrice.objects.get().unit_price == Decimal("27.00")
    org.prices_include_vat = False
    org.save()
    product_prices_record(organization=org, rows=[("BOUG-1", dt.date(2026, 4, 2), 24.0)])
    assert ProductPrice.objects.get(date=dt.date(2026, 4, 2)).unit_price == Decimal("20.00")


# --- the what-if ------------------------------------------------------------------------


def test_a_reduction_two_weeks_after_another_is_measured_from_the_promo_price(org, owner, candle, web, client_for):
    factories.make_campaign(org, channel=web, status=Campaign.Status.FINISHED, start=dt.date(2026, 5, 1),
                            end=dt.date(2026, 5, 10), discount_rate=Decimal("0.10"))
    for day in range(1, 11):
        ProductPrice.objects.create(organization=org, product=candle, date=dt.date(2026, 5, day), unit_price=Decimal("27"))
    client = client_for(owner)
    html = whatif(client, org, plan(web), **EN)
    assert "Bougie figue: announced −20%, but against the lowest price of the 30 days before (€27.00)" in html
    assert "the reduction is only −11%" in html and "art. L112-1-1" in html
    html = whatif(client, org, plan(web), **FR)
    assert "Bougie figue : annoncé −20\u00a0%" in html and "art. L112-1-1" in html
    assert "27,00" in html


def test_an_earlier_reduction_31_days_before_does_not_lower_the_reference(org, owner, candle, web, client_for):
    ProductPrice.objects.create(organization=org, product=candle, date=dt.date(2026, 4, 19), unit_price=Decimal("27"))
    html = whatif(client_for(owner), org, plan(web), **EN)
    assert "May be announced as typed" in html and "announced −20%" not in html


def test_a_discount_below_cost_outside_the_sales_warns_and_names_the_exceptions(org, owner, candle, web, client_for):
    client = client_for(owner)
    data = plan(web, discount_rate="70")  # 9 € incl. VAT = 7.50 € excl. VAT, below the 9 € cost
    html = whatif(client, org, data, **EN)
    assert "Bougie figue: €7.50 excl. VAT per unit, below its cost of €9.00, outside the sales periods" in html
    assert "Code de commerce, art. L442-5" in html and "end of season" in html and "perishable goods" in html
    html = whatif(client, org, data, **FR)
    assert "revente à perte" in html and "art. L442-5" in html and "fin de saison" in html


def test_below_cost_inside_the_winter_sales_is_not_warned(org, owner, candle, web, client_for):
    html = whatif(client_for(owner), org, plan(web, name="Soldes d'hiver", discount_rate="70",
                                               start="2026-01-07", end="2026-02-03"), **EN)
    assert "Within the winter sales (7 Jan 2026 – 3 Feb 2026)." in html
    assert "below its cost of" not in html and "May be announced as typed" in html


def test_a_campaign_named_soldes_in_april_is_warned_in_french_and_english(org, owner, candle, web, client_for):
    client = client_for(owner)
    data = plan(web, name="Soldes de printemps", start="2026-04-08", end="2026-04-20", discount_rate="10")
    html = whatif(client, org, data, **EN)
    assert "Outside the legal sales periods" in html
    assert "Named or described as “soldes” outside the legal sales periods" in html and "art. L310-3" in html
    html = whatif(client, org, data, **FR)
    assert "Hors des périodes de soldes" in html and "le mot « soldes »" in html and "art. L310-3" in html


def test_the_departement_moves_the_sales_period(org, owner, candle, web, client_for):
    data = plan(web, name="Soldes", start="2026-01-02", end="2026-01-20", discount_rate="10")
    client = client_for(owner)
    assert "Named or described as “soldes”" in whatif(client, org, data, **EN)
    PromotionSettings.objects.create(organization=org, departement="57")  # Moselle: from 2 January
    assert "Named or described as “soldes”" not in whatif(client, org, data, **EN)


def test_the_settings_form_saves_the_departement_and_refuses_a_bad_code(org, owner, client_for):
    client = client_for(owner)
    refused = client.post(f"/o/{org.slug}/campaigns/catalogue/promotion-settings/", {"departement": "9x"}, **EN)
    assert refused.status_code == 400 and "An INSEE département code" in refused.content.decode()
    client.post(f"/o/{org.slug}/campaigns/catalogue/promotion-settings/", {"departement": "2a"})
    assert PromotionSettings.objects.get(organization=org).departement == "2A"


def test_a_viewer_cannot_change_the_departement(org, viewer, client_for):
    response = client_for(viewer).post(f"/o/{org.slug}/campaigns/catalogue/promotion-settings/", {"departement": "57"})
    assert response.status_code == 403 and not PromotionSettings.objects.exists()


# --- saving and approving ------------------------------------------------------------------


def test_the_warnings_never_block_saving(org, owner, candle, web, client_for):
    client_for(owner).post(f"/o/{org.slug}/campaigns/new/",
                           plan(web, name="Soldes de printemps", start="2026-04-08", end="2026-04-20", discount_rate="70"))
    assert Campaign.objects.filter(organization=org, name="Soldes de printemps").exists()


def test_operations_see_the_warnings_in_the_approval_evidence(org, candle, web, client_for):
    marketing = factories.make_user_in(org, Role.MARKETING)
    operations = factories.make_user_in(org, Role.OPERATIONS)
    campaign = factories.make_campaign(org, channel=web, name="Soldes de printemps", status=Campaign.Status.PLANNED,
                                       owner=marketing, start=dt.date(2026, 4, 8), end=dt.date(2026, 4, 20),
                                       discount_rate=Decimal("0.70"))
    html = client_for(operations, **EN).get(f"/o/{org.slug}/campaigns/{campaign.pk}/").content.decode()
    approval = html[html.index('id="approval"'):html.index('id="comments"')]
    assert 'value="approved"' in approval
    assert "art. L310-3" in approval and "art. L442-5" in approval
    assert "the campaign can still be saved and approved" in approval
    html = client_for(operations, **FR).get(f"/o/{org.slug}/campaigns/{campaign.pk}/").content.decode()
    approval = html[html.index('id="approval"'):html.index('id="comments"')]
    assert "revente à perte" in approval and "art. L310-3" in approval


def test_a_strangers_campaign_whatif_is_still_a_404(org, other_org, candle, web, client_for):
    campaign = factories.make_campaign(org, channel=web)
    stranger = client_for(factories.make_user_in(other_org, Role.OWNER))
    assert stranger.get(f"/o/{org.slug}/campaigns/{campaign.pk}/").status_code == 404
    response = stranger.post(f"/o/{org.slug}/campaigns/{campaign.pk}/whatif/", plan(web), HTTP_HX_REQUEST="true")
    assert response.status_code == 404


def test_the_selector_reads_in_two_queries(org, candle, web, django_assert_num_queries):
    for _ in range(5):
        factories.make_product(org)
    factories.make_campaign(org, channel=web, status=Campaign.Status.FINISHED, start=dt.date(2026, 5, 1),
                            end=dt.date(2026, 5, 19), discount_rate=Decimal("0.10"))
    campaign = Campaign(organization=org, channel=web, start=dt.date(2026, 5, 20), end=dt.date(2026, 5, 31),
                        mechanic="percent_off", discount_rate=Decimal("0.2"))
    with django_assert_num_queries(2):
        result = law.promotion_law(campaign, organization=org, product_ids=[], start=campaign.start, end=campaign.end)
    assert len(result.products) == 6
    assert result.window_first == dt.date(2026, 4, 1)  # 30 days before the first of the two reductions


def test_the_demo_has_a_campaign_that_trips_each_rule(org):
    from campaigns import demo

    demo.seed(org, dt.date(2026, 12, 2), like="lumiere-et-cire")

    def law_of(name: str) -> law.PromotionLaw:
        c = Campaign.objects.get(organization=org, name=name)
        return law.promotion_law(c, organization=org, product_ids=[p.pk for p in c.products.all()], start=c.start,
                                 end=c.end, name=c.name, description=c.objective, exclude_campaign_id=c.pk)

    twenty = law_of("Diffuseurs −20 %")
    assert twenty.overstated and not twenty.below_cost and not twenty.sales.misuses_soldes
    assert law_of("Déstockage bougies premium −80 %").below_cost
    assert law_of("Soldes de printemps").sales.misuses_soldes
    assert law_of("Diffuseurs −10 %").lawful
