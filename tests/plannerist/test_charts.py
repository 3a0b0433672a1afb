"""Chart builders escape their own text: the text alternative for the page, the figure's text
for plotly.js (which reads titles, trace names and category labels as HTML)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

from django.utils.safestring import SafeString
from django.utils.translation import override

from campaigns.charts import scenario_bars
from cockpit.charts import load
from plannerist.charts import plotly_text, to_html

MARKUP = '<div hx-post="/o/x/members/" hx-trigger="load">Préparation</div>'
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _figure(chart: str) -> dict:
    return json.loads(html.unescape(re.search(r"data-figure='([^']*)'", chart)[1]))


def test_the_load_chart_escapes_resource_names_in_its_caption_label_and_traces():
    rows = [{"resource": MARKUP, "weeks": [1.4, 0.8]}]
    with override("en"):
        chart = load([dt.date(2026, 12, 7), dt.date(2026, 12, 14)], rows)
    assert 'hx-post="' not in chart and "<div hx-post" not in chart
    assert 'aria-label="Forecast load per resource and week; over capacity: &lt;div hx-post=&quot;' in chart
    assert "<figcaption class=\"visually-hidden\">Forecast load per resource and week; over capacity: &lt;div" in chart
    assert _figure(chart)["data"][0]["name"] == plotly_text(MARKUP)


def test_scenario_names_reach_plotly_as_text():
    chart = scenario_bars([MARKUP, "Noël & cadeaux"], [120.0, -30.0], 0, "EUR")
    figure = _figure(chart)
    assert figure["data"][0]["x"] == ["&lt;div hx-post=\"/o/x/members/\" hx-trigger=\"load\"&gt;Préparation&lt;/div&gt;",
                                      "Noël &amp; cadeaux"]
    assert "<div hx-post" not in chart


def test_plotly_text_leaves_quotes_as_plotly_shows_them():
    assert plotly_text('Bougie "Noël" <b> & co') == 'Bougie "Noël" &lt;b&gt; &amp; co'


def test_a_chart_is_safe_html_and_templates_take_it_without_the_safe_filter():
    assert isinstance(to_html({"data": [], "layout": {}}, div_id="x", alt="<b>"), SafeString)
    marked_safe = [path.name for path in TEMPLATES.rglob("*.html") if "|safe" in path.read_text()]
    assert marked_safe == []
