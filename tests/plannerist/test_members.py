from plannerist.models import Invitation, Membership, Role
from tests import factories


def test_an_owner_invites_a_new_member_who_gets_an_invitation_link(org, owner, client_for):
    client = client_for(owner)
    response = client.post(
        f"/o/{org.slug}/members/", {"email": "Nouveau@Example.test", "role": Role.MARKETING}, follow=True
    )
    invitation = Invitation.objects.get(organization=org)
    assert (invitation.email, invitation.role) == ("nouveau@example.test", Role.MARKETING)
    assert "/join/" in response.content.decode()
    assert not Membership.objects.filter(organization=org, user__email="nouveau@example.test").exists()


def test_inviting_an_existing_member_twice_is_refused_on_the_field(org, owner, client_for):
    response = client_for(owner).post(f"/o/{org.slug}/members/", {"email": owner.email, "role": "viewer"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [f"{owner.email} est déjà membre."]
    assert Membership.objects.filter(organization=org).count() == 1


def test_an_invalid_invitation_names_the_field(org, owner, client_for):
    response = client_for(owner).post(f"/o/{org.slug}/members/", {"email": "not-an-email", "role": "boss"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"email", "role"}


def test_an_owner_changes_a_role(org, owner, client_for):
    user = factories.make_user_in(org, Role.VIEWER)
    membership = Membership.objects.get(user=user)
    client_for(owner).post(f"/o/{org.slug}/members/{membership.pk}/role/", {"role": Role.OPERATIONS})
    membership.refresh_from_db()
    assert membership.role == Role.OPERATIONS


def test_the_last_owner_cannot_be_demoted_or_removed(org, owner, client_for):
    membership = Membership.objects.get(user=owner)
    client = client_for(owner)
    client.post(f"/o/{org.slug}/members/{membership.pk}/role/", {"role": Role.VIEWER})
    client.post(f"/o/{org.slug}/members/{membership.pk}/remove/")
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_an_owner_removes_a_member(org, owner, client_for):
    user = factories.make_user_in(org, Role.MARKETING)
    membership = Membership.objects.get(user=user)
    client_for(owner).post(f"/o/{org.slug}/members/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_members_page_rejects_get_only_routes_with_405(org, owner, client_for):
    membership = Membership.objects.get(user=owner)
    assert client_for(owner).get(f"/o/{org.slug}/members/{membership.pk}/remove/").status_code == 405


def test_a_marketing_member_sees_members_but_no_edit_controls(org, client_for):
    html = client_for(factories.make_user_in(org, Role.MARKETING)).get(f"/o/{org.slug}/members/").content.decode()
    assert "Remove" not in html and "Retirer" not in html
    assert 'name="email"' not in html
