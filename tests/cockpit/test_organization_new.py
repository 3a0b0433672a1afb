"""A new organisation: a new account's first (after the e-mail is verified) or a consultant's
next client, with its country's defaults, a unique slug, the user as owner, then the first run."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from plannerist import services
from plannerist.models import Invitation, Membership, Organization, Role
from tests import factories
from tests.mail import links_in

NEW = "/organisations/new/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def create(client: Client, **fields):
    return client.post(NEW, {"name": "Lumière & Cire", "country": "FR", **fields}, **EN)


def test_a_verified_new_account_lands_on_its_business_and_then_on_the_first_run(db, smtp_server):
    client = Client()
    client.post("/accounts/signup/", {"email": "nadia@savonnerie.test", "password1": "mimosa-et-lavande-42",
                                      "password2": "mimosa-et-lavande-42"}, **EN)
    confirmed = client.post(links_in(smtp_server.only())[0].removeprefix("http://testserver"), **EN)
    assert confirmed.status_code == 302 and confirmed["Location"] == NEW
    page = client.get(NEW, **EN).content.decode()
    assert "Your business" in page and 'name="country"' in page

    created = client.post(NEW, {"name": "Savonnerie du Marais", "country": "FR"}, **EN)
    organization = Organization.objects.get(name="Savonnerie du Marais")
    assert created.status_code == 302 and created["Location"] == f"/o/{organization.slug}/start/"
    assert Membership.objects.get(organization=organization).role == Role.OWNER
    assert organization.language == "en"  # the language she signed up in
    assert client.get(created["Location"], **EN).status_code == 200


@pytest.mark.parametrize(("country", "currency", "zone", "vat", "included"), [
    ("FR", "EUR", "Europe/Paris", Decimal("0.20"), True),
    ("de", "EUR", "Europe/Berlin", Decimal("0.19"), True),
    ("GB", "GBP", "Europe/London", Decimal("0.20"), True),
    ("CH", "CHF", "Europe/Zurich", Decimal("0.081"), True),
])
def test_the_country_gives_currency_zone_vat_and_whether_prices_include_it(
        db, client_for, country, currency, zone, vat, included):
    user = factories.make_user()
    assert create(client_for(user), country=country).status_code == 302
    organization = Organization.objects.get(memberships__user=user)
    assert (organization.country, organization.currency, organization.timezone) == (country.upper(), currency, zone)
    assert organization.vat_rate == vat and organization.prices_include_vat is included


def test_a_country_without_one_vat_rate_or_zone_asks_for_them_then_takes_them(db, client_for):
    client = client_for(factories.make_user())
    asked = create(client, country="US")
    html = asked.content.decode()
    assert asked.status_code == 400 and "No single VAT rate is known for the country US" in html
    asked = create(client, country="US", vat_rate="0")
    assert asked.status_code == 400 and "US has several time zones" in asked.content.decode()
    assert create(client, country="US", vat_rate="0", timezone="America/New_York").status_code == 302
    organization = Organization.objects.get()
    assert (organization.currency, organization.vat_rate, organization.prices_include_vat) == ("USD", 0, False)


def test_what_is_typed_wins_over_the_country_s_defaults(db, client_for):
    client = client_for(factories.make_user())
    create(client, vat_rate="5.5", prices_include_vat="no", currency="eur", timezone="Europe/Paris")
    organization = Organization.objects.get()
    assert organization.vat_rate == Decimal("0.055") and not organization.prices_include_vat


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"name": ""}, "name", "This field is required."),
    ({"country": "France"}, "country", "at most 2 characters"),
    ({"country": "F1"}, "country", "Use a two-letter ISO code such as FR."),
    ({"vat_rate": "120"}, "vat_rate", "less than or equal to 100"),
    ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone."),
])
def test_bad_input_is_a_400_naming_the_field(db, client_for, fields, field, message):
    response = create(client_for(factories.make_user()), **fields)
    assert response.status_code == 400 and message in response.content.decode()
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Organization.objects.exists()


def test_the_same_name_twice_gets_a_second_slug_not_a_500(db, client_for):
    factories.make_org(slug="lumiere-cire-2")
    client = client_for(factories.make_user())
    first, second = create(client), create(client)
    assert first["Location"] == "/o/lumiere-cire/start/"
    assert second.status_code == 302 and second["Location"] == "/o/lumiere-cire-3/start/"
    assert services.organization_slug_for("!!!") == "organisation"
    assert services.organization_slug_for("x" * 200) == "x" * 50


def test_a_slug_taken_between_the_look_up_and_the_insert_is_looked_for_again(db, monkeypatch):
    owner = factories.make_user()
    factories.make_org(slug="lumiere-cire")
    looked = iter(["lumiere-cire", "lumiere-cire-2"])  # the first answer is already stale
    monkeypatch.setattr(services, "organization_slug_for", lambda name: next(looked))
    organization = services.organization_create_named(name="Lumière & Cire", owner=owner, country="FR")
    assert organization.slug == "lumiere-cire-2"


def test_only_a_logged_in_user_creates_and_only_by_get_or_post(db, client_for):
    assert Client().get(NEW)["Location"].startswith("/accounts/login/")
    assert client_for(factories.make_user()).put(NEW).status_code == 405


def test_a_stranger_gets_404_on_the_new_organisation(db, client_for):
    creator = factories.make_user()
    create(client_for(creator))
    slug = Organization.objects.get().slug
    stranger = client_for(factories.make_user())
    for path in (f"/o/{slug}/", f"/o/{slug}/start/", f"/o/{slug}/members/"):
        assert stranger.get(path).status_code == 404


def test_a_consultant_creates_a_client_from_the_portfolio_and_invites_its_owner(db, client_for, smtp_server):
    consultant = factories.make_user("sophie@conseil.test")
    factories.make_user_in(factories.make_org(slug="premier-client"), Role.CONSULTANT, user=consultant)
    client = client_for(consultant, **EN)
    assert f'href="{NEW}"' in client.get("/").content.decode()  # "New organisation" on the portfolio
    create(client, name="Savonnerie du Marais")
    organization = Organization.objects.get(name="Savonnerie du Marais")
    assert {m.organization.slug for m in consultant.memberships.all()} == {"premier-client", organization.slug}

    # "You invite your client": the client's owner gets the invitation mail and joins as owner.
    client.post(f"/o/{organization.slug}/members/", {"email": "nadia@savonnerie.test", "role": Role.OWNER})
    link = links_in(smtp_server.only())[0].removeprefix("http://testserver")
    invitee = Client()
    invitee.post(link, {"new_password1": "mimosa-et-lavande-42", "new_password2": "mimosa-et-lavande-42"})
    membership = Membership.objects.get(organization=organization, user__email="nadia@savonnerie.test")
    assert membership.role == Role.OWNER
    again = Client()  # her account logs in by e-mail (the invitation's link verified it)
    assert again.post("/accounts/login/", {"login": "nadia@savonnerie.test",
                                           "password": "mimosa-et-lavande-42"}).status_code == 302
    assert again.get(f"/o/{organization.slug}/").status_code == 200


def test_your_client_invites_you_the_invitation_waits_for_your_answer(db, org, owner, client_for):
    consultant = factories.make_user("sophie@conseil.test")
    client_for(owner).post(f"/o/{org.slug}/members/", {"email": consultant.email, "role": Role.CONSULTANT})
    assert not Membership.objects.filter(user=consultant).exists()  # pending, not joined

    client = Client()
    login = client.post("/accounts/login/", {"login": consultant.email, "password": factories.PASSWORD}, **EN)
    assert login.status_code == 302 and login["Location"] == "/"  # not "describe your business": one waits
    assert "An invitation is waiting for your answer." in client.get("/", **EN).content.decode()
    invitation = Invitation.objects.get(email=consultant.email)
    client.post(f"/invitations/{invitation.pk}/accept/")
    assert Membership.objects.get(user=consultant, organization=org).role == Role.CONSULTANT


def test_a_refused_name_is_shown_back_escaped(db, client_for):
    response = create(client_for(factories.make_user()), name="<script>alert(1)</script>", country="F1")
    html = response.content.decode()
    assert response.status_code == 400 and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
