"""The campaign pages: the live what-if, saving, approvals, scenarios, the catalogue."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import Campaign, CostProfile, Scenario
from plannerist.models import Role
from plannerist.templatetags.plannerist import money0
from tests import factories

pytestmark = pytest.mark.django_db


def plan_data(channel, **overrides) -> dict:
    data = {
        "name": "Noël", "channel": channel.pk, "start": "2026-12-01", "end": "2026-12-20",
        "baseline_orders": "300", "mechanic": "percent_off", "discount_rate": "20", "discount_amount": "0",
        "buy": "1", "get": "1", "get_discount": "100", "scope": "catalogue", "uplift": "50",
        "ad_spend": "1000", "creative_cost": "0", "setup_cost": "0",
    }
    return {**data, **overrides}


@pytest.fixture
def shop(org):
    """The contract's example order: 1.5 units at 30 € incl. VAT, cost 9 €, its cost profile."""
    factories.make_product(org, price=Decimal("30"), unit_cost=Decimal("9"), vat_rate=Decimal("0.20"))
    return factories.make_channel(
        org, units_per_order=Decimal("1.5"), shipping_fee=Decimal("4.90"), packaging_cost=Decimal("0.80"),
        shipping_cost=Decimal("6.50"), payment_fee_rate=Decimal("0.014"), payment_fee_fixed=Decimal("0.25"),
        return_rate=Decimal("0.05"), return_cost=Decimal("8"), return_recovery=Decimal("0.8"),
        support_contacts=Decimal("0.10"), support_cost_per_contact=Decimal("3.50"),
    )


def test_the_whatif_returns_only_the_result_partial_with_the_contract_numbers(org, owner, shop, client_for):
    response = client_for(owner).post(
        f"/o/{org.slug}/campaigns/whatif/", plan_data(shop), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="result"' in html
    ev = response.context["ev"]
    # economics.md §1 worked example: margin 10.5466 per campaign order, −1,517.715 incremental
    assert float(ev.per_order_campaign.margin) == pytest.approx(10.5466, abs=1e-4)
    assert float(ev.incremental.margin) == pytest.approx(-1517.715, abs=1e-3)
    assert "Needs +98% orders to break even; you expect +50%." in html
    assert "Loses margin" in html


def test_typing_a_smaller_discount_changes_the_verdict_without_saving(org, owner, shop, client_for):
    client = client_for(owner)
    response = client.post(f"/o/{org.slug}/campaigns/whatif/", plan_data(shop, discount_rate="5"), HTTP_HX_REQUEST="true")
    assert str(response.context["ev"].verdict) == "profitable"
    assert not Campaign.objects.exists()


def test_an_invalid_value_shows_the_fields_error_inline_not_a_500(org, owner, shop, client_for):
    response = client_for(owner).post(
        f"/o/{org.slug}/campaigns/whatif/", plan_data(shop, discount_rate="150", end="2026-11-01"),
        HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert response.status_code == 400  # swapped in all the same: the pages' htmx-config swaps a 400
    assert "Correct the highlighted fields" in html
    assert "Discount (%): Ensure this value is less than or equal to 100." in html
    assert "End: The campaign ends before it starts." in html
    assert 'id="margin-per-order"' not in html


def test_a_viewer_may_play_with_the_whatif_but_not_save(org, shop, client_for):
    client = client_for(factories.make_user_in(org, Role.VIEWER))
    assert client.post(f"/o/{org.slug}/campaigns/whatif/", plan_data(shop), HTTP_HX_REQUEST="true").status_code == 200
    assert client.post(f"/o/{org.slug}/campaigns/new/", plan_data(shop)).status_code == 403
    assert not Campaign.objects.exists()


def test_marketing_saves_a_campaign_with_its_products_in_scope(org, shop, client_for):
    marketer = factories.make_user_in(org, Role.MARKETING)
    candle = factories.make_product(org)
    response = client_for(marketer).post(
        f"/o/{org.slug}/campaigns/new/", plan_data(shop, scope="products", products=[candle.pk])
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/campaigns/{campaign.pk}/")
    assert campaign.discount_rate == Decimal("0.2000") and campaign.uplift == Decimal("0.5000")
    assert list(campaign.products.all()) == [candle] and campaign.owner == marketer


def test_a_scope_of_products_needs_a_product(org, owner, shop, client_for):
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/new/", plan_data(shop, scope="products"))
    assert response.status_code == 400 and "products" in response.context["form"].errors


def test_the_campaign_page_shows_the_saved_campaigns_result(org, owner, shop, client_for):
    campaign = factories.make_campaign(org, channel=shop, ad_spend=Decimal("1000"))
    response = client_for(owner).get(f"/o/{org.slug}/campaigns/{campaign.pk}/")
    assert float(response.context["ev"].incremental.margin) == pytest.approx(-1517.715, abs=1e-3)
    assert 'id="chart-waterfall"' in response.content.decode()


def test_operations_approves_what_marketing_proposed(org, shop, client_for):
    campaign = factories.make_campaign(org, channel=shop)
    marketing = client_for(factories.make_user_in(org, Role.MARKETING))
    operations = client_for(factories.make_user_in(org, Role.OPERATIONS))
    url = f"/o/{org.slug}/campaigns/{campaign.pk}/status/"
    marketing.post(url, {"status": "planned"})
    marketing.post(url, {"status": "approved"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PLANNED  # marketing cannot approve its own promo
    operations.post(url, {"status": "approved"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.APPROVED


def test_changing_an_approved_campaigns_economics_sends_it_back_for_approval(org, owner, shop, client_for):
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.APPROVED)
    client_for(owner).post(f"/o/{org.slug}/campaigns/{campaign.pk}/", plan_data(shop, name=campaign.name, discount_rate="30"))
    campaign.refresh_from_db()
    assert campaign.discount_rate == Decimal("0.3000") and campaign.status == Campaign.Status.PLANNED


def test_scenarios_are_compared_and_the_best_is_highlighted(org, owner, shop, client_for):
    campaign = factories.make_campaign(org, channel=shop, ad_spend=Decimal("1000"))
    factories.make_scenario(org, campaign=campaign, mechanic="percent_off", discount_rate=Decimal("0.05"), uplift=Decimal("0.5"))
    response = client_for(owner).get(f"/o/{org.slug}/campaigns/{campaign.pk}/scenarios/")
    comparison = response.context["comparison"]
    assert [r["scenario"] is None for r in comparison.rows] == [True, False]
    assert comparison.best == 1 and comparison.rows[1]["incremental_margin"] > comparison.rows[0]["incremental_margin"]
    assert 'class="best"' in response.content.decode()


def test_choosing_a_scenario_makes_it_the_campaigns_plan(org, owner, shop, client_for):
    campaign = factories.make_campaign(org, channel=shop)
    scenario = factories.make_scenario(org, campaign=campaign, mechanic="free_shipping", uplift=Decimal("0.25"))
    client_for(owner).post(f"/o/{org.slug}/campaigns/scenarios/{scenario.pk}/choose/")
    campaign.refresh_from_db()
    assert campaign.mechanic == "free_shipping" and campaign.uplift == Decimal("0.25")
    assert Scenario.objects.get(pk=scenario.pk).chosen


def test_a_new_scenario_copies_the_campaign(org, owner, shop, client_for):
    campaign = factories.make_campaign(org, channel=shop)
    client_for(owner).post(f"/o/{org.slug}/campaigns/{campaign.pk}/scenarios/", {"name": "Deeper"})
    scenario = campaign.scenarios.get()
    assert scenario.name == "Deeper" and scenario.discount_rate == campaign.discount_rate


def test_the_list_shows_each_campaigns_verdict_in_constant_queries(org, owner, shop, client_for, django_assert_max_num_queries):
    client = client_for(owner)
    factories.make_campaign(org, channel=shop)
    with django_assert_max_num_queries(12) as one:
        client.get(f"/o/{org.slug}/campaigns/")
    for _ in range(9):
        factories.make_campaign(org, channel=shop)
    with django_assert_max_num_queries(len(one.captured_queries) + 10):
        response = client.get(f"/o/{org.slug}/campaigns/")
    assert len(response.context["rows"]) == 10
    assert {r["verdict"] for r in response.context["rows"]} == {"loses_margin"}


def test_operations_edits_a_channels_costs_and_marketing_cannot(org, shop, client_for):
    url = f"/o/{org.slug}/campaigns/catalogue/channels/{shop.pk}/"
    data = {"units_per_order": "1.2", "shipping_fee": "0", "shipping_cost": "7", "packaging_cost": "1",
            "payment_fee_rate": "1.5", "payment_fee_fixed": "0.25", "commission_rate": "0", "return_rate": "4",
            "return_cost": "8", "return_recovery": "80", "support_contacts": "0.1", "support_cost_per_contact": "3"}
    assert client_for(factories.make_user_in(org, Role.MARKETING)).post(url, data).status_code == 403
    client_for(factories.make_user_in(org, Role.OPERATIONS)).post(url, data)
    profile = CostProfile.objects.get(channel=shop)
    assert profile.payment_fee_rate == Decimal("0.0150") and profile.shipping_cost == Decimal("7.00")


def test_a_duplicate_sku_is_refused_on_the_field(org, owner, client_for):
    factories.make_product(org, sku="CANDLE")
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/catalogue/", {
        "sku": "CANDLE", "name": "x", "category": "", "price": "10", "vat_rate": "20", "unit_cost": "2",
        "units_per_month": "1", "active": "on"})
    assert response.status_code == 400 and "sku" in response.context["form"].errors


def test_without_a_typed_baseline_the_campaign_uses_the_actuals_on_the_same_weekdays(org, owner, shop, client_for):
    import datetime as dt

    from sales.models import DailyActual

    start = dt.date(2026, 12, 7)  # a Monday; the campaign runs one whole week
    DailyActual.objects.bulk_create([
        DailyActual(organization=org, date=start - dt.timedelta(days=d), orders=Decimal(20 if (start - dt.timedelta(days=d)).weekday() >= 5 else 10))
        for d in range(1, 57)
    ])
    campaign = factories.make_campaign(org, channel=shop, start=start, end=start + dt.timedelta(days=6), baseline_orders=None)
    economics = client_for(owner).get(f"/o/{org.slug}/campaigns/{campaign.pk}/").context["economics"]
    assert economics.baseline.source == "actuals"
    assert economics.baseline.orders == pytest.approx(5 * 10 + 2 * 20)


def test_the_campaign_page_takes_the_cost_to_deliver_out_of_the_margin(org, owner, shop, client_for):
    from capacity.models import CapacityPlan
    from tests.capacity.factories import make_resource, make_staff

    CapacityPlan.objects.create(organization=org, baseline_source="typed", orders_per_day=Decimal("40"),
                                weekday_profile=[1] * 7)
    make_staff(make_resource(org, minutes_per_order=Decimal("6"), extra_hourly_cost=Decimal("25")), hours=[5] * 5 + [0, 0])
    campaign = factories.make_campaign(org, channel=shop, status="approved")
    response = client_for(owner).get(f"/o/{org.slug}/campaigns/{campaign.pk}/")
    cost = response.context["capacity_cost"]
    assert cost.extra_cost_caused > 0 and cost.extra_hours_caused > 0
    assert response.context["margin_after_capacity"] == pytest.approx(
        float(response.context["ev"].incremental.margin) - cost.extra_cost_caused)
    assert 'id="margin-after-capacity"' in response.content.decode()


def test_the_list_reads_the_actuals_once_whatever_the_number_of_untyped_campaigns(
    org, owner, shop, client_for, django_assert_num_queries, django_assert_max_num_queries
):
    import datetime as dt

    from sales.models import DailyActual

    DailyActual.objects.create(organization=org, date=dt.date(2026, 11, 20), orders=Decimal("12"))
    client = client_for(owner)
    factories.make_campaign(org, channel=shop, baseline_orders=None)
    with django_assert_max_num_queries(50) as one:
        client.get(f"/o/{org.slug}/campaigns/")
    for _ in range(5):
        factories.make_campaign(org, channel=shop, baseline_orders=None)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(f"/o/{org.slug}/campaigns/")
    # 12 orders a day over the 20 days of each campaign, +50 %: 360 orders each.
    assert [row["orders"] for row in response.context["rows"]] == [pytest.approx(360)] * 6


def _remember(org, entries):
    """A stored refit whose promotion memory measured ``entries``: (campaign, orders,
    counterfactual, dip share)."""
    from django.utils import timezone

    from campaigns.selectors import campaign_kind
    from forecasting.models import Forecast

    def kind(c) -> dict:  # as the refit stores it beside each entry
        mechanic, band = campaign_kind(c.mechanic, float(c.discount_rate))
        return {"mechanic": mechanic, "depth_band": band}

    Forecast.objects.update_or_create(organization=org, defaults={
        "fitted_at": timezone.now(), "fitted_for": org.today(), "method": "holt_winters", "history_days": 400,
        "promotions": {"pooled": [], "campaigns": [
            {"id": c.pk, "name": c.name, "orders": orders, "baseline_orders": base, "uplift": orders / base - 1,
             "dip_share": dip, "projected": None, **kind(c)} for c, orders, base, dip in entries]}})


def test_the_break_even_sentence_says_what_past_campaigns_of_the_kind_gave_back(org, owner, shop, client_for):
    import datetime as dt

    past = dict(channel=shop, start=dt.date(2025, 11, 1), end=dt.date(2025, 11, 7), status="finished")
    twenty_a = factories.make_campaign(org, discount_rate=Decimal("0.20"), **past)
    twenty_b = factories.make_campaign(org, discount_rate=Decimal("0.25"), **past)
    shipping = factories.make_campaign(org, mechanic="free_shipping", discount_rate=Decimal("0"), **past)
    client = client_for(owner)

    def whatif():
        response = client.post(f"/o/{org.slug}/campaigns/whatif/", plan_data(shop), HTTP_HX_REQUEST="true",
                               HTTP_ACCEPT_LANGUAGE="en")
        return response, response.content.decode()

    # One campaign of the kind: nothing pooled, nothing said.
    _remember(org, [(twenty_a, 150, 100.0, 0.2), (shipping, 200, 100.0, 0.9)])
    assert 'id="dip-sentence"' not in whatif()[1]
    # Two (15–30 % off): 50 extra orders of which 10 given back, 100 of which 50: 60 ÷ 150 = 40 %;
    # the free-shipping campaign's 90 % is another kind's.
    _remember(org, [(twenty_a, 150, 100.0, 0.2), (twenty_b, 300, 200.0, 0.5), (shipping, 200, 100.0, 0.9)])
    response, html = whatif()
    assert "gave back about 40% of their extra orders in the 14 days after" in html.replace("\xa0", "")
    ev = response.context["ev"]
    # 300 × 50 % = 150 extra orders, 40 % of them given back at a full-price order's margin.
    net = float(ev.incremental.margin) - 0.4 * 150 * float(ev.per_order_baseline.margin)
    assert response.context["margin_net_of_dip"] == pytest.approx(net)
    assert float(ev.per_order_baseline.margin) > 0 and response.context["margin_net_of_dip"] < float(ev.incremental.margin)
    assert f"net of that dip is {money0(net, 'EUR')}" in html
    french = client.post(f"/o/{org.slug}/campaigns/whatif/", plan_data(shop), HTTP_HX_REQUEST="true").content.decode()
    assert "ont rendu environ 40" in french
    # Nothing given back: no sentence.
    _remember(org, [(twenty_a, 150, 100.0, 0.0), (twenty_b, 300, 200.0, 0.0)])
    assert 'id="dip-sentence"' not in whatif()[1] and "Needs" in whatif()[1]


def test_the_pooled_dip_is_read_in_one_query_from_the_kinds_stored_beside_each_entry(
    org, shop, django_assert_num_queries
):
    import datetime as dt

    from campaigns.selectors import pooled_dip

    past = dict(channel=shop, start=dt.date(2025, 11, 1), end=dt.date(2025, 11, 7), status="finished")
    twenty_a = factories.make_campaign(org, discount_rate=Decimal("0.20"), **past)
    twenty_b = factories.make_campaign(org, discount_rate=Decimal("0.25"), **past)
    deep = factories.make_campaign(org, discount_rate=Decimal("0.40"), **past)
    _remember(org, [(twenty_a, 150, 100.0, 0.2), (twenty_b, 300, 200.0, 0.5), (deep, 300, 100.0, 0.9)])
    with django_assert_num_queries(1):
        dip = pooled_dip(org, "percent_off", 0.2)
    assert dip == {"share": pytest.approx(60 / 150), "n": 2, "days": 14}
    assert pooled_dip(org, "percent_off", 0.4) is None  # one campaign of that band
