"""The what-if answers as the owner types (issue 12 items 27 and 28): a short debounce that
replaces the request in flight, charts updated in place, and a summary kept in view.
Timed in Chromium by benchmarks/bench_whatif_browser.py."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories
from tests.campaigns.test_views import plan_data

pytestmark = pytest.mark.django_db


def test_the_whatif_form_waits_at_most_100_ms_and_replaces_the_request_in_flight(org, owner, client_for):
    html = client_for(owner).get(f"/o/{org.slug}/campaigns/new/").content.decode()
    form = re.search(r'<form[^>]*id="plan-form"[^>]*>', html, re.S)[0]
    delays = [int(ms) for ms in re.findall(r"delay:(\d+)ms", re.search(r'hx-trigger="([^"]*)"', form)[1])]
    assert delays and max(delays) <= 100, form
    assert 'hx-sync="this:replace"' in form


def test_a_chart_swapped_in_again_is_updated_with_plotly_react_not_redrawn():
    charts_js = (Path(settings.BASE_DIR) / "static" / "js" / "charts.js").read_text()
    assert "Plotly.react(" in charts_js


def test_the_whatif_partial_carries_its_summary_with_the_same_figures(org, owner, client_for):
    factories.make_product(org, price=Decimal("30"), unit_cost=Decimal("9"), vat_rate=Decimal("0.20"))
    channel = factories.make_channel(org)
    html = client_for(owner).post(f"/o/{org.slug}/campaigns/whatif/", plan_data(channel),
                                  HTTP_HX_REQUEST="true").content.decode()
    summary = re.search(r'<div class="whatif-summary" id="whatif-summary".*?</div>', html, re.S)[0]

    def figure(id_: str, text: str) -> str:
        return re.search(rf'id="{id_}">([^<]*)<', text)[1]

    assert figure("summary-margin-per-order", summary) == figure("margin-per-order", html)
    assert figure("summary-incremental-margin", summary) == figure("incremental-margin", html)
    assert re.search(r'id="summary-break-even">[+−-]?\d', summary), summary
    assert "badge" in summary  # the verdict
