"""``python -m tests.faults.seed_site``: a small organisation in the database that
``DATABASE_URL`` names, for a site a fault test serves from it (``test_postgres_restart.py``).

An owner, three typed-in days of last week and their KPI snapshots; prints the
organisation's slug and the owner's session cookie as JSON.
"""

from __future__ import annotations

import json
import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plannerist.settings")
    django.setup()
    from django.conf import settings
    from django.test import Client

    from kpis import services
    from tests.factories import make_org, make_user_in
    from tests.kpis.factories import last_week, type_figures

    org = make_org()
    owner = make_user_in(org)
    type_figures(org, last_week()[:3], orders=4)
    services.kpis_recompute(organization_id=org.id)
    client = Client()
    client.force_login(owner)
    print(json.dumps({"org": org.slug, "session": client.cookies[settings.SESSION_COOKIE_NAME].value}))


if __name__ == "__main__":
    main()
