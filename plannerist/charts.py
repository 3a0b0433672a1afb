"""Plotly conventions shared by every chart: locale separators, units, a text alternative."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
from django.utils.translation import get_language

PALETTE = {"baseline": "#6b7785", "campaign": "#24527a", "good": "#1d6b3a", "bad": "#a4262c", "warn": "#8a5a00"}


def is_french() -> bool:
    return (get_language() or "fr").startswith("fr")


def base_layout(*, title: str, y_title: str, x_title: str = "", height: int = 320) -> dict:
    """The house layout: title, locale separators (``1 234,5`` in French), axis titles with units."""
    return {
        "title": {"text": title, "font": {"size": 15}},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "separators": ", " if is_french() else ".,",
        "plot_bgcolor": "#fff",
        "paper_bgcolor": "#fff",
        "font": {"family": "system-ui, sans-serif", "color": "#1d232b"},
        "legend": {"orientation": "h", "y": -0.2},
        "yaxis": {"title": {"text": y_title}, "gridcolor": "#e3e7eb", "zerolinecolor": "#56606d"},
        "xaxis": {"title": {"text": x_title}},
    }


def layout(fig: go.Figure, *, title: str, y_title: str, x_title: str = "", height: int = 320) -> go.Figure:
    fig.update_layout(base_layout(title=title, y_title=y_title, x_title=x_title, height=height))
    return fig


def to_html(fig: go.Figure | dict, *, div_id: str, alt: str) -> str:
    """The figure without plotly.js (served once from static/vendor), with its text alternative.

    A figure given as a plain dict skips plotly's validation: the what-if partial is
    rendered on every keystroke, and validating three figures would double its time.
    """
    config = {"displaylogo": False, "responsive": True, "locale": "fr" if is_french() else "en"}
    html = pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=div_id, config=config,
                       validate=not isinstance(fig, dict))
    return f'<figure class="chart" role="group" aria-label="{alt}">{html}<figcaption class="visually-hidden">{alt}</figcaption></figure>'
