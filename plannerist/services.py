"""Writes on organisations and memberships."""

from __future__ import annotations

import hashlib
import itertools
import re
import secrets
from collections import Counter
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone as clock
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plannerist import countries, export
from plannerist.models import Invitation, Membership, Organization, Role, User


class MembershipError(Exception):
    """A membership change that would leave the organisation in a bad state."""


@transaction.atomic
def organization_create(
    *,
    slug: str,
    name: str,
    currency: str | None = None,
    country: str = "FR",
    timezone: str | None = None,
    vat_rate: Decimal = Decimal("0.20"),
    prices_include_vat: bool = True,
    language: str = "fr",
    owner: User | None = None,
) -> Organization:
    """A new organisation; its time zone and currency, when not given, are its country's
    (``plannerist.countries``), or a ValidationError on the field asks for them."""
    country = country.upper()
    try:  # a malformed country has no zone or currency to look up: say so on its field
        Organization._meta.get_field("country").clean(country, None)
    except ValidationError as error:
        raise ValidationError({"country": error.messages}) from None
    timezone = timezone or countries.time_zone_of(country)
    if timezone is None:
        zones = countries.time_zones(country)
        message = (
            _("%(country)s has several time zones (%(zones)s): choose the shop's.") if zones
            else _("No time zone is known for the country %(country)s: give the shop's.")
        )
        raise ValidationError({"timezone": message % {"country": country, "zones": ", ".join(zones)}})
    currency = currency or countries.currency_of(country)
    if currency is None:
        raise ValidationError({"currency": _("No currency is known for the country %(country)s: give the shop's.")
                               % {"country": country}})
    organization = Organization(
        slug=slug, name=name, currency=currency, country=country, timezone=timezone, vat_rate=vat_rate,
        prices_include_vat=prices_include_vat, language=language,
    )
    organization.full_clean()
    organization.save()
    if owner is not None:
        Membership.objects.create(user=owner, organization=organization, role=Role.OWNER)
    return organization


SLUG_LENGTH = 50  # room for "-<n>" within the field's 60


def organization_slug_for(name: str) -> str:
    """A free slug made from ``name`` ("Lumière & Cire" → "lumiere-cire", then "lumiere-cire-2"…)."""
    base = slugify(name)[:SLUG_LENGTH].strip("-") or "organisation"
    taken = set(Organization.objects.filter(slug__regex=rf"^{re.escape(base)}(-[0-9]+)?$").values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in itertools.count(2) if f"{base}-{n}" not in taken)


def organization_create_named(*, name: str, owner: User, country: str, vat_rate: Decimal | None = None,
                              prices_include_vat: bool | None = None, currency: str | None = None,
                              timezone: str | None = None, language: str = "fr") -> Organization:
    """A new organisation owned by ``owner``, its slug made from its name (unique, whatever the
    names already taken: two at once each get their own), its VAT rate and whether prices
    include it, when not given, its country's (``plannerist.countries``)."""
    country = country.strip().upper()
    try:  # the country first: the defaults below are looked up from it
        Organization._meta.get_field("country").clean(country, None)
    except ValidationError as error:
        raise ValidationError({"country": error.messages}) from None
    if vat_rate is None:
        vat_rate = countries.vat_rate_of(country)
        if vat_rate is None:
            raise ValidationError({"vat_rate": _("No single VAT rate is known for the country %(country)s: give "
                                                 "the rate of your products.") % {"country": country}})
    if prices_include_vat is None:
        prices_include_vat = countries.prices_include_vat_in(country)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return organization_create(
                    slug=organization_slug_for(name), name=name.strip(), country=country, vat_rate=vat_rate,
                    prices_include_vat=prices_include_vat, currency=currency or None, timezone=timezone or None,
                    language=language, owner=owner,
                )
        except (IntegrityError, ValidationError) as error:
            # Another request took the slug between the look-up and the insert: look again.
            if isinstance(error, ValidationError) and "slug" not in getattr(error, "error_dict", {}):
                raise
    raise ValidationError({"name": _("Could not find a free address for this name: try another name.")})


def email_address_verify(*, user: User) -> None:
    """Record the user's e-mail as verified, for accounts made by someone who vouches for it
    (the operator's command, an invitation's link the invitee opened, the demo): allauth's login
    asks a verified address of every account (``ACCOUNT_EMAIL_VERIFICATION``)."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


@transaction.atomic
def user_get_or_create(*, email: str) -> tuple[User, bool]:
    """The user with this e-mail; a new one has no usable password until they set one."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    user = User(username=email, email=email)
    user.set_unusable_password()
    user.save()
    email_address_verify(user=user)
    return user, True


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, _token_hash(token)


@transaction.atomic
def invitation_create(*, organization: Organization, email: str, role: str, by: User | None) -> tuple[Invitation, str]:
    """A pending invitation of ``email`` (the same whether or not it has an account: nothing
    about the account is read); one already pending for it takes the new role and a new
    link. Returns the invitation and its link's token, which is shown once and kept hashed."""
    email = email.strip().lower()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise MembershipError(_("%(email)s is already a member.") % {"email": email})
    token, token_hash = _new_token()
    invitation, _created = Invitation.objects.update_or_create(
        organization=organization, email=email,
        defaults={"role": role, "invited_by": by, "token_hash": token_hash, "created_at": clock.now()},
    )
    return invitation, token


def invitation_renew(*, invitation: Invitation) -> str:
    """A new link for an invitation (the old one stops working), valid from now."""
    token, invitation.token_hash = _new_token()
    invitation.created_at = clock.now()
    invitation.save(update_fields=["token_hash", "created_at"])
    return token


def invitation_withdraw(*, invitation: Invitation) -> None:
    invitation.delete()


def invitation_by_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("organization").filter(token_hash=_token_hash(token)).first()


def _pending_for(invitation: Invitation, email: str) -> Invitation:
    """The invitation, locked, when it is still pending for ``email``."""
    current = Invitation.objects.select_for_update().filter(pk=invitation.pk, email__iexact=email).first()
    if current is None or current.is_expired():
        raise MembershipError(_("This invitation has expired or was withdrawn: ask the owner for a new link."))
    return current


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """The invitee joins with the invitation's role."""
    current = _pending_for(invitation, user.email)
    membership, _created = Membership.objects.get_or_create(
        user=user, organization_id=current.organization_id, defaults={"role": current.role}
    )
    current.delete()
    return membership


@transaction.atomic
def invitation_decline(*, invitation: Invitation, user: User) -> None:
    _pending_for(invitation, user.email).delete()


@transaction.atomic
def invitation_accept_with_new_account(*, invitation: Invitation, password: str) -> Membership:
    """An invitee without an account makes it with the password they chose, and joins. An
    existing account is never touched here: its owner logs in to answer."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise MembershipError(_("An account already has this e-mail: log in to answer the invitation."))
    user = User(username=invitation.email, email=invitation.email)
    user.set_password(password)
    user.save()
    email_address_verify(user=user)  # the link reached this address
    return invitation_accept(invitation=invitation, user=user)


def _lock_owners(membership: Membership) -> tuple[Membership, bool]:
    """Lock the organisation's owner rows and ``membership``'s, always in primary-key order,
    and return ``membership`` as it is now with whether another owner remains.

    Two owners demoting each other at once would otherwise each lock their own row first and
    then wait for the other's: a deadlock on PostgreSQL. In one order, the second waits for the
    first to commit, then reads the roles as they are (the first owner's demotion included).
    """
    rows = list(
        Membership.objects.select_for_update()
        .filter(Q(role=Role.OWNER) | Q(pk=membership.pk), organization_id=membership.organization_id)
        .order_by("pk")
    )
    current = next((row for row in rows if row.pk == membership.pk), None)
    if current is None:
        raise MembershipError(_("This member no longer belongs to the organisation."))
    others = any(row.role == Role.OWNER for row in rows if row.pk != membership.pk)
    return current, others


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    current, other_owners = _lock_owners(membership)
    if current.role == Role.OWNER and role != Role.OWNER and not other_owners:
        raise MembershipError(_("An organisation keeps at least one owner."))
    current.role = membership.role = role
    current.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    current, other_owners = _lock_owners(membership)
    if current.role == Role.OWNER and not other_owners:
        raise MembershipError(_("An organisation keeps at least one owner."))
    current.delete()


@transaction.atomic
def organization_delete(*, organization: Organization) -> dict[str, int]:
    """Delete the organisation and every row it owns (the foreign keys cascade); the members'
    accounts stay, as they may belong to other organisations. Returns the rows deleted per model.

    A row can protect another (a campaign its channel: a channel in use cannot be deleted on its
    own), and PROTECT holds even when both go in the same cascade: the rows of every table
    holding a PROTECT foreign key go first. The tables are found from the models, as the
    export finds them, so the foundation names no feature app."""
    deleted: Counter[str] = Counter()
    for table in _protecting_tables():
        _total, counts = table.model._default_manager.filter(**{table.path: organization}).delete()
        deleted.update(counts)
    _total, rest = organization.delete()
    deleted.update(rest)
    return {label: n for label, n in deleted.items() if n}  # as Counter addition: no zero counts


def _protecting_tables() -> list[export.Table]:
    """The organisation's tables with a foreign key whose ``on_delete`` is PROTECT."""
    return [
        table for table in export.org_tables()
        if table.path and any(
            isinstance(field, models.ForeignKey) and field.remote_field.on_delete is models.PROTECT
            for field in table.model._meta.concrete_fields
        )
    ]
