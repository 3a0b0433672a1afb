"""The campaign page's charts: a waterfall of one order and the two break-even curves."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from django.utils.html import escape
from django.utils.translation import gettext as _

from campaigns import engine
from plannerist.charts import PALETTE, layout, to_html


def step_labels() -> dict[str, str]:
    return {
        "revenue": _("Revenue excl. VAT"), "goods_cost": _("Goods"), "packaging_cost": _("Packaging"),
        "shipping_cost": _("Shipping"), "payment_fees": _("Payment"), "commission": _("Commission"),
        "returns": _("Returns"), "support": _("Support"), "margin": _("Margin"),
    }


def waterfall(evaluation: engine.Evaluation, currency: str) -> str:
    labels = step_labels()
    fig = go.Figure()
    alt_parts = []
    for name, per_order, colour in (
        (_("Without the campaign"), evaluation.per_order_baseline, PALETTE["baseline"]),
        (_("With the campaign"), evaluation.per_order_campaign, PALETTE["campaign"]),
    ):
        steps = per_order.waterfall()
        fig.add_trace(go.Waterfall(
            name=name,
            x=[labels[key] for key, _value in steps],
            y=[value for _key, value in steps],
            measure=["absolute"] + ["relative"] * (len(steps) - 2) + ["total"],
            texttemplate="%{y:.2f}", textposition="outside",
            connector={"line": {"color": "#b8c0c8"}},
            increasing={"marker": {"color": colour}},
            decreasing={"marker": {"color": "#c9d1d9", "line": {"color": colour, "width": 1.5}}},
            totals={"marker": {"color": colour}},
        ))
        alt_parts.append(f"{name}: " + ", ".join(f"{labels[k]} {v:.2f} {currency}" for k, v in steps))
    fig.update_layout(waterfallgroupgap=0.25)
    layout(fig, title=_("One order, step by step (%(currency)s excl. VAT)") % {"currency": currency},
           y_title=currency, height=360)
    return to_html(fig, div_id="chart-waterfall", alt=escape("; ".join(alt_parts)))


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
    fig = go.Figure(go.Scatter(x=x * scale, y=y, mode="lines", name=_("incremental margin"),
                               line={"color": PALETTE["campaign"], "width": 2.5}))
    fig.add_hline(y=0, line={"color": "#56606d", "width": 1})
    fig.add_vline(x=expected * scale, line={"color": PALETTE["warn"], "dash": "dot"},
                  annotation_text=_("planned"), annotation_position="top left")
    alt = f"{title}: " + _("from %(a).0f to %(b).0f %(c)s") % {"a": y.min(), "b": y.max(), "c": currency}
    if curve.break_even is not None and x.min() <= curve.break_even <= x.max():
        fig.add_trace(go.Scatter(x=[curve.break_even * scale], y=[0], mode="markers+text", name=_("break-even"),
                                 marker={"size": 11, "color": PALETTE["bad"], "symbol": "diamond"},
                                 text=[_("break-even")], textposition="bottom right"))
        alt += "; " + _("break-even at %(x).1f") % {"x": curve.break_even * scale}
    layout(fig, title=title, y_title=currency, x_title=x_title, height=280)
    return to_html(fig, div_id=f"chart-{curve.parameter}", alt=escape(alt))


def scenario_bars(names: list[str], margins: list[float], best: int | None, currency: str) -> str:
    colours = [PALETTE["good"] if i == best else PALETTE["campaign"] for i in range(len(names))]
    fig = go.Figure(go.Bar(x=names, y=margins, marker={"color": colours}, texttemplate="%{y:.0f}",
                           textposition="outside", name=_("incremental margin")))
    fig.add_hline(y=0, line={"color": "#56606d", "width": 1})
    layout(fig, title=_("Incremental margin by scenario (%(currency)s)") % {"currency": currency},
           y_title=currency, height=300)
    alt = "; ".join(f"{n}: {m:.0f} {currency}" for n, m in zip(names, margins, strict=True))
    return to_html(fig, div_id="chart-scenarios", alt=escape(alt))
