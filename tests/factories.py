"""Plain factory functions, exposed as fixtures in ``tests/conftest.py``.

``OBJECT_MAKERS`` says how to make one row of each org-scoped model for an organisation:
the tenant-isolation sweep uses it to fill every ``<model>_id`` of every URL.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from django.db import models

from plannerist.models import Membership, Organization, Role, User

_seq = itertools.count(1)
PASSWORD = "a-long-test-password"


def make_user(email: str | None = None) -> User:
    email = email or f"user{next(_seq)}@example.test"
    user = User(username=email, email=email)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_org(slug: str | None = None, **fields) -> Organization:
    number = next(_seq)
    return Organization.objects.create(
        slug=slug or f"org-{number}", name=fields.pop("name", f"Shop {number}"), **fields
    )


def make_member(organization: Organization, role: str = Role.OWNER, user: User | None = None) -> User:
    user = user or make_user()
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


OBJECT_MAKERS: dict[type[models.Model], Callable[[Organization], models.Model]] = {
    Membership: lambda org: Membership.objects.create(
        user=make_user(), organization=org, role=Role.VIEWER
    ),
}


def make_object(model: type[models.Model], organization: Organization) -> models.Model:
    try:
        maker = OBJECT_MAKERS[model]
    except KeyError:
        raise LookupError(
            f"tests/factories.py has no OBJECT_MAKERS entry for {model.__name__}: add one so "
            "that the tenant-isolation sweep can fill URLs that name it."
        ) from None
    return maker(organization)
