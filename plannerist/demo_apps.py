"""Each app's demo rows, in dependency order (catalogue before campaigns before capacity)."""

from __future__ import annotations

from plannerist.models import Organization


def seed_apps(organization: Organization) -> None:
    for seed in _seeders():
        seed(organization)


def _seeders() -> list:
    return []
