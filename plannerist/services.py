"""Writes on organisations and memberships."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from plannerist.models import Membership, Organization, Role, User


class MembershipError(Exception):
    """A membership change that would leave the organisation in a bad state."""


@transaction.atomic
def organization_create(
    *,
    slug: str,
    name: str,
    currency: str = "EUR",
    country: str = "FR",
    vat_rate: Decimal = Decimal("0.20"),
    language: str = "fr",
    owner: User | None = None,
) -> Organization:
    organization = Organization(
        slug=slug, name=name, currency=currency, country=country, vat_rate=vat_rate, language=language
    )
    organization.full_clean()
    organization.save()
    if owner is not None:
        Membership.objects.create(user=owner, organization=organization, role=Role.OWNER)
    return organization


def user_get_or_create(*, email: str) -> tuple[User, bool]:
    """The user with this e-mail; a new one has no usable password until they set one."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    user = User(username=email, email=email)
    user.set_unusable_password()
    user.save()
    return user, True


@transaction.atomic
def membership_invite(*, organization: Organization, email: str, role: str) -> tuple[Membership, bool]:
    """Add the user with this e-mail (created if needed); returns (membership, user_created)."""
    user, created = user_get_or_create(email=email)
    membership, new = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    if not new:
        raise MembershipError(_("%(email)s is already a member.") % {"email": email})
    return membership, created


def _other_owners(membership: Membership) -> bool:
    return (
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if membership.role == Role.OWNER and role != Role.OWNER and not _other_owners(membership):
        raise MembershipError(_("An organisation keeps at least one owner."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    if membership.role == Role.OWNER and not _other_owners(membership):
        raise MembershipError(_("An organisation keeps at least one owner."))
    membership.delete()


@transaction.atomic
def organization_delete(*, organization: Organization) -> dict[str, int]:
    """Delete the organisation and every row it owns (the foreign keys cascade); the members'
    accounts stay, as they may belong to other organisations. Returns the rows deleted per model."""
    from collections import Counter

    from campaigns.models import Campaign

    # A campaign protects its channel (a channel in use cannot be deleted on its own), and
    # PROTECT holds even when both go in the same cascade: the campaigns go first.
    _total, campaigns = Campaign.objects.filter(organization=organization).delete()
    _total, rest = organization.delete()
    return dict(Counter(campaigns) + Counter(rest))
