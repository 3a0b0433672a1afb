"""A database that cannot be reached gives a "temporarily unavailable" page, not an error page.

While PostgreSQL restarts or fails over, the requests in flight lose their connection and the
next ones cannot open one: the driver raises ``OperationalError`` (terminated, refused) or
``InterfaceError`` (already closed). That is no bug to report but a moment to wait, so the
answer is a 503 with ``Retry-After``, in the request's language. The page is rendered
without the request's context processors, which would query the database again. The next
request after the restart opens a fresh connection (``CONN_HEALTH_CHECKS``).

The middleware sees what views raise; :func:`server_error` (the project's ``handler500``)
sees the rest — a session saved by ``SessionMiddleware`` on the way out, an authentication
lookup — and answers the same 503 for the same errors, the usual 500 page otherwise.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

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
        return database_unavailable(request, exception)


def database_unavailable(request: HttpRequest, exception: Exception) -> HttpResponse:
    logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django calls it while handling the exception, so it is at hand."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        return database_unavailable(request, exception)
    return defaults.server_error(request)
