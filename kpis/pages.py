"""What the KPI pages show, shaped for the templates: rows, labels, the plan's figures.

No arithmetic beyond picking and comparing: the figures come from the snapshots and the
engines (:mod:`kpis.engine`, :mod:`campaigns.selectors`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from campaigns.selectors import CampaignEconomics
from kpis.engine import KPI_DEFINITIONS, KpiDefinition
from kpis.forms import kpi_label

OWNERS = {"marketing": _("marketing"), "operations": _("operations"), "shared": _("shared")}
DIRECTIONS = {"higher": _("higher is better"), "lower": _("lower is better")}
UNITS = {
    "currency": _("currency"), "share": _("%"), "count": _("count"), "hours": _("hours"),
    "per_hour": _("per hour"), "multiple": _("×"), "days": _("days"),
}  # fmt: skip
MEASURES = {
    "orders": ("count", _("Orders")),
    "revenue_excl_vat": ("currency", _("Revenue (excl. VAT)")),
    "margin": ("currency", _("Margin")),
    "uplift": ("share", _("Uplift")),
    "capacity_utilisation": ("share", _("Capacity used")),
}


@dataclasses.dataclass(frozen=True)
class KpiRow:
    definition: KpiDefinition
    label: str
    owner: str
    direction: str
    latest: float | None  # the last complete period
    previous: float | None
    so_far: float | None  # the period in progress
    target: float | None
    meets_target: bool | None


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value) else float(value)


def meets(value: float | None, target: float | None, direction: str) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if direction == "higher" else value <= target


def complete_periods(table: pd.DataFrame, current_start: dt.date) -> tuple[pd.DataFrame, pd.Series | None]:
    """The periods that are over, and the one in progress (None when it has no figure yet)."""
    in_progress = table.index == current_start
    current = table.loc[in_progress].iloc[-1] if in_progress.any() else None
    return table.loc[~in_progress & (table.index < current_start)], current


def kpi_rows(table: pd.DataFrame, targets: dict[str, float], *, current_start: dt.date) -> list[KpiRow]:
    """One row per KPI definition: its last two complete periods, the one in progress, its
    target and whether the last complete period met it."""
    done, current = complete_periods(table, current_start)
    rows = []
    for definition in KPI_DEFINITIONS:
        series = [_number(v) for v in done[definition.key]] if definition.key in done else []
        latest = series[-1] if series else None
        target = targets.get(definition.key)
        rows.append(KpiRow(
            definition=definition, label=kpi_label(definition), owner=OWNERS[definition.owner],
            direction=DIRECTIONS[definition.direction], latest=latest,
            previous=series[-2] if len(series) > 1 else None,
            so_far=None if current is None else _number(current.get(definition.key)),
            target=target, meets_target=meets(latest, target, definition.direction),
        ))
    return rows


def period_start(day: dt.date, period: str) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) if period == "week" else day.replace(day=1)


def planned_figures(campaign: Campaign, economics: CampaignEconomics, *, today: dt.date) -> dict[str, float]:
    """The what-if's promise over the campaign's whole period, in the post-mortem's measures."""
    from capacity.selectors import deliverable_orders

    ev = economics.evaluation
    deliverable = deliverable_orders(campaign.organization, campaign.start, campaign.end, today=today)
    capacity = float(deliverable.sum()) if len(deliverable) else float("nan")
    orders = float(ev.campaign.orders)
    return {
        "days": (campaign.end - campaign.start).days + 1,
        "orders": orders,
        "revenue_excl_vat": float(ev.campaign.revenue),
        "margin": float(ev.campaign.margin),
        "uplift": float(campaign.uplift),
        "capacity_utilisation": orders / capacity if capacity > 0 else float("nan"),
    }


def post_mortem_rows(table: pd.DataFrame) -> list[dict]:
    return [
        {"measure": row.measure, "unit": MEASURES[row.measure][0], "label": MEASURES[row.measure][1],
         "planned": _number(row.planned), "actual": _number(row.actual), "gap": _number(row.gap)}
        for row in table.itertuples()
    ]


COHORT_MONTHS = 6


def cohort_grid(table: pd.DataFrame) -> list[dict]:
    """Cohort retention as rows (one per first-order month, newest first) of the first
    :data:`COHORT_MONTHS` months; None where the month has not happened yet."""
    rows = []
    for cohort, group in table.groupby("cohort_month", sort=True):
        by_offset = dict(zip(group["months_since_first"], group["retention"], strict=True))
        rows.append({
            "month": cohort, "customers": int(group["cohort_customers"].iloc[0]),
            "retention": [_number(by_offset.get(k)) for k in range(1, COHORT_MONTHS + 1)],
        })
    return rows[::-1][:12]
