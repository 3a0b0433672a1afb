"""The holiday-peak page's charts: each resource's load against capacity, and stock."""

from __future__ import annotations

import datetime as dt

import numpy as np
import plotly.graph_objects as go
from django.utils.translation import gettext as _

from capacity import engine
from capacity.advice import ranges
from plannerist.charts import PALETTE, layout, plotly_text, to_html
from plannerist.templatetags.plannerist import num


def _dates(values: np.ndarray) -> list[dt.date]:
    return [d.astype(dt.date) for d in values]


def resource_load(plan: engine.LoadPlan, column: int, *, dom_id: str) -> str:
    """Due hours (bars) against capacity, the backlog and the delay of one resource.

    Overloaded days (utilisation above 100 %) are red, hatched and labelled, so that the
    colour never carries the meaning alone.
    """
    name = plan.resources[column]
    dates = _dates(plan.dates)
    due = plan.due_minutes[:, column] / 60.0
    capacity = plan.capacity_minutes[:, column] / 60.0
    backlog = plan.backlog_minutes[:, column] / 60.0
    delay = plan.delay_days[:, column]
    over = np.nan_to_num(plan.utilization[:, column], nan=0.0) > 1.0
    over_label = plotly_text(_("over"))
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=dates, y=due, name=plotly_text(_("hours due")),
        marker={"color": [PALETTE["bad"] if o else PALETTE["campaign"] for o in over],
                "pattern": {"shape": ["/" if o else "" for o in over], "fgcolor": "#fff"}},
        text=[over_label if o else "" for o in over], textposition="outside",
        hovertemplate="%{x|%d/%m}: %{y:.1f} h<extra></extra>",
    ))
    fig.add_trace(go.Scatter(x=dates, y=capacity, name=plotly_text(_("capacity (hours)")), mode="lines",
                             line={"color": PALETTE["good"], "width": 2, "shape": "hvh"}))
    fig.add_trace(go.Scatter(x=dates, y=backlog, name=plotly_text(_("backlog (hours)")), mode="lines",
                             line={"color": PALETTE["warn"], "width": 2, "dash": "dash"}))
    fig.add_trace(go.Scatter(x=dates, y=delay, name=plotly_text(_("delay (working days)")), mode="lines+markers", yaxis="y2",
                             connectgaps=True, line={"color": "#56606d", "width": 1.5, "dash": "dot"},
                             marker={"size": 4}))
    layout(fig, title=_("%(name)s: hours due against capacity") % {"name": name}, y_title=_("hours"), height=340)
    fig.update_layout(
        yaxis2={"title": plotly_text(_("delay (working days)")), "overlaying": "y", "side": "right", "rangemode": "tozero",
                "showgrid": False},
        bargap=0.15,
    )
    overloaded = [d for d, o in zip(dates, over, strict=True) if o]
    alt = _("%(name)s from %(start)s to %(end)s: %(due)s hours due for %(capacity)s hours of capacity.") % {
        "name": name, "start": dates[0].isoformat(), "end": dates[-1].isoformat(),
        "due": num(due.sum()), "capacity": num(capacity.sum()),
    }
    if overloaded:
        alt += " " + _("Overloaded on %(days)s.") % {"days": ranges(overloaded)}
    else:
        alt += " " + _("Never overloaded.")
    if backlog.max(initial=0.0) > 0:
        peak = int(np.argmax(backlog))
        alt += " " + _("The backlog peaks at %(hours)s hours on %(day)s; the longest delay is %(delay)s working days.") % {
            "hours": num(backlog[peak], 1), "day": dates[peak].isoformat(),
            "delay": num(np.nanmax(delay) if np.isfinite(delay).any() else 0.0, 1),
        }
    return to_html(fig, div_id=dom_id, alt=alt)


def stock(levels: engine.StockLevels, names: list[str]) -> str:
    """End-of-day units per product; a cross marks each stock-out."""
    dates = _dates(levels.dates)
    colours = [PALETTE["campaign"], PALETTE["baseline"], PALETTE["good"], PALETTE["warn"], "#6a3d9a", "#1f78b4"]
    fig = go.Figure()
    parts = []
    stockouts = levels.stockout_dates()
    for k, (name, out) in enumerate(zip(names, stockouts, strict=True)):
        units = levels.units[:, k]
        fig.add_trace(go.Scatter(x=dates, y=units, name=plotly_text(name), mode="lines",
                                 line={"color": colours[k % len(colours)], "width": 2}))
        if out is not None:
            t = (out - dates[0]).days
            fig.add_trace(go.Scatter(
                x=[out], y=[units[t]], mode="markers+text", name=plotly_text(_("stock-out: %(name)s") % {"name": name}),
                marker={"symbol": "x", "size": 12, "color": PALETTE["bad"]},
                text=[plotly_text(_("stock-out"))], textposition="bottom center", showlegend=False,
            ))
            parts.append(_("%(name)s runs out on %(day)s (lowest %(units)s units)") % {
                "name": name, "day": out.isoformat(), "units": num(units.min())})
        else:
            parts.append(_("%(name)s: lowest %(units)s units, no stock-out") % {"name": name, "units": num(units.min())})
    fig.add_hline(y=0, line={"color": PALETTE["bad"], "width": 1})
    layout(fig, title=_("Stock at the end of each day"), y_title=_("units"), height=320)
    return to_html(fig, div_id="chart-stock", alt="; ".join(parts) + ".")
