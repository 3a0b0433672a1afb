"""Reads for the shell: the user's organisations, members and invitations."""

from __future__ import annotations

from django.db.models import QuerySet

from plannerist.models import Invitation, Membership, User
from plannerist.tenancy import Access


def memberships_of(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user).select_related("organization").order_by(
            "organization__name"
        )
    )


def members_of(access: Access) -> QuerySet[Membership]:
    return access.scoped(Membership).select_related("user").order_by("role", "user__email")


def invitations_for(user: User) -> list[Invitation]:
    """The invitations pending for the user's e-mail, expired ones left out."""
    from django.utils import timezone

    since = timezone.now() - Invitation.VALID_FOR
    return list(Invitation.objects.filter(email__iexact=user.email, created_at__gt=since)
                .select_related("organization", "invited_by").order_by("created_at"))


def invitation_for(user: User, invitation_id: int) -> Invitation:
    """One of the user's invitations; 404 for anyone else's."""
    from django.http import Http404

    invitation = Invitation.objects.select_related("organization").filter(
        pk=invitation_id, email__iexact=user.email).first()
    if invitation is None:
        raise Http404
    return invitation


def account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def password_link_allowed(*, by: User, user: User) -> bool:
    """Whether ``by`` may give ``user`` a link to choose a new password: only when ``by`` owns
    every organisation ``user`` belongs to (an owner of one shop must not take over the account
    of a member of others), never for staff accounts."""
    from plannerist.models import Role

    if user.is_staff or user.is_superuser:
        return False
    theirs = set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
    owned = set(Membership.objects.filter(user=by, role=Role.OWNER).values_list("organization_id", flat=True))
    return bool(theirs) and theirs <= owned
