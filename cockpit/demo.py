"""The demo businesses seeded by ``manage.py seed_demo`` (idempotent).

"Lumière & Cire" is a candle and home-fragrance shop selling online from Lyon: its owner
is a solopreneur helped by a marketing freelancer and an operations lead, and advised by a
consultant who also advises "Savonnerie du Marais". Each app adds its own demo rows
through its ``seed(organization)`` function, called from ``seed_apps`` in dependency order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from campaigns import demo as campaigns_demo
from capacity import demo as capacity_demo
from kpis import demo as kpis_demo
from plannerist import services as plannerist_services
from plannerist.models import Membership, Organization, Role, User

DEMO_PASSWORD = "demo-plannerist"  # demo data only; seed_demo refuses to run in production


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str


USERS = {
    "owner": DemoUser("camille@lumiere-cire.fr", "Camille", "Martin"),
    "marketing": DemoUser("lea@lumiere-cire.fr", "Léa", "Dubois"),
    "operations": DemoUser("hugo@lumiere-cire.fr", "Hugo", "Bernard"),
    "consultant": DemoUser("sophie@conseil-plannerist.fr", "Sophie", "Laurent"),
    "viewer": DemoUser("paul@cabinet-compta.fr", "Paul", "Girard"),
    "owner2": DemoUser("nadia@savonnerie-marais.fr", "Nadia", "Rousseau"),
}

ORGANIZATIONS = {
    "lumiere-et-cire": {
        "name": "Lumière & Cire",
        "members": {
            "owner": Role.OWNER,
            "marketing": Role.MARKETING,
            "operations": Role.OPERATIONS,
            "consultant": Role.CONSULTANT,
            "viewer": Role.VIEWER,
        },
    },
    "savonnerie-du-marais": {
        "name": "Savonnerie du Marais",
        "members": {"owner2": Role.OWNER, "consultant": Role.CONSULTANT},
    },
}


def _user(key: str) -> User:
    spec = USERS[key]
    user, _ = User.objects.update_or_create(
        email=spec.email,
        defaults={"username": spec.email, "first_name": spec.first_name, "last_name": spec.last_name},
    )
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    plannerist_services.email_address_verify(user=user)  # the demo's people log in at once
    return user


def seed_apps(organization: Organization, *, like: str | None = None) -> None:
    """Each app's demo rows, in dependency order (catalogue, campaigns, capacity, then actuals
    and KPIs). ``like`` gives the organisation the rows of that demo business (the load test's shops)."""
    campaigns_demo.seed(organization, like=like)
    capacity_demo.seed(organization, like=like)
    kpis_demo.seed(organization, like=like)


@transaction.atomic
def seed() -> list[Organization]:
    organizations = []
    for slug, spec in ORGANIZATIONS.items():
        organization, _ = Organization.objects.update_or_create(
            slug=slug, defaults={"name": spec["name"]}
        )
        for user_key, role in spec["members"].items():
            Membership.objects.update_or_create(
                user=_user(user_key), organization=organization, defaults={"role": role}
            )
        seed_apps(organization)
        organizations.append(organization)
    return organizations


def logins() -> list[tuple[str, str, str]]:
    """(e-mail, password, what they are) for the README and ``make demo``."""
    labels = {
        "owner": "owner of Lumière & Cire (solopreneur)",
        "marketing": "marketing (CMO) at Lumière & Cire",
        "operations": "operations (COO) at Lumière & Cire",
        "consultant": "consultant for both businesses",
        "viewer": "viewer (accountant) at Lumière & Cire",
        "owner2": "owner of Savonnerie du Marais",
    }
    return [(USERS[key].email, DEMO_PASSWORD, label) for key, label in labels.items()]
