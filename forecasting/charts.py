"""The forecast page's chart: the recent actuals, the stored baseline and its 80 % band."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from django.utils.translation import gettext as _

from plannerist.charts import PALETTE, layout, plotly_text, to_html
from plannerist.templatetags.plannerist import num


def forecast(
    history: pd.Series, days: pd.DataFrame, last_year: pd.Series | None = None, *, dom_id: str = "forecast-chart"
) -> str:
    """``history``: orders per day (index: day); ``days``: the stored forecast (orders,
    orders_lo80, orders_hi80, index: day); ``last_year``: the orders of the same weekday 364
    days before each forecast day (NaN where the history does not reach). Every text shown
    is escaped for plotly.js."""
    ahead = [d.date() for d in days.index]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=ahead + ahead[::-1], y=days["orders_hi80"].tolist() + days["orders_lo80"].tolist()[::-1],
        fill="toself", fillcolor="rgba(36, 82, 122, 0.15)", line={"width": 0}, hoverinfo="skip",
        name=plotly_text(_("80 % interval")),
    ))
    fig.add_trace(go.Scatter(x=ahead, y=days["orders"].tolist(), name=plotly_text(_("forecast")), mode="lines",
                             line={"color": PALETTE["campaign"], "width": 2},
                             hovertemplate="%{x|%d/%m/%Y}: %{y:.1f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[d.date() for d in history.index], y=history.tolist(), name=plotly_text(_("orders")),
                             mode="lines", line={"color": PALETTE["baseline"], "width": 1.5},
                             hovertemplate="%{x|%d/%m/%Y}: %{y:.0f}<extra></extra>"))
    known = last_year.dropna() if last_year is not None else pd.Series(dtype=float)
    if len(known):
        fig.add_trace(go.Scatter(
            x=ahead, y=[None if pd.isna(v) else float(v) for v in last_year.tolist()],
            name=plotly_text(_("last year, same weekday")), mode="lines",
            line={"color": PALETTE["warn"], "width": 1, "dash": "dot"},
            hovertemplate="%{x|%d/%m/%Y}: %{y:.0f}<extra></extra>",
        ))
    layout(fig, title=_("Orders per day: your history and the forecast"), y_title=_("orders per day"), height=360)
    alt = _("Orders per day.") if history.empty else _(
        "Orders per day from %(start)s to %(end)s: %(total)s orders in all, %(mean)s a day on average."
    ) % {"start": history.index[0].date().isoformat(), "end": history.index[-1].date().isoformat(),
         "total": num(history.sum()), "mean": num(history.mean(), 1)}
    if len(days):
        alt += " " + _(
            "Forecast from %(start)s to %(end)s: %(total)s orders expected (between %(lo)s and %(hi)s a day for 8 days out of 10)."
        ) % {"start": ahead[0].isoformat(), "end": ahead[-1].isoformat(), "total": num(days["orders"].sum()),
             "lo": num(days["orders_lo80"].min()), "hi": num(days["orders_hi80"].max())}
    if len(known):
        alt += " " + _(
            "A year before, on the same weekdays (%(days)s days known): %(total)s orders, against %(expected)s forecast for those days."
        ) % {"days": len(known), "total": num(known.sum()), "expected": num(days["orders"].reindex(known.index).sum())}
    return to_html(fig, div_id=dom_id, alt=alt)
