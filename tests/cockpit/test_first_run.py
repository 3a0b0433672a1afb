"""The guided first run: five steps from nothing to a first promotion's margin, each linking to
the next, skippable and resumed; and the fixes a new shop owner met on the way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from campaigns.models import Campaign, CostProfile, Product
from cockpit.first_run import first_run_state
from cockpit.models import FirstRun
from plannerist.models import Role
from sales.models import Channel, DailyActual
from tests.factories import make_channel, make_org, make_product, make_user_in

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def new_org(db):
    return make_org(name="Atelier Neuf", vat_rate=D("0.055"))


@pytest.fixture
def new_owner(new_org):
    return make_user_in(new_org, Role.OWNER)


# ---------------------------------------------------------------- the fixes of the issue


def test_a_new_product_starts_from_the_organisations_vat_rate(new_org, new_owner, client_for):
    html = client_for(new_owner, **EN).get(f"/o/{new_org.slug}/campaigns/catalogue/").content.decode()
    assert 'name="vat_rate" value="5.5"' in html


def test_new_campaign_without_a_channel_says_so_and_links_to_creating_one(new_org, new_owner, client_for):
    client = client_for(new_owner, **EN)
    html = client.get(f"/o/{new_org.slug}/campaigns/new/").content.decode()
    assert 'id="no-channel"' in html and f'href="/o/{new_org.slug}/start/channel/"' in html
    make_channel(new_org)
    assert 'id="no-channel"' not in client.get(f"/o/{new_org.slug}/campaigns/new/").content.decode()


def test_the_empty_dashboards_hint_links_to_importing_and_typing_a_day(new_org, new_owner, client_for):
    html = client_for(new_owner, **EN).get(f"/o/{new_org.slug}/").content.decode()
    assert f'<a href="/o/{new_org.slug}/kpis/imports/">import orders</a>' in html
    assert f'<a href="/o/{new_org.slug}/kpis/today/">type a day' in html


def test_every_channel_cost_field_has_a_one_line_help(new_org, new_owner, client_for):
    channel = make_channel(new_org)
    html = client_for(new_owner, **EN).get(f"/o/{new_org.slug}/campaigns/catalogue/channels/{channel.pk}/").content.decode()
    assert html.count('class="help"') == 12
    assert "What the carrier charges you per order" in html


# ---------------------------------------------------------------- the guide


def test_the_dashboard_shows_the_checklist_until_skipped_and_the_guide_resumes(new_org, new_owner, client_for):
    client = client_for(new_owner, **EN)
    html = client.get(f"/o/{new_org.slug}/").content.decode()
    assert 'id="first-run"' in html and "0 of 5 done" in html
    assert f'href="/o/{new_org.slug}/start/business/"' in html
    assert client.post(f"/o/{new_org.slug}/start/skip/").status_code == 302
    html = client.get(f"/o/{new_org.slug}/").content.decode()
    assert 'id="first-run"' not in html and "Resume the guided start" in html
    client.post(f"/o/{new_org.slug}/start/skip/", {"resume": "1"})
    assert 'id="first-run"' in client.get(f"/o/{new_org.slug}/").content.decode()


def test_the_state_is_read_in_one_query(new_org, django_assert_num_queries):
    make_product(new_org)
    with django_assert_num_queries(1):
        state = first_run_state(new_org)
    assert [s.done for s in state.steps] == [False, True, False, False, False]
    assert state.next_step.key == "business" and state.after("business").key == "channel"


def test_the_five_steps_walked_by_hand_end_on_the_promotions_margin(new_org, new_owner, client_for):
    client = client_for(new_owner, **EN)
    slug = new_org.slug
    page = client.get(f"/o/{slug}/start/business/").content.decode()
    assert 'value="Atelier Neuf"' in page and 'name="vat_rate" value="5.5"' in page  # prefilled
    answer = client.post(f"/o/{slug}/start/business/", {
        "name": "Atelier Neuf", "country": "FR", "currency": "EUR", "timezone": "Europe/Paris",
        "vat_rate": "20", "prices_include_vat": "on"})
    assert answer.status_code == 302 and answer["Location"] == f"/o/{slug}/start/catalogue/"
    new_org.refresh_from_db()
    assert new_org.vat_rate == D("0.2") and FirstRun.objects.get(organization=new_org).business_confirmed_at

    answer = client.post(f"/o/{slug}/start/catalogue/", {
        "form": "typed", "vat_rate": "20", "name_0": "Bougie figue", "price_0": "24", "cost_0": "6",
        "name_1": "Bougie figue", "price_1": "30", "cost_1": "8"})
    assert answer["Location"] == f"/o/{slug}/start/channel/"
    assert sorted(Product.objects.filter(organization=new_org).values_list("sku", flat=True)) == [
        "BOUGIE-FIGUE", "BOUGIE-FIGUE-2"]

    page = client.get(f"/o/{slug}/start/channel/").content.decode()
    assert 'data-values="{&quot;payment_fee_rate&quot;: &quot;1.5&quot;, &quot;payment_fee_fixed&quot;: &quot;0.25&quot;}"' in page
    prefilled = client.get(f"/o/{slug}/start/channel/?payment_preset=paypal&carrier_preset=colissimo_home_1kg")
    assert 'name="payment_fee_rate" value="2.9"' in prefilled.content.decode()
    assert 'name="shipping_cost" value="8.25"' in prefilled.content.decode()
    costs = {"units_per_order": "1.2", "shipping_fee": "4.90", "shipping_cost": "8.25", "packaging_cost": "0.80",
             "payment_fee_rate": "1.5", "payment_fee_fixed": "0.25", "commission_rate": "0", "return_rate": "3",
             "return_cost": "6", "return_recovery": "80", "support_contacts": "0.1", "support_cost_per_contact": "2"}
    answer = client.post(f"/o/{slug}/start/channel/", {"name": "Boutique", "kind": "web_shop", **costs})
    assert answer["Location"] == f"/o/{slug}/start/history/"
    profile = CostProfile.objects.get(channel__organization=new_org)
    assert profile.payment_fee_rate == D("0.015") and profile.shipping_cost == D("8.25")

    client.post(f"/o/{slug}/kpis/today/", {"date": (new_org.today() - dt.timedelta(days=1)).isoformat(),
                                           "orders": "12", "paid_incl_vat": "480"})
    assert DailyActual.objects.filter(organization=new_org).exists()
    state = first_run_state(new_org)
    assert state.done_count == 4 and state.next_step.key == "promotion"

    page = client.get(f"/o/{slug}/start/promotion/").content.decode()
    assert 'value="My first promotion"' in page and "On Boutique." in page
    start = new_org.today() + dt.timedelta(days=7 - new_org.today().weekday())
    answer = client.post(f"/o/{slug}/start/promotion/", {
        "name": "Soldes d'hiver", "discount_rate": "15", "start": start.isoformat(),
        "end": (start + dt.timedelta(days=13)).isoformat()})
    campaign = Campaign.objects.get(organization=new_org)
    assert answer["Location"] == f"/o/{slug}/campaigns/{campaign.pk}/"
    assert campaign.discount_rate == D("0.15") and campaign.uplift == D("0.3") and campaign.owner == new_owner
    page = client.get(answer["Location"]).content.decode()
    assert "Margin per order" in page or "margin per order" in page
    assert first_run_state(new_org).complete
    assert 'id="first-run"' not in client.get(f"/o/{slug}/").content.decode()


def test_a_half_typed_product_row_is_refused_naming_the_row(new_org, new_owner, client_for):
    answer = client_for(new_owner, **EN).post(f"/o/{new_org.slug}/start/catalogue/", {
        "form": "typed", "vat_rate": "20", "name_0": "Bougie", "price_0": "24", "cost_0": "6",
        "name_2": "Savon", "price_2": "8"})
    assert answer.status_code == 400 and "Row 3: type its name, price and unit cost" in answer.content.decode()
    assert not Product.objects.filter(organization=new_org).exists()


def test_a_channel_name_taken_is_a_400_naming_it(new_org, new_owner, client_for):
    Channel.objects.create(organization=new_org, name="Boutique")
    answer = client_for(new_owner, **EN).post(f"/o/{new_org.slug}/start/channel/", {"name": "Boutique", "kind": "web_shop"})
    assert answer.status_code == 400 and "A channel is already called “Boutique”" in answer.content.decode()


def test_a_viewer_reads_the_steps_but_cannot_save_them(new_org, client_for):
    viewer = make_user_in(new_org, Role.VIEWER)
    client = client_for(viewer, **EN)
    assert "Only an owner changes" in client.get(f"/o/{new_org.slug}/start/business/").content.decode()
    assert client.post(f"/o/{new_org.slug}/start/business/", {"name": "X"}).status_code == 403
    assert client.post(f"/o/{new_org.slug}/start/promotion/", {}).status_code == 403


def test_another_organisations_guide_answers_404(new_org, new_owner, client_for):
    other = make_org()
    client = client_for(new_owner, **EN)
    for path in ("start/", "start/business/", "start/channel/", "start/promotion/"):
        assert client.get(f"/o/{other.slug}/{path}").status_code == 404
    assert client.post(f"/o/{other.slug}/start/skip/").status_code == 404


def _imported(client, org) -> str:
    """Import the tiny shop's file through the pages; the finished import's page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sales.models import ImportBatch
    from tests.kpis.factories import TINY_SHOP

    upload = SimpleUploadedFile("tiny.csv", TINY_SHOP.encode(), content_type="text/csv")
    client.post(f"/o/{org.slug}/kpis/imports/", {"format": "generic", "files": [upload]})
    batch = ImportBatch.objects.get(organization=org)
    answer = client.post(f"/o/{org.slug}/kpis/imports/{batch.pk}/confirm/")
    return client.get(answer["Location"]).content.decode()


def test_a_finished_import_leads_back_to_the_guides_next_step_before_the_missing_products(
        new_org, new_owner, client_for):
    client = client_for(new_owner, **EN)
    FirstRun.objects.update_or_create(organization=new_org, defaults={"business_confirmed_at": dt.datetime.now(dt.UTC)})
    page = _imported(client, new_org)
    link = f'<a class="button primary" href="/o/{new_org.slug}/start/catalogue/">Guided start, next: Your products and their costs →</a>'
    assert link in page
    assert page.index('id="first-run-next"') < page.index('id="missing-products"')  # the guide first


def test_a_finished_import_shows_no_guide_once_it_is_skipped(new_org, new_owner, client_for):
    client = client_for(new_owner, **EN)
    client.post(f"/o/{new_org.slug}/start/skip/")
    page = _imported(client, new_org)
    assert 'id="missing-products"' in page and 'id="first-run-next"' not in page


def test_the_catalogue_step_sends_straight_to_the_import_page(new_org, new_owner, client_for):
    page = client_for(new_owner, **EN).get(f"/o/{new_org.slug}/start/catalogue/").content.decode()
    assert f'<a class="button primary" href="/o/{new_org.slug}/kpis/imports/">Import an order export</a>' in page


def test_the_channel_step_prefills_the_units_per_order_from_the_imported_orders(new_org, new_owner, client_for):
    from django.utils import timezone

    from sales.models import ImportedOrder

    client = client_for(new_owner, **EN)
    assert 'name="units_per_order" value="1"' in client.get(f"/o/{new_org.slug}/start/channel/").content.decode()
    for number, (units, cancelled) in enumerate([(2, False), (1, False), (3, False), (9, True)]):
        ImportedOrder.objects.create(organization=new_org, order_id=f"#{number}", ordered_at=timezone.now(),
                                     units=D(units), cancelled=cancelled, currency="EUR", source_format="shopify")
    page = client.get(f"/o/{new_org.slug}/start/channel/").content.decode()
    assert 'name="units_per_order" value="2.00"' in page  # (2 + 1 + 3) / 3, the cancelled order aside
