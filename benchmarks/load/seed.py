"""Seed the load test's organisations and accounts (idempotent; see ``population.py``).

    PLANNERIST_LOAD_PASSWORD=… DATABASE_URL=… python benchmarks/load/seed.py [--organisations 20]

``bench_load.py`` runs it against the stack's database. An organisation is seeded through
the demo's code (``seed_apps(…, like=TEMPLATE)``) once; later runs only check the accounts.
Then, on PostgreSQL, ``ANALYZE``: what autovacuum does after a bulk load in production, and
what a server run with ``autovacuum = off`` (this machine's) never does; without it the
planner estimates one row for tables of 600,000 and the pages are measured on plans that no
production database would choose (the portfolio's pair snapshots: 23 ms instead of 5 ms).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]

import population  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=20)
    count = parser.parse_args().organisations
    password = os.environ["PLANNERIST_LOAD_PASSWORD"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plannerist.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from cockpit.demo import seed_apps
    from kpis.models import KpiSnapshot
    from plannerist import services
    from plannerist.models import Membership, Organization, Role

    def account(email: str):
        user, _ = services.user_get_or_create(email=email)
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        return user

    consultant = account(population.CONSULTANT_EMAIL)
    for number in range(1, count + 1):
        slug = population.organisation_slug(number)
        with transaction.atomic():
            organization = Organization.objects.filter(slug=slug).first() or services.organization_create(
                slug=slug, name=population.organisation_name(number)
            )
            for user, role in ((account(population.owner_email(number)), Role.OWNER), (consultant, Role.CONSULTANT)):
                Membership.objects.update_or_create(user=user, organization=organization, defaults={"role": role})
            if KpiSnapshot.objects.filter(organization=organization).exists():
                continue
            start = time.perf_counter()
            seed_apps(organization, like=population.TEMPLATE)
        print(f"seeded {slug} like {population.TEMPLATE} in {time.perf_counter() - start:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{count} organisations ready; their owners and {population.CONSULTANT_EMAIL} can log in")


if __name__ == "__main__":
    main()
