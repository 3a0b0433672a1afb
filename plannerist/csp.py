"""The Content Security Policy of every response (Django 5.2 has none built in).

Scripts come from the site itself; an inline ``<script>`` runs only with the request's
nonce (``request.csp_nonce``, ``{{ request.csp_nonce }}`` in templates). The pages have no
inline script at all today: charts are drawn by ``static/js/charts.js`` from their
``data-figure`` attribute, and behaviour lives in ``static/js/app.js`` (no ``on…=``
attributes, which no nonce can allow). Styles allow ``'unsafe-inline'``: plotly.js injects
its stylesheet and styles its SVG from script, htmx injects its indicator style, and a few
``style=`` attributes (the campaign calendar's bars) carry computed widths. No ``eval``:
htmx runs with ``allowEval`` off.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "frame-ancestors 'none'; "
    "form-action 'self'"
)
HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = POLICY.format(nonce=request.csp_nonce)
        return response
