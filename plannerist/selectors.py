"""Reads for the shell: the user's organisations and an organisation's members."""

from __future__ import annotations

from django.db.models import QuerySet

from plannerist.models import Membership, User
from plannerist.tenancy import Access


def memberships_of(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user).select_related("organization").order_by(
            "organization__name"
        )
    )


def members_of(access: Access) -> QuerySet[Membership]:
    return access.scoped(Membership).select_related("user").order_by("role", "user__email")


def dashboard_context(access: Access) -> dict:
    return {"organization": access.organization}
