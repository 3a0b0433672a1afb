"""Password reset: in the product's pages, never claiming a mail left when none can; an owner
gives a member a one-time link to choose a new password."""

from __future__ import annotations

import re

from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client

from plannerist.models import Membership, Role
from tests import factories
from tests.mail import links_in

RESET = "/accounts/password/reset/"  # allauth's; the former address redirects there
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
RESET_LINK = re.compile(r"https?://testserver(/accounts/reset/\S+/)")


def test_without_a_mail_server_the_reset_page_sends_nothing_and_says_to_ask_an_owner(db):
    user = factories.make_user("camille@example.test")
    page = Client().get(RESET, **EN)
    html = page.content.decode()
    assert "ask an owner" in html.lower() and 'name="email"' not in html
    assert "django-admin" not in html and "Django administration" not in html  # the product's page

    posted = Client().post(RESET, {"email": user.email}, follow=True, **EN)
    assert len(mail.outbox) == 0
    for claim in ("on its way", "Check your mailbox", "Password reset sent", "emailed you"):
        assert claim not in posted.content.decode()
    done = Client().get(f"{RESET}done/", **EN)
    assert done.status_code == 302 and done["Location"] == RESET


def test_with_a_mail_server_the_reset_page_sends_the_link_in_the_product_s_style(db, smtp_server):
    user = factories.make_user("camille@example.test")
    html = Client().get(RESET, **EN).content.decode()
    assert 'name="email"' in html and "Django administration" not in html
    response = Client().post(RESET, {"email": user.email}, follow=True, **EN)
    assert "/accounts/password/reset/key/" in links_in(smtp_server.only())[0]  # through the mail task
    assert "Check your mailbox" in response.content.decode()


def test_the_reset_s_former_addresses_lead_to_allauth_s(db):
    for former in ("/accounts/password_reset/", "/accounts/password_reset/done/"):
        response = Client().get(former)
        assert response.status_code == 302 and response["Location"] == RESET


def _link_message(response) -> str:
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def test_an_owner_gives_a_member_a_one_time_link_to_choose_a_new_password(org, owner, client_for):
    member = factories.make_user_in(org, Role.MARKETING)
    membership = Membership.objects.get(user=member)
    response = client_for(owner).post(f"/o/{org.slug}/members/{membership.pk}/password-link/")
    path = RESET_LINK.search(_link_message(response))[1]

    client = Client()
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "mimosa-et-lavande", "new_password2": "mimosa-et-lavande"})
    member.refresh_from_db()
    assert member.check_password("mimosa-et-lavande")
    assert not Client().get(path, follow=True).context["validlink"]  # once only


def test_an_invitee_of_the_old_kind_whose_link_expired_gets_a_new_one(org, owner, client_for):
    invitee = factories.make_user_in(org, Role.VIEWER)
    invitee.set_unusable_password()
    invitee.save()
    response = client_for(owner).post(f"/o/{org.slug}/members/{Membership.objects.get(user=invitee).pk}/password-link/")
    assert RESET_LINK.search(_link_message(response))


def test_no_link_for_a_member_who_also_belongs_to_organisations_the_owner_does_not_own(org, other_org, owner,
                                                                                         client_for):
    consultant = factories.make_user_in(org, Role.CONSULTANT)
    factories.make_user_in(other_org, Role.OWNER, user=consultant)
    membership = Membership.objects.get(user=consultant, organization=org)
    response = client_for(owner).post(f"/o/{org.slug}/members/{membership.pk}/password-link/")
    assert not RESET_LINK.search(_link_message(response))


def test_only_an_owner_gives_password_links_and_only_by_post(org, owner, client_for):
    member = factories.make_user_in(org, Role.MARKETING)
    membership = Membership.objects.get(user=member)
    url = f"/o/{org.slug}/members/{membership.pk}/password-link/"
    assert client_for(member).post(url).status_code == 403
    assert client_for(owner).get(url).status_code == 405
