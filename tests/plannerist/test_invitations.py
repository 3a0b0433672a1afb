"""Invitations: the owner learns nothing of the invitee's account, and no organisation lands
in anyone's switcher before they accept."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.messages import get_messages
from django.test import Client

from plannerist.models import Invitation, Membership, Role
from plannerist.selectors import memberships_of
from tests import factories

LINK = re.compile(r"https?://\S+/join/[\w-]+/")


def invite(client: Client, org, email: str, role: str = Role.VIEWER) -> str:
    response = client.post(f"/o/{org.slug}/members/", {"email": email, "role": role})
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def test_the_owner_reads_the_same_words_whether_or_not_the_e_mail_has_an_account(org, owner, client_for):
    existing = factories.make_user("claire@example.test")
    existing.first_name, existing.last_name = "Claire", "Dubois-Secret"
    existing.save()
    client = client_for(owner)
    known = invite(client, org, "claire@example.test")
    unknown = invite(client, org, "nobody@example.test")

    def shape(message: str, email: str) -> str:
        return LINK.sub("LINK", message.replace(email, "EMAIL"))

    assert shape(known, "claire@example.test") == shape(unknown, "nobody@example.test")
    assert "Dubois-Secret" not in known and "Claire" not in known
    members_page = client.get(f"/o/{org.slug}/members/").content.decode()
    assert "Dubois-Secret" not in members_page


def test_an_existing_account_joins_only_once_it_accepts(org, owner, client_for):
    invitee = factories.make_user("claire@example.test")
    invite(client_for(owner), org, invitee.email, Role.OPERATIONS)
    assert memberships_of(invitee) == []  # not in the switcher before accepting

    client = client_for(invitee)
    page = client.get("/invitations/").content.decode()
    assert org.name.replace("&", "&amp;") in page
    invitation = Invitation.objects.get(email=invitee.email)
    assert client.get(f"/invitations/{invitation.pk}/accept/").status_code == 405
    response = client.post(f"/invitations/{invitation.pk}/accept/")
    assert response.status_code == 302 and response["Location"] == f"/o/{org.slug}/"
    assert Membership.objects.get(user=invitee, organization=org).role == Role.OPERATIONS
    assert not Invitation.objects.exists()


def test_an_invitee_may_decline(org, owner, client_for):
    invitee = factories.make_user("claire@example.test")
    invite(client_for(owner), org, invitee.email)
    invitation = Invitation.objects.get()
    client_for(invitee).post(f"/invitations/{invitation.pk}/decline/")
    assert not Invitation.objects.exists() and memberships_of(invitee) == []


def test_someone_else_cannot_answer_another_s_invitation(org, owner, client_for):
    invitation, _token = factories.make_invitation(org, email="claire@example.test")
    stranger = client_for(factories.make_user("mallory@example.test"))
    assert stranger.post(f"/invitations/{invitation.pk}/accept/").status_code == 404
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert not Membership.objects.filter(organization=org, user__email="mallory@example.test").exists()


def test_the_link_of_an_existing_account_asks_it_to_log_in(org):
    factories.make_user("claire@example.test")
    _invitation, token = factories.make_invitation(org, email="claire@example.test")
    response = Client().get(f"/join/{token}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_new_invitee_chooses_a_password_and_joins(org):
    _invitation, token = factories.make_invitation(org, email="nouveau@example.test", role=Role.MARKETING)
    client = Client()
    weak = client.post(f"/join/{token}/", {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 400
    response = client.post(f"/join/{token}/", {"new_password1": "une-bougie-au-miel", "new_password2": "une-bougie-au-miel"})
    assert response.status_code == 302 and response["Location"] == f"/o/{org.slug}/"
    membership = Membership.objects.get(organization=org, user__email="nouveau@example.test")
    assert membership.role == Role.MARKETING and membership.user.check_password("une-bougie-au-miel")
    assert Client().get(f"/join/{token}/").status_code == 404  # used once


def test_an_expired_link_is_refused_and_the_owner_gives_a_new_one(org, owner, client_for):
    invitation, old = factories.make_invitation(org, email="nouveau@example.test")
    Invitation.objects.filter(pk=invitation.pk).update(created_at=invitation.created_at - Invitation.VALID_FOR
                                                      - dt.timedelta(minutes=1))
    expired = Client().get(f"/join/{old}/")
    assert expired.status_code == 404 and "nouveau lien" in expired.content.decode()

    response = client_for(owner).post(f"/o/{org.slug}/invitations/{invitation.pk}/renew/")
    new = LINK.search(next(str(m) for m in get_messages(response.wsgi_request)))[0]
    assert Client().get(new.split("testserver", 1)[1]).status_code == 200
    assert Client().get(f"/join/{old}/").status_code == 404  # the old link stops working


def test_only_an_owner_renews_or_withdraws_and_another_organisation_s_is_404(org, other_org, owner, client_for):
    invitation, _ = factories.make_invitation(org)
    viewer = client_for(factories.make_user_in(org, Role.MARKETING))
    assert viewer.post(f"/o/{org.slug}/invitations/{invitation.pk}/withdraw/").status_code == 403
    outsider = client_for(factories.make_user_in(other_org, Role.OWNER))
    assert outsider.post(f"/o/{other_org.slug}/invitations/{invitation.pk}/withdraw/").status_code == 404
    client_for(owner).post(f"/o/{org.slug}/invitations/{invitation.pk}/withdraw/")
    assert not Invitation.objects.exists()
