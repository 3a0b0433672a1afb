"""The Content Security Policy of every response (Django 5.2 has none built in).

Scripts come from the site itself; an inline ``<script>`` runs only with the request's
nonce (``request.csp_nonce``, ``{{ request.csp_nonce }}`` in templates), minted only when read:
a response that used none allows no inline script at all. The pages have no inline script today: charts are drawn by ``static/js/charts.js`` from their
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
    "script-src {scripts}; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "frame-ancestors 'none'; "
    "form-action 'self'"
)
HEADER = "Content-Security-Policy"


class _Nonce:
    """The request's nonce, minted the first time a template (or view) reads it."""

    def __init__(self) -> None:
        self.value: str | None = None

    def __str__(self) -> str:
        if self.value is None:
            self.value = secrets.token_urlsafe(18)
        return self.value


def policy(nonce: str | None) -> str:
    """The policy; scripts from the site, and inline ones with ``nonce`` when one was used."""
    return POLICY.format(scripts="'self'" + (f" 'nonce-{nonce}'" if nonce else ""))


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = request.csp_nonce = _Nonce()
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = policy(nonce.value)
        return response
