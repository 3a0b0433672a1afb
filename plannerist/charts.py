"""Plotly conventions shared by every chart: locale separators, units, a text alternative."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import get_language

PALETTE = {"baseline": "#6b7785", "campaign": "#24527a", "good": "#1d6b3a", "bad": "#a4262c", "warn": "#8a5a00"}


def is_french() -> bool:
    return (get_language() or "fr").startswith("fr")


def layout(fig: go.Figure, *, title: str, y_title: str, x_title: str = "", height: int = 320) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 15}},
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        separators=", " if is_french() else ".,",
        plot_bgcolor="#fff",
        paper_bgcolor="#fff",
        font={"family": "system-ui, sans-serif", "color": "#1d232b"},
        legend={"orientation": "h", "y": -0.2},
        yaxis={"title": y_title, "gridcolor": "#e3e7eb", "zerolinecolor": "#56606d"},
        xaxis={"title": x_title},
    )
    return fig


def to_html(fig: go.Figure, *, div_id: str, alt: str) -> str:
    """The figure without plotly.js (served once from static/vendor), with its text alternative."""
    config = {"displaylogo": False, "responsive": True, "locale": "fr" if is_french() else "en"}
    html = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=config)
    return f'<figure class="chart" role="group" aria-label="{alt}">{html}<figcaption class="visually-hidden">{alt}</figcaption></figure>'
