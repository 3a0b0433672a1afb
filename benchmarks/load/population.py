"""Who the load test logs in as, shared by ``seed.py`` and the locustfile (no Django import).

Each organisation ``load-01`` … ``load-NN`` has an owner and is seeded like the demo's
Lumière & Cire (catalogue, campaigns, capacity, a year of orders, KPIs); one consultant
belongs to all of them. Every account's password is the run's ``PLANNERIST_LOAD_PASSWORD``.
"""

from __future__ import annotations

TEMPLATE = "lumiere-et-cire"
CONSULTANT_EMAIL = "consultant@load.plannerist.test"
IMPORT_SKUS = ("BOUG-FIGUIER", "FOND-VANILLE", "DIFF-LIN")  # products of the template's catalogue


def organisation_slug(number: int) -> str:
    return f"load-{number:02d}"


def organisation_name(number: int) -> str:
    return f"Load shop {number:02d}"


def owner_email(number: int) -> str:
    return f"owner-{number:02d}@load.plannerist.test"
