"""The dashboard's charts: a KPI pair over the last periods, the load against capacity for the
next weeks. Plain plotly dicts, house layout, a text alternative each (as :mod:`kpis.charts`)."""

from __future__ import annotations

import pandas as pd
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from kpis.charts import UNIT_AXIS, chart_dates, chart_values
from plannerist.charts import PALETTE, base_layout, plotly_text, to_html


def pair(table: pd.DataFrame, sides, *, currency: str, div_id: str) -> str:
    """One KPI pair over the last periods: the first on the left axis (bars), the second on
    the right (line with diamonds); each target dashed, in the same colour as its KPI."""
    if table.empty:
        return ""
    x = chart_dates(table.index)
    colours = (PALETTE["campaign"], PALETTE["warn"])
    data, layout = [], base_layout(title="", y_title="", height=230)
    layout["margin"] = {"l": 55, "r": 55, "t": 10, "b": 40}
    layout["legend"] = {"orientation": "h", "y": -0.25}
    for k, side in enumerate(sides):
        scale = 100.0 if side.unit == "share" else 1.0
        axis = "y" if k == 0 else "y2"
        trace = {"x": x, "y": [None if v is None else v * scale for v in chart_values(table[side.key])],
                 "name": plotly_text(side.label), "yaxis": axis}
        if k == 0:
            trace.update({"type": "bar", "marker": {"color": colours[0]}, "opacity": 0.85})
        else:
            trace.update({"type": "scatter", "mode": "lines+markers",
                          "line": {"color": colours[1], "width": 3}, "marker": {"symbol": "diamond", "size": 8}})
        data.append(trace)
        if side.target is not None:
            data.append({"type": "scatter", "mode": "lines", "x": x, "y": [side.target * scale] * len(x),
                         "name": plotly_text(_("Target: %(kpi)s") % {"kpi": side.label}), "yaxis": axis,
                         "line": {"color": colours[k], "dash": "dash" if k == 0 else "dot", "width": 1.5}})
        title = UNIT_AXIS.get(side.unit, "").format(currency=currency)
        key = "yaxis" if k == 0 else "yaxis2"
        layout[key] = {"title": {"text": plotly_text(f"{side.label} ({title})" if title else side.label), "font": {"size": 11}},
                       "gridcolor": "#e3e7eb" if k == 0 else None, "showgrid": k == 0, "rangemode": "tozero"}
        if k == 1:
            layout[key].update({"overlaying": "y", "side": "right"})
    alt = " ; ".join(
        _("%(kpi)s: latest %(value)s, target %(target)s") % {
            "kpi": s.label, "value": "—" if s.latest is None else number_format(round(s.latest * (100 if s.unit == "share" else 1), 2), 2),
            "target": "—" if s.target is None else number_format(round(s.target * (100 if s.unit == "share" else 1), 2), 2)}
        for s in sides
    )
    return to_html({"data": data, "layout": layout}, div_id=div_id, alt=alt)


def load(weeks, rows, *, target: float = 1.0) -> str:
    """Forecast utilisation per resource and week against 100 %: grouped bars, one pattern
    per resource so that colour is not the only cue."""
    if not rows:
        return ""
    x = [plotly_text(date_format(w, "j M")) for w in weeks]
    patterns = ["", "/", ".", "x", "-", "\\\\", "+"]
    data = [
        {"type": "bar", "x": x, "y": [None if v is None else v * 100 for v in row["weeks"]], "name": plotly_text(row["resource"]),
         "marker": {"pattern": {"shape": patterns[k % len(patterns)]}}}
        for k, row in enumerate(rows)
    ]
    data.append({"type": "scatter", "mode": "lines", "x": x, "y": [target * 100] * len(x), "name": plotly_text(_("Capacity (100 %)")),
                 "line": {"color": PALETTE["bad"], "dash": "dash"}})
    layout = base_layout(title=_("Load against capacity, next weeks"), y_title=_("Hours due ÷ hours planned (%)"),
                         height=280)
    layout["barmode"] = "group"
    layout["xaxis"] = {**layout["xaxis"], "type": "category"}
    over = [f"{row['resource']} {number_format(round(max(v for v in row['weeks'] if v is not None) * 100), 0)} %"
            for row in rows if any(v is not None and v > 1 for v in row["weeks"])]
    alt = _("Forecast load per resource and week; over capacity: %(over)s.") % {"over": ", ".join(over) or _("none")}
    return to_html({"data": data, "layout": layout}, div_id="load-chart", alt=alt)
