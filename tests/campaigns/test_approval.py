"""Marketing proposes, operations approves or sends back with a comment; comments; the audit log."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from campaigns.models import Campaign, CampaignChange, CampaignComment
from plannerist.models import Role
from tests import factories
from tests.campaigns.test_views import plan_data, shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def people(org, client_for):
    marketing = factories.make_user_in(org, Role.MARKETING)
    operations = factories.make_user_in(org, Role.OPERATIONS)
    return {"marketing": marketing, "operations": operations,
            "m": client_for(marketing, **EN), "o": client_for(operations, **EN)}


def status_url(org, campaign):
    return f"/o/{org.slug}/campaigns/{campaign.pk}/status/"


def test_operations_sees_the_margin_and_capacity_evidence_beside_the_approve_button(org, shop, people):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.PLANNED, owner=people["marketing"])
    html = people["o"].get(f"/o/{org.slug}/campaigns/{campaign.pk}/").content.decode()
    assert 'value="approved"' in html and 'value="draft"' in html  # approve or send back
    assert 'id="result"' in html and "Incremental margin" in html and "capacity-side" in html
    assert "Comment (required to send it back)" in html


def test_the_approval_evidence_says_the_baseline_comes_from_the_stored_forecast(org, shop, people):  # noqa: F811
    import datetime as dt

    from forecasting.models import ForecastDay

    start = org.today() + dt.timedelta(days=10)
    days = [start + dt.timedelta(days=d) for d in range(10)]
    ForecastDay.objects.bulk_create(
        ForecastDay(organization=org, date=day, orders=20.0 + i, orders_lo80=5.0, orders_hi80=40.0)
        for i, day in enumerate(days))
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.PLANNED, owner=people["marketing"],
                                       baseline_orders=None, start=days[0], end=days[-1])
    html = people["o"].get(f"/o/{org.slug}/campaigns/{campaign.pk}/").content.decode()
    approval = html[html.index('id="approval"'):html.index('id="comments"')]
    # 20 + 21 + … + 29 = 245 orders, the forecast's, beside the approve button.
    assert 'value="approved"' in approval and 'id="approval-baseline"' in approval
    assert "Baseline: 245 orders over the period, from your stored forecast." in approval
    typed = factories.make_campaign(org, channel=shop, status=Campaign.Status.PLANNED, owner=people["marketing"],
                                    baseline_orders=Decimal("300"), start=days[0], end=days[-1])
    html = people["o"].get(f"/o/{org.slug}/campaigns/{typed.pk}/").content.decode()
    approval = html[html.index('id="approval"'):html.index('id="comments"')]
    assert "Baseline: 300 orders over the period (typed)." in approval and "stored forecast" not in approval


def test_sending_back_needs_a_comment_that_goes_to_the_proposer(org, shop, people):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.PLANNED, owner=people["marketing"])
    refused = people["o"].post(status_url(org, campaign), {"status": "draft", "comment": "  "}, follow=True)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PLANNED
    assert "Say why you send it back" in refused.content.decode()

    people["o"].post(status_url(org, campaign), {"status": "draft", "comment": "Margin negative on Etsy: restrict the scope."})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    comment = CampaignComment.objects.get(campaign=campaign)
    assert (comment.kind, comment.author, comment.text) == ("sent_back", people["operations"], "Margin negative on Etsy: restrict the scope.")
    html = people["m"].get(f"/o/{org.slug}/campaigns/{campaign.pk}/").content.decode()
    assert "Margin negative on Etsy" in html and "sent back" in html


def test_the_owner_may_withdraw_their_own_proposal_without_a_comment(org, shop, people):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.PLANNED, owner=people["marketing"])
    people["m"].post(status_url(org, campaign), {"status": "draft"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and not CampaignComment.objects.exists()


def test_every_change_is_in_the_audit_log_with_who_and_old_to_new(org, shop, people):  # noqa: F811
    m = people["m"]
    m.post(f"/o/{org.slug}/campaigns/new/", plan_data(shop, name="Noël"))
    campaign = Campaign.objects.get(organization=org, name="Noël")
    m.post(f"/o/{org.slug}/campaigns/{campaign.pk}/", plan_data(shop, name="Noël", discount_rate="25", uplift="60"))
    m.post(status_url(org, campaign), {"status": "planned"})
    people["o"].post(status_url(org, campaign), {"status": "approved", "comment": "OK with two freelancers."})
    log = {(c.field, c.old, c.new, c.changed_by.pk) for c in CampaignChange.objects.filter(campaign=campaign)}
    marketing, operations = people["marketing"].pk, people["operations"].pk
    assert ("created", "", "Noël", marketing) in log
    assert ("discount_rate", "0.2", "0.25", marketing) in log and ("uplift", "0.5", "0.6", marketing) in log
    assert ("status", "draft", "planned", marketing) in log and ("status", "planned", "approved", operations) in log
    assert CampaignComment.objects.get(campaign=campaign).kind == "approved"
    html = m.get(f"/o/{org.slug}/campaigns/{campaign.pk}/").content.decode()
    assert "History of changes" in html and "<td>Discount</td><td>20% → 25%</td>" in html


def test_an_approved_campaign_edited_goes_back_to_planned_in_the_log(org, shop, people):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.APPROVED, owner=people["marketing"])
    people["m"].post(f"/o/{org.slug}/campaigns/{campaign.pk}/", plan_data(shop, name=campaign.name, discount_rate="35"))
    assert CampaignChange.objects.filter(campaign=campaign, field="status", old="approved", new="planned").exists()


def test_a_comment_by_htmx_returns_only_the_comments(org, shop, people):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop)
    response = people["o"].post(f"/o/{org.slug}/campaigns/{campaign.pk}/comments/",
                                {"text": "Stock of candles OK until the 20th."}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section class="card" id="comments"')
    assert "Stock of candles OK" in html and "<html" not in html
    empty = people["o"].post(f"/o/{org.slug}/campaigns/{campaign.pk}/comments/", {"text": ""}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 400 and CampaignComment.objects.count() == 1


def test_a_viewer_can_neither_comment_nor_move_a_campaign(org, shop, viewer, client_for):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.PLANNED)
    client = client_for(viewer, **EN)
    html = client.get(f"/o/{org.slug}/campaigns/{campaign.pk}/").content.decode()
    assert 'name="status"' not in html and "/comments/" not in html
    assert client.post(f"/o/{org.slug}/campaigns/{campaign.pk}/comments/", {"text": "x"}).status_code == 403
    assert client.post(status_url(org, campaign), {"status": "approved"}).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PLANNED and not CampaignComment.objects.exists()


# Issue 12 item 2: the economics of an approved or live campaign are what operations approved.

def campaign_url(org, campaign):
    return f"/o/{org.slug}/campaigns/{campaign.pk}/"


def test_marketing_cannot_deepen_a_live_campaigns_discount_by_editing_it(org, shop, people):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.LIVE, owner=people["marketing"],
                                       discount_rate=Decimal("0.25"))
    response = people["m"].post(campaign_url(org, campaign), plan_data(shop, name=campaign.name, discount_rate="90"))
    html = response.content.decode()
    assert response.status_code == 400
    assert ('<p class="error" role="alert" id="form-errors">This campaign is live: its offer, scope, dates, '
            "expected uplift and costs stay as operations approved them.") in html
    campaign.refresh_from_db()
    assert campaign.discount_rate == Decimal("0.2500") and campaign.status == Campaign.Status.LIVE
    assert not CampaignChange.objects.filter(campaign=campaign).exists()


def test_marketing_cannot_change_a_live_campaign_by_choosing_a_scenario(org, shop, people):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.LIVE, discount_rate=Decimal("0.25"))
    scenario = factories.make_scenario(org, campaign=campaign, discount_rate=Decimal("0.90"), uplift=Decimal("2"))
    response = people["m"].post(f"/o/{org.slug}/campaigns/scenarios/{scenario.pk}/choose/", follow=True)
    assert "This campaign is live" in response.content.decode()
    campaign.refresh_from_db()
    scenario.refresh_from_db()
    assert (campaign.discount_rate, campaign.uplift, campaign.status) == (Decimal("0.2500"), Decimal("0.5000"), "live")
    assert not scenario.chosen and not CampaignChange.objects.filter(campaign=campaign).exists()


@pytest.mark.parametrize("change", [
    {"end": "2026-12-31"}, {"scope": "categories", "scope_categories": ["Candles"]}, {"ad_spend": "0"},
    {"mechanic": "free_shipping"}, {"baseline_orders": "900"}, {"return_rate_override": "1"},
])
def test_every_economic_field_of_a_live_campaign_is_locked(org, shop, people, change):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.LIVE, ad_spend=Decimal("1000"))
    response = people["m"].post(campaign_url(org, campaign), plan_data(shop, name=campaign.name, **change))
    assert response.status_code == 400
    assert not CampaignChange.objects.filter(campaign=campaign).exists()


def test_a_live_campaigns_name_and_objective_may_still_be_edited(org, shop, people):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.LIVE, ad_spend=Decimal("1000"))
    response = people["m"].post(campaign_url(org, campaign), plan_data(shop, name="Noël, bis", objective="Clear the stock"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.status) == ("Noël, bis", "live")


def test_an_owner_who_approves_campaigns_may_change_a_live_campaign_and_the_log_says_so(org, shop, owner, client_for):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.LIVE, discount_rate=Decimal("0.25"))
    client_for(owner, **EN).post(campaign_url(org, campaign), plan_data(shop, name=campaign.name, discount_rate="30",
                                                                          ad_spend="500"))
    campaign.refresh_from_db()
    assert campaign.discount_rate == Decimal("0.3000") and campaign.status == Campaign.Status.LIVE
    assert CampaignChange.objects.filter(campaign=campaign, field="discount_rate", old="0.25", new="0.3",
                                         changed_by=owner).exists()


def test_choosing_a_scenario_for_an_approved_campaign_sends_it_back_to_operations(org, shop, people):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.APPROVED, discount_rate=Decimal("0.25"))
    scenario = factories.make_scenario(org, campaign=campaign, name="Deep", discount_rate=Decimal("0.90"))
    people["m"].post(f"/o/{org.slug}/campaigns/scenarios/{scenario.pk}/choose/")
    campaign.refresh_from_db()
    assert campaign.discount_rate == Decimal("0.9000") and campaign.status == Campaign.Status.PLANNED
    log = {(c.field, c.old, c.new, c.changed_by_id) for c in CampaignChange.objects.filter(campaign=campaign)}
    marketing = people["marketing"].pk
    assert ("status", "approved", "planned", marketing) in log
    assert ("discount_rate", "0.25", "0.9", marketing) in log and ("scenario", "", "Deep", marketing) in log
    html = people["o"].get(campaign_url(org, campaign)).content.decode()
    assert 'value="approved"' in html  # it is back in operations' hands


def test_editing_an_approved_campaigns_products_sends_it_back_to_operations(org, shop, people):  # noqa: F811
    candle = factories.make_product(org)
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.APPROVED)
    people["m"].post(campaign_url(org, campaign), plan_data(shop, name=campaign.name, scope="products",
                                                            products=[candle.pk]))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PLANNED
    assert CampaignChange.objects.filter(campaign=campaign, field="status", old="approved", new="planned").exists()


def test_renaming_an_approved_campaign_keeps_it_approved(org, shop, people):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.APPROVED, ad_spend=Decimal("1000"),
                                       scope_categories=[])
    people["m"].post(campaign_url(org, campaign), plan_data(shop, name="Noël 2026"))
    campaign.refresh_from_db()
    assert (campaign.name, campaign.status) == ("Noël 2026", Campaign.Status.APPROVED)


def test_the_refusal_speaks_french_to_a_french_shop(org, shop, client_for):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.LIVE)
    client = client_for(factories.make_user_in(org, Role.MARKETING), HTTP_ACCEPT_LANGUAGE="fr")
    html = client.post(campaign_url(org, campaign), plan_data(shop, name=campaign.name, discount_rate="90")).content.decode()
    assert "Cette campagne est en cours : son offre, son périmètre, ses dates" in html


def _seen(html: str) -> str:
    return re.search(r'name="seen" value="([^"]+)"', html).group(1)


def test_operations_cannot_approve_figures_changed_since_they_opened_the_page(org, shop, people):  # noqa: F811
    campaign = factories.make_campaign(org, channel=shop, status=Campaign.Status.PLANNED, owner=people["marketing"],
                                       discount_rate=Decimal("0.25"))
    seen = _seen(people["o"].get(campaign_url(org, campaign)).content.decode())
    people["m"].post(campaign_url(org, campaign), plan_data(shop, name=campaign.name, discount_rate="90"))
    response = people["o"].post(status_url(org, campaign), {"status": "approved", "seen": seen}, follow=True)
    assert "The campaign changed since you opened it: look at its figures again, then approve." in response.content.decode()
    campaign.refresh_from_db()
    assert (campaign.status, campaign.discount_rate) == (Campaign.Status.PLANNED, Decimal("0.9000"))
    fresh = _seen(response.content.decode())
    people["o"].post(status_url(org, campaign), {"status": "approved", "seen": fresh})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.APPROVED
