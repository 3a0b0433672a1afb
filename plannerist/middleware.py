"""A database that cannot be reached gives a "temporarily unavailable" page, not an error page.

While PostgreSQL restarts or fails over, the requests in flight lose their connection and the
next ones cannot open one: the driver raises ``OperationalError`` (terminated, refused) or
``InterfaceError`` (already closed). That is no bug to report but a moment to wait, so the
answer is a 503 with ``Retry-After``, in the request's language. The page is rendered
without the request's context processors, which would query the database again. The next
request after the restart opens a fresh connection (``CONN_HEALTH_CHECKS``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10  # a restart takes seconds; a failover, tens of seconds


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
