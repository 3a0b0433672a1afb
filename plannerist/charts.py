"""Plotly conventions shared by every chart: locale separators, units, a text alternative.

Text becomes HTML twice here, and is escaped for each: the text alternative in the page
(``to_html`` escapes it), and the figure's own text, which plotly.js reads as HTML of its own
(titles, trace names, category labels, annotations, bar texts, hover texts): a builder passes
every such text through :func:`plotly_text`; ``base_layout`` does so for the titles it is given.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

PALETTE = {"baseline": "#6b7785", "campaign": "#24527a", "good": "#1d6b3a", "bad": "#a4262c", "warn": "#8a5a00"}


def is_french() -> bool:
    return (get_language() or "fr").startswith("fr")


def plotly_text(text: object) -> str:
    """``text`` shown as typed by plotly.js, which reads a figure's text as HTML (``<b>``,
    ``<a href>``, ``<br>``) and decodes ``&amp;``, ``&lt;``, ``&gt;`` and numeric entities
    back, but not ``&quot;``: so the three, not ``django.utils.html.escape``."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def base_layout(*, title: str, y_title: str, x_title: str = "", height: int = 320) -> dict:
    """The house layout: title, locale separators (``1 234,5`` in French), axis titles with
    units; the titles are plain text (escaped here for plotly.js)."""
    return {
        "title": {"text": plotly_text(title), "font": {"size": 15}},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "separators": ", " if is_french() else ".,",
        "plot_bgcolor": "#fff",
        "paper_bgcolor": "#fff",
        "font": {"family": "system-ui, sans-serif", "color": "#1d232b"},
        "legend": {"orientation": "h", "y": -0.2},
        "yaxis": {"title": {"text": plotly_text(y_title)}, "gridcolor": "#e3e7eb", "zerolinecolor": "#56606d"},
        "xaxis": {"title": {"text": plotly_text(x_title)}},
    }


def layout(fig: go.Figure, *, title: str, y_title: str, x_title: str = "", height: int = 320) -> go.Figure:
    fig.update_layout(base_layout(title=title, y_title=y_title, x_title=x_title, height=height))
    return fig


def to_html(fig: go.Figure | dict, *, div_id: str, alt: str) -> SafeString:
    """The figure as a ``<div data-figure>`` that ``static/js/charts.js`` draws with plotly.js
    (served once from static/vendor), with its text alternative ``alt``: plain text, which
    may hold the user's words (resource, product, scenario names) and is escaped here.

    No inline ``<script>`` as ``pio.to_html`` writes: the Content Security Policy allows none
    without a nonce (``plannerist/csp.py``), and htmx swaps draw through ``htmx:load`` too.
    A figure given as a plain dict skips plotly's validation: the what-if partial is
    rendered on every keystroke, and validating three figures would double its time.
    """
    config = {"displaylogo": False, "responsive": True, "locale": "fr" if is_french() else "en"}
    figure = pio.to_json(fig, validate=not isinstance(fig, dict))
    height = fig.get("layout", {}).get("height") if isinstance(fig, dict) else fig.layout.height
    style = f"height:{height}px; width:100%;" if height else "width:100%;"
    return format_html(
        '<figure class="chart" role="group" aria-label="{alt}">'
        '<div id="{div_id}" class="plotly-graph-div" style="{style}" '
        "data-figure='{figure}' data-config='{config}'></div>"
        '<figcaption class="visually-hidden">{alt}</figcaption></figure>',
        alt=alt, div_id=div_id, style=style,
        figure=_single_quoted(figure), config=_single_quoted(json.dumps(config)),
    )


def _single_quoted(text: str) -> SafeString:
    """``text`` safe in a single-quoted HTML attribute: JSON keeps its double quotes, which
    makes the figures a third smaller than with ``&quot;`` everywhere."""
    return SafeString(text.replace("&", "&amp;").replace("'", "&#x27;").replace("<", "&lt;").replace(">", "&gt;"))
