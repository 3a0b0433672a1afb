"""Health probes: the cheapest answers the stack can give, and the baselines of the load test.

``healthz`` touches neither the database nor the session (no middleware reads either for a
request that does not ask): it says the process serves. ``healthz_db`` runs one ``SELECT 1``:
it says the process reaches PostgreSQL. Both are public and never cached. Behind a proxy
over plain http, the probe sends ``X-Forwarded-Proto: https`` so that the production SSL
redirect lets it through (``scripts/serve healthcheck``).
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return _text("ok")


@never_cache
@require_safe
def healthz_db(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health probe: the database does not answer: %s", error)
        return _text("database unavailable", status=503)
    return _text("ok")
