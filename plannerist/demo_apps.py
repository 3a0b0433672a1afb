"""Each app's demo rows, in dependency order (catalogue, campaigns, capacity, then actuals and KPIs)."""

from __future__ import annotations

from plannerist.models import Organization


def seed_apps(organization: Organization, *, like: str | None = None) -> None:
    """``like`` gives the organisation the rows of that demo business (the load test's shops)."""
    from campaigns import demo as campaigns_demo
    from capacity import demo as capacity_demo
    from kpis import demo as kpis_demo

    campaigns_demo.seed(organization, like=like)
    capacity_demo.seed(organization, like=like)
    kpis_demo.seed(organization, like=like)
