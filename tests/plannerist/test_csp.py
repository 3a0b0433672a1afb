"""The Content Security Policy is sent, and the pages satisfy it: no inline script without the
request's nonce, no inline event handler, no ``javascript:`` URL."""

from __future__ import annotations

import re
from pathlib import Path

from django.http import HttpResponse
from django.test import Client

from campaigns.models import Campaign, Scenario
from plannerist.csp import HEADER, ContentSecurityPolicyMiddleware
from plannerist.models import Role
from reviews.models import WeeklyReview
from tests import factories
from tests.plannerist.org_data import seed_business

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""\s(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
HTMX = {"HTTP_HX_REQUEST": "true"}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def nonce_of(response) -> str | None:
    found = re.search(r"'nonce-([A-Za-z0-9_-]+)'", response[HEADER])
    return found and found[1]


def assert_satisfies_the_policy(response, where: str) -> None:
    assert response.status_code in {200, 286}, (where, response.status_code)  # 286: stop polling
    assert HEADER in response, where
    if not response["Content-Type"].startswith("text/html"):
        return
    html = response.content.decode()
    nonce = nonce_of(response)
    for tag in SCRIPT_TAG.findall(html):
        assert re.search(r"\ssrc=", tag) or f'nonce="{nonce}"' in tag, (where, tag)
    handler = EVENT_HANDLER.search(html)
    assert handler is None, (where, handler and handler.group())
    assert JAVASCRIPT_URL.search(html) is None, where


def test_the_policy_allows_scripts_from_the_site_and_the_nonce_only(client, db):
    response = client.get("/accounts/login/")
    policy = response[HEADER]
    assert "script-src 'self';" in policy  # the page used no nonce: none is allowed
    for directive in ("default-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
                      "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'", "form-action 'self'"):
        assert directive in policy
    assert "unsafe-eval" not in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert_satisfies_the_policy(response, "login")


def test_a_nonce_is_minted_when_read_a_new_one_per_response(rf):
    def page(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    middleware = ContentSecurityPolicyMiddleware(page)
    first, second = middleware(rf.get("/")), middleware(rf.get("/"))
    nonce = nonce_of(first)
    assert nonce and f'nonce="{nonce}"' in first.content.decode()
    assert f"script-src 'self' 'nonce-{nonce}';" in first[HEADER]
    assert nonce_of(second) not in {None, nonce}
    assert nonce_of(ContentSecurityPolicyMiddleware(lambda request: HttpResponse("x"))(rf.get("/"))) is None


def test_the_demo_pages_satisfy_the_policy(db):
    """The pages with the most on them: a demo-like business, its charts, its what-if, its reviews."""
    org = factories.make_org(slug="lumiere-et-cire")
    seed_business(org)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(factories.make_user_in(org, Role.OWNER))
    base = f"/o/{org.slug}"
    campaign = Campaign.objects.filter(organization=org).order_by("pk").first()
    scenario = Scenario.objects.filter(campaign__organization=org).order_by("pk").first()
    review = WeeklyReview.objects.filter(organization=org).order_by("-week_start").first()
    pages = [
        "/", f"{base}/", f"{base}/?period=month", f"{base}/campaigns/", f"{base}/campaigns/{campaign.pk}/",
        f"{base}/campaigns/{campaign.pk}/scenarios/", f"{base}/campaigns/scenarios/{scenario.pk}/",
        f"{base}/campaigns/catalogue/", f"{base}/capacity/", f"{base}/capacity/settings/", f"{base}/kpis/",
        f"{base}/kpis/campaigns/{campaign.pk}/", f"{base}/kpis/imports/", f"{base}/kpis/reviews/",
        f"{base}/kpis/reviews/{review.pk}/", f"{base}/kpis/reviews/{review.pk}/print/", f"{base}/members/",
        f"{base}/export/", f"{base}/delete/",
    ]
    drawn = 0
    for url in pages:
        response = client.get(url)
        assert_satisfies_the_policy(response, url)
        drawn += response.content.decode().count("data-figure=")
    assert drawn >= 8  # the charts are there, drawn by static/js/charts.js

    whatif = client.post(f"{base}/campaigns/whatif/", {
        "name": "Noël", "channel": campaign.channel_id, "start": "2026-12-01", "end": "2026-12-20",
        "baseline_orders": "300", "mechanic": "percent_off", "discount_rate": "20", "discount_amount": "0",
        "buy": "1", "get": "1", "get_discount": "100", "scope": "catalogue", "uplift": "50",
        "ad_spend": "1000", "creative_cost": "0", "setup_cost": "0",
    }, **HTMX)
    assert_satisfies_the_policy(whatif, "what-if")
    assert whatif.content.decode().count("data-figure=") == 3
    for url in (f"{base}/?period=quarter", f"{base}/capacity/", f"{base}/kpis/reviews/", "/"):
        assert_satisfies_the_policy(client.get(url, **HTMX), f"{url} (htmx)")


def test_no_template_holds_an_inline_script_or_event_handler():
    """Every template, reachable or not (the rendered pages are walked in test_canary.py)."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for tag in SCRIPT_TAG.findall(text):
            assert re.search(r"\ssrc=", tag) or "{{ request.csp_nonce }}" in tag, (path.name, tag)
        assert EVENT_HANDLER.search(text) is None, (path.name, EVENT_HANDLER.search(text).group())
        assert JAVASCRIPT_URL.search(text) is None, path.name
        assert "hx-on" not in text and "js:" not in text, path.name  # htmx runs without eval


def test_a_chart_is_a_figure_for_the_static_script_not_an_inline_script():
    from plannerist.charts import to_html

    html = to_html({"data": [{"type": "bar", "x": [1], "y": [2], "name": "it's <b>"}], "layout": {"height": 300}},
                   div_id="chart-x", alt="A bar")
    assert "<script" not in html
    assert 'id="chart-x" class="plotly-graph-div" style="height:300px; width:100%;"' in html
    assert "data-figure='{\"data\"" in html and "it&#x27;s" in html and "<b>" not in html
