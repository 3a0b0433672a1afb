"""The campaign page's charts: a waterfall of one order and the two break-even curves.

Figures are plain dicts (see ``plannerist.charts.to_html``): they are rebuilt on every
keystroke of the what-if.
"""

from __future__ import annotations

import numpy as np
from django.utils.translation import gettext as _

from campaigns import engine
from plannerist.charts import PALETTE, base_layout, plotly_text, to_html


def step_labels() -> dict[str, str]:
    return {
        "revenue": _("Revenue excl. VAT"), "goods_cost": _("Goods"), "packaging_cost": _("Packaging"),
        "shipping_cost": _("Shipping"), "payment_fees": _("Payment"), "commission": _("Commission"),
        "returns": _("Returns"), "support": _("Support"), "margin": _("Margin"),
    }


def _zero_line() -> dict:
    return {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0, "y1": 0,
            "line": {"color": "#56606d", "width": 1}}


def waterfall(evaluation: engine.Evaluation, currency: str) -> str:
    labels = step_labels()
    traces, alt_parts = [], []
    for name, per_order, colour in (
        (_("Without the campaign"), evaluation.per_order_baseline, PALETTE["baseline"]),
        (_("With the campaign"), evaluation.per_order_campaign, PALETTE["campaign"]),
    ):
        steps = per_order.waterfall()
        traces.append({
            "type": "waterfall", "name": plotly_text(name),
            "x": [plotly_text(labels[key]) for key, _value in steps], "y": [value for _key, value in steps],
            "measure": ["absolute"] + ["relative"] * (len(steps) - 2) + ["total"],
            "texttemplate": "%{y:.2f}", "textposition": "outside",
            "connector": {"line": {"color": "#b8c0c8"}},
            "increasing": {"marker": {"color": colour}},
            "decreasing": {"marker": {"color": "#c9d1d9", "line": {"color": colour, "width": 1.5}}},
            "totals": {"marker": {"color": colour}},
        })
        alt_parts.append(f"{name}: " + ", ".join(f"{labels[k]} {v:.2f} {currency}" for k, v in steps))
    layout = base_layout(title=_("One order, step by step (%(currency)s excl. VAT)") % {"currency": currency},
                         y_title=currency, height=360)
    layout["waterfallgroupgap"] = 0.25
    return to_html({"data": traces, "layout": layout}, div_id="chart-waterfall", alt="; ".join(alt_parts))


def curve(curve: engine.Curve, *, expected: float, currency: str) -> str:
    x = np.asarray(curve.x)
    y = np.asarray(curve.incremental_margin)
    if curve.parameter == "uplift":
        title, x_title, scale = _("Incremental margin against uplift"), _("uplift in orders (%)"), 100.0
    elif curve.parameter == "amount":
        title, x_title, scale = _("Incremental margin against the amount off"), currency, 1.0
    elif curve.parameter == "get_discount":
        title, x_title, scale = _("Incremental margin against the discount on extra units"), "%", 100.0
    else:
        title, x_title, scale = _("Incremental margin against discount depth"), _("discount (%)"), 100.0
    traces = [{"type": "scatter", "x": (x * scale).tolist(), "y": y.tolist(), "mode": "lines",
               "name": plotly_text(_("incremental margin")), "line": {"color": PALETTE["campaign"], "width": 2.5}}]
    planned = {"type": "line", "yref": "paper", "x0": expected * scale, "x1": expected * scale, "y0": 0, "y1": 1,
               "line": {"color": PALETTE["warn"], "dash": "dot"}}
    annotations = [{"x": expected * scale, "y": 1, "yref": "paper", "text": plotly_text(_("planned")), "showarrow": False,
                    "xanchor": "right", "yanchor": "bottom", "font": {"color": PALETTE["warn"]}}]
    alt = f"{title}: " + _("from %(a).0f to %(b).0f %(c)s") % {"a": y.min(), "b": y.max(), "c": currency}
    if curve.break_even is not None and x.min() <= curve.break_even <= x.max():
        traces.append({"type": "scatter", "x": [curve.break_even * scale], "y": [0], "mode": "markers+text",
                       "name": plotly_text(_("break-even")), "marker": {"size": 11, "color": PALETTE["bad"], "symbol": "diamond"},
                       "text": [plotly_text(_("break-even"))], "textposition": "bottom right"})
        alt += "; " + _("break-even at %(x).1f") % {"x": curve.break_even * scale}
    layout = base_layout(title=title, y_title=currency, x_title=x_title, height=300)
    # Half-width charts: a smaller title that fits, the legend clear of the axis title.
    layout["title"] = {**layout["title"], "font": {"size": 12}}
    layout["margin"] = {**layout["margin"], "b": 80}
    layout["legend"] = {"orientation": "h", "y": -0.38}
    layout.update(shapes=[_zero_line(), planned], annotations=annotations)
    return to_html({"data": traces, "layout": layout}, div_id=f"chart-{curve.parameter}", alt=alt)


def scenario_bars(names: list[str], margins: list[float], best: int | None, currency: str) -> str:
    colours = [PALETTE["good"] if i == best else PALETTE["campaign"] for i in range(len(names))]
    trace = {"type": "bar", "x": [plotly_text(n) for n in names], "y": margins, "marker": {"color": colours},
             "texttemplate": "%{y:.0f}", "textposition": "outside", "name": plotly_text(_("incremental margin"))}
    layout = base_layout(title=_("Incremental margin by scenario (%(currency)s)") % {"currency": currency},
                         y_title=currency, height=300)
    layout["shapes"] = [_zero_line()]
    alt = "; ".join(f"{n}: {m:.0f} {currency}" for n, m in zip(names, margins, strict=True))
    return to_html({"data": [trace], "layout": layout}, div_id="chart-scenarios", alt=alt)


def in_flight(days, *, div_id: str = "chart-in-flight") -> str:
    """A live campaign's orders day by day against its counterfactual (the days still to come:
    the counterfactual alone). ``days``: ``forecasting.engine.inflight.InFlight.days``."""
    x = [day.date().isoformat() for day in days.index]
    baseline = [round(float(v), 2) for v in days["baseline"]]
    actual = [None if v != v else round(float(v), 2) for v in days["actual"]]
    traces = [
        {"type": "scatter", "mode": "lines", "name": plotly_text(_("Without the campaign (counterfactual)")),
         "x": x, "y": baseline, "line": {"color": PALETTE["baseline"], "dash": "dot"}},
        {"type": "bar", "name": plotly_text(_("Actual orders")), "x": x, "y": actual,
         "marker": {"color": PALETTE["campaign"]}},
    ]
    layout = base_layout(title=_("Orders per day against the counterfactual"), y_title=_("orders"), height=300)
    alt = "; ".join(
        f"{day}: {'—' if a is None else round(a)} / {round(b)}" for day, a, b in zip(x, actual, baseline, strict=True)
    )
    return to_html({"data": traces, "layout": layout}, div_id=div_id,
                   alt=_("Actual / counterfactual orders per day: %(days)s") % {"days": alt})
