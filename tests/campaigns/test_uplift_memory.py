"""Issue 14, promotion memory: a new campaign's uplift follows the kind typed (its mechanic and
depth band, docs/forecasting.md § 3), an amount off is banded by its share of the in-scope
price, and the pooled dip is read for the kind the economics count."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pandas as pd
import pytest
from django.utils import timezone

from campaigns.engine.economics import depth_share
from campaigns.engine.orders import Mechanic
from campaigns.models import Campaign
from forecasting.models import Forecast
from kpis.forecast_history import organisation_history
from tests import factories
from tests.campaigns.test_views import plan_data

pytestmark = pytest.mark.django_db

POOLED = [
    {"mechanic": "percent_off", "depth_band": "15-30", "n": 3, "uplift": 0.42, "uplift_lo80": 0.18, "uplift_hi80": 0.66},
    {"mechanic": "percent_off", "depth_band": ">30", "n": 5, "uplift": 0.9, "uplift_lo80": 0.5, "uplift_hi80": 1.3},
    {"mechanic": "amount_off", "depth_band": "15-30", "n": 2, "uplift": 0.25, "uplift_lo80": 0.1, "uplift_hi80": 0.4},
]


@pytest.fixture
def remembered(org):
    Forecast.objects.create(organization=org, fitted_at=timezone.now(), fitted_for=dt.date(2026, 11, 1),
                            method="seasonal_naive", history_days=400, promotions={"campaigns": [], "pooled": POOLED})
    factories.make_product(org, price=Decimal("25"), unit_cost=Decimal("8"), vat_rate=Decimal("0.20"))
    return factories.make_channel(org)


def _memory(response) -> dict[str, str]:
    tag = re.search(r'<p id="uplift-memory"[^>]*>', response.content.decode())
    assert tag, "the what-if answer carries the kind's memory"
    return dict(re.findall(r'data-(\w+)="([^"]*)"', tag[0]))


def test_the_depth_share_of_an_amount_off_is_the_amount_over_the_price():
    assert depth_share(Mechanic.amount_off(5.0), 25.0) == pytest.approx(0.2)
    assert depth_share(Mechanic.amount_off(40.0), 25.0) == 1.0  # at most the whole price
    assert depth_share(Mechanic.amount_off(5.0), 0.0) is None  # no price, no depth
    assert depth_share(Mechanic.percent_off(0.35), 25.0) == pytest.approx(0.35)
    assert depth_share(Mechanic.free_shipping(), 25.0) is None


@pytest.mark.parametrize("typed, expected", [
    ({"discount_rate": "20"}, {"n": "3", "uplift": "42", "low": "18", "high": "66"}),
    ({"discount_rate": "40"}, {"n": "5", "uplift": "90", "low": "50", "high": "130"}),
    # 5 € off a 25 € product is 20 % of its price: the amount-off 15–30 % band
    ({"mechanic": "amount_off", "discount_rate": "0", "discount_amount": "5"},
     {"n": "2", "uplift": "25", "low": "10", "high": "40"}),
    # 10 € off is 40 %: no past amount off that deep, so the default guess and no range
    ({"mechanic": "amount_off", "discount_rate": "0", "discount_amount": "10"},
     {"n": "0", "uplift": "30", "low": "", "high": ""}),
    ({"mechanic": "free_shipping", "discount_rate": "0"}, {"n": "0", "uplift": "30", "low": "", "high": ""}),
])
def test_a_new_campaigns_whatif_carries_the_memory_of_the_kind_typed(org, owner, client_for, remembered, typed, expected):
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/whatif/", plan_data(remembered, **typed),
                                      HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content.decode()[:500]
    memory = _memory(response)
    assert {key: memory[key] for key in expected} == expected


def test_the_memory_names_the_kind_in_the_persons_language(org, owner, client_for, remembered):
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/whatif/", plan_data(remembered, discount_rate="40"),
                                      HTTP_HX_REQUEST="true")  # the org is French
    text = re.search(r'<p id="uplift-memory"[^>]*>(.*?)</p>', response.content.decode(), re.S)[1]
    assert "plus de 30 %" in text and "5 campagnes" in text


def test_the_new_campaign_page_says_what_the_fields_were_prefilled_from(org, owner, client_for, remembered):
    memory = _memory(client_for(owner).get(f"/o/{org.slug}/campaigns/new/"))
    assert memory == {"uplift": "42", "low": "18", "high": "66", "n": "3"}


def test_a_saved_campaigns_whatif_does_not_move_its_uplift(org, owner, client_for, remembered):
    campaign = factories.make_campaign(org, channel=remembered)
    response = client_for(owner).post(f"/o/{org.slug}/campaigns/{campaign.pk}/whatif/",
                                      plan_data(remembered, discount_rate="40"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="uplift-memory"' not in response.content.decode()


def test_the_refit_history_bands_an_amount_off_by_its_share_of_the_in_scope_price(org):
    today = timezone.localdate()
    channel = factories.make_channel(org)
    factories.make_product(org, price=Decimal("25"), unit_cost=Decimal("8"), units_per_month=Decimal("10"))
    candle = factories.make_product(org, price=Decimal("50"), unit_cost=Decimal("8"), units_per_month=Decimal("10"))
    ran = dict(channel=channel, status=Campaign.Status.FINISHED, start=today - dt.timedelta(days=40),
               end=today - dt.timedelta(days=30))
    whole = factories.make_campaign(org, name="5 € off", mechanic="amount_off", discount_amount=Decimal("5"), **ran)
    one = factories.make_campaign(org, name="5 € off candles", mechanic="amount_off", discount_amount=Decimal("5"),
                                  scope="products", **ran)
    one.products.add(candle)
    rate = factories.make_campaign(org, name="20 %", mechanic="percent_off", discount_rate=Decimal("0.2"), **ran)
    depths = {w.id: w.depth for w in organisation_history(org, today).campaigns}
    assert depths[whole.pk] == pytest.approx(5 / 37.5)  # the average price of the two, equally sold
    assert depths[one.pk] == pytest.approx(5 / 50)
    assert depths[rate.pk] == pytest.approx(0.2)


def test_the_history_reads_in_a_fixed_number_of_queries(org, django_assert_max_num_queries):
    today = timezone.localdate()
    channel = factories.make_channel(org)
    factories.make_product(org, price=Decimal("25"))
    for k in range(6):
        factories.make_campaign(org, name=f"c{k}", channel=channel, status=Campaign.Status.FINISHED,
                                mechanic="amount_off" if k % 2 else "percent_off", discount_amount=Decimal("3"),
                                start=today - dt.timedelta(days=40 + k), end=today - dt.timedelta(days=30 + k))
    with django_assert_max_num_queries(4):
        history = organisation_history(org, today)
    assert len(history.campaigns) == 6 and isinstance(history.orders, pd.DataFrame)


def test_a_new_campaigns_whatif_reads_the_promotion_memory_once(org, owner, client_for, remembered):
    """The dip under the break-even sentence and the kind's pre-fill come from one read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(owner)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/o/{org.slug}/campaigns/whatif/", plan_data(remembered), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if '"promotions"' in q["sql"] and "forecasting_forecast" in q["sql"]]
    assert len(reads) == 1, reads
