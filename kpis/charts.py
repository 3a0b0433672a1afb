"""KPI charts: plain plotly dicts (no validation on the hot path), house layout, text alternative."""

from __future__ import annotations

import pandas as pd
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from plannerist.charts import PALETTE, base_layout, plotly_text, to_html


def chart_dates(index) -> list[str]:
    return [pd.Timestamp(d).date().isoformat() for d in index]


def chart_values(series: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in series]


def trend(table: pd.DataFrame, targets: dict[str, float], *, currency: str, period: str) -> str:
    """Margin per order per period against its target: the number that decides promotions."""
    if table.empty:
        return ""
    x = chart_dates(table.index)
    data = [
        {"type": "bar", "x": x, "y": chart_values(table["margin_per_order"]), "name": plotly_text(_("Margin per order")),
         "marker": {"color": PALETTE["campaign"]}},
        {"type": "scatter", "mode": "lines+markers", "x": x, "y": chart_values(table["revenue_excl_vat"] / 1000),
         "name": plotly_text(_("Revenue excl. VAT (thousands)")), "yaxis": "y2", "line": {"color": PALETTE["baseline"], "dash": "dot"},
         "marker": {"symbol": "diamond"}},
    ]
    target = targets.get("margin_per_order")
    if target is not None:
        data.append({"type": "scatter", "mode": "lines", "x": x, "y": [target] * len(x), "name": plotly_text(_("Target")),
                     "line": {"color": PALETTE["good"], "dash": "dash"}})
    layout = base_layout(
        title={"week": _("Margin per order, per week"), "month": _("Margin per order, per month")}.get(
            period, _("Margin per order, per quarter")),
        y_title=_("Margin per order (%(currency)s)") % {"currency": currency},
    )
    layout["margin"] = {**layout["margin"], "r": 80}
    layout["yaxis2"] = {"title": {"text": plotly_text(_("Revenue (thousand %(currency)s)") % {"currency": currency})},
                        "overlaying": "y", "side": "right", "showgrid": False}
    latest = table["margin_per_order"].dropna()
    alt = _("Margin per order over the last %(n)d periods; latest %(value)s %(currency)s.") % {
        "n": len(x), "value": number_format(round(float(latest.iloc[-1]), 2), 2) if len(latest) else "—",
        "currency": currency,
    }
    return to_html({"data": data, "layout": layout}, div_id="kpi-trend", alt=alt)


def post_mortem(days: pd.DataFrame, planned: dict[str, float], *, currency: str) -> str:
    """Orders per day: the plan's average day against each day that happened."""
    if days.empty:
        return ""
    x = chart_dates(days["date"])
    per_day = planned["orders"] / planned["days"] if planned.get("days") else None
    data = [
        {"type": "bar", "x": x, "y": chart_values(days["orders"]), "name": plotly_text(_("Orders (actual)")),
         "marker": {"color": PALETTE["campaign"]}},
        {"type": "scatter", "mode": "lines", "x": x, "y": [per_day] * len(x), "name": plotly_text(_("Orders per day (planned)")),
         "line": {"color": PALETTE["warn"], "dash": "dash"}},
    ]
    if days["capacity_orders"].notna().any():
        data.append({"type": "scatter", "mode": "lines", "x": x, "y": chart_values(days["capacity_orders"]),
                     "name": plotly_text(_("Deliverable orders")), "line": {"color": PALETTE["bad"], "dash": "dot"}})
    layout = base_layout(title=_("Orders per day: planned against actual"), y_title=_("Orders"))
    alt = _("%(n)d days: %(actual)s orders against %(planned)s planned per day on average.") % {
        "n": len(x), "actual": number_format(round(float(days["orders"].sum()), 0), 0),
        "planned": "—" if per_day is None else number_format(round(per_day, 1), 1),
    }
    return to_html({"data": data, "layout": layout}, div_id="post-mortem", alt=alt)


UNIT_AXIS = {"currency": "{currency}", "share": "%", "count": "", "multiple": "×", "hours": "h", "days": "", "per_hour": ""}


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
