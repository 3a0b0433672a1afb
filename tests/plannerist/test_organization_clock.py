"""One clock: an organisation lives in its country's time zone (and currency), and every
"today" of its pages, selectors and jobs is its own, not the server's nor the project's."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from plannerist import countries
from plannerist.models import Organization, Role
from reviews.models import WeeklyReview
from reviews.services import review_drafts_prepare
from tests import factories

# 15 January 2026, 23:30 UTC: still the 15th in London, already the 16th in Paris (00:30)
# and in Auckland (12:30, summer time).
LATE_IN_LONDON = dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC)


def frozen(at: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=at)


@pytest.mark.parametrize(
    ("country", "zone", "currency"),
    [("GB", "Europe/London", "GBP"), ("NZ", "Pacific/Auckland", "NZD"), ("FR", "Europe/Paris", "EUR"),
     ("ES", "Europe/Madrid", "EUR"), ("ch", "Europe/Zurich", "CHF")],
)
def test_create_org_takes_the_time_zone_and_currency_of_its_country(db, country, zone, currency):
    call_command("create_org", "shop", "--name", "Shop", "--country", country)
    org = Organization.objects.get(slug="shop")
    assert (org.country, org.timezone, org.currency) == (country.upper(), zone, currency)


def test_create_org_s_timezone_and_currency_override_the_country_s(db):
    call_command("create_org", "shop", "--name", "Shop", "--country", "GB", "--timezone", "Europe/Dublin",
                 "--currency", "eur")
    org = Organization.objects.get(slug="shop")
    assert (org.timezone, org.currency) == ("Europe/Dublin", "EUR")


def test_create_org_asks_which_zone_for_a_country_with_several(db):
    with pytest.raises(CommandError) as error:
        call_command("create_org", "shop", "--name", "Shop", "--country", "US", "--currency", "USD")
    assert "timezone" in str(error.value) and "America/New_York" in str(error.value)
    call_command("create_org", "shop", "--name", "Shop", "--country", "US", "--timezone", "America/Chicago")
    assert Organization.objects.get(slug="shop").currency == "USD"


def test_create_org_asks_for_the_currency_when_the_country_s_is_not_known(db):
    with pytest.raises(CommandError, match="currency") as error:
        call_command("create_org", "shop", "--name", "Shop", "--country", "IN")
    assert error.value.returncode == 2 and not Organization.objects.exists()


def test_create_org_refuses_an_unknown_time_zone(db):
    with pytest.raises(CommandError, match="timezone"):
        call_command("create_org", "shop", "--name", "Shop", "--country", "GB", "--timezone", "Europe/Atlantis")


def test_a_country_s_zones_come_from_the_time_zone_database():
    assert countries.time_zones("GB") == ("Europe/London",)
    assert countries.time_zone_of("AU") is None and "Australia/Sydney" in countries.time_zones("AU")


def test_at_23_30_utc_a_british_and_a_new_zealand_shop_have_different_todays(db):
    london = factories.make_org(timezone="Europe/London", country="GB")
    auckland = factories.make_org(timezone="Pacific/Auckland", country="NZ")
    with frozen(LATE_IN_LONDON):
        assert london.today() == dt.date(2026, 1, 15)
        assert auckland.today() == dt.date(2026, 1, 16)


def test_quick_entry_opens_on_the_shop_s_today_and_refuses_its_tomorrow(db, client_for):
    london = factories.make_org(slug="london", timezone="Europe/London", country="GB", currency="GBP")
    client = client_for(factories.make_user_in(london, Role.OWNER))
    with frozen(LATE_IN_LONDON):
        page = client.get("/o/london/kpis/today/").content.decode()
        assert 'value="2026-01-15"' in page  # not the 16th of the project's Paris
        tomorrow = client.post("/o/london/kpis/today/", {"date": "2026-01-16", "orders": "3"})
    assert tomorrow.status_code == 400


def test_the_monday_review_drafts_follow_each_shop_s_calendar(db):
    london = factories.make_org(timezone="Europe/London", country="GB")
    auckland = factories.make_org(timezone="Pacific/Auckland", country="NZ")
    sunday_noon = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)  # already Monday 01:00 in Auckland
    review_drafts_prepare(now=sunday_noon)
    weeks = dict(WeeklyReview.objects.values_list("organization_id", "week_start"))
    assert weeks == {london.id: dt.date(2026, 11, 9), auckland.id: dt.date(2026, 11, 16)}


def test_the_portfolio_reads_each_shop_s_decisions_due_by_its_own_today(db, client_for):
    from reviews.models import ReviewDecision

    auckland = factories.make_org(slug="auckland", timezone="Pacific/Auckland", country="NZ")
    user = factories.make_user_in(auckland, Role.OWNER)
    review = WeeklyReview.objects.create(organization=auckland, week_start=dt.date(2026, 1, 5), summary={})
    ReviewDecision.objects.create(review=review, text="Reorder wicks", due=dt.date(2026, 1, 15))
    noon_in_paris = dt.datetime(2026, 1, 15, 11, 30, tzinfo=dt.UTC)  # 00:30 on the 16th in Auckland
    with frozen(noon_in_paris):  # the decision due on the 15th is overdue there
        rows = client_for(user).get("/").context["rows"]
    assert rows[0]["overdue"] == 1
