"""The dashboard's load chart: the load against capacity for the next weeks. A plain plotly
dict, house layout, a text alternative (as :mod:`kpis.charts`, which draws the KPI pairs)."""

from __future__ import annotations

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from plannerist.charts import PALETTE, base_layout, plotly_text, to_html


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
