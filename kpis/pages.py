"""What the KPI pages show, shaped for the templates: rows, labels, the plan's figures.

The figures come from the snapshots and the engines (:mod:`kpis.engine`,
:mod:`campaigns.engine`); what is computed here is presentation only: weekly targets scaled to
the period, changes against the previous period, a plan's utilisation of its capacity, and
where the calendar's bars and ticks sit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from campaigns.selectors import CampaignEconomics
from kpis.engine import (
    ADDITIVE_KPIS,
    KPI_DEFINITIONS,
    MARGIN_KPIS,
    MIN_COST_COVERAGE,
    KpiDefinition,
)
from kpis.engine.periods import (
    complete_periods,
    period_days,
)
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
    unknown_costs: bool = False  # a margin left unknown: too little revenue with a known cost


def unknown_costs(key: str, latest: float | None, period: pd.Series | None) -> bool:
    """A margin KPI without a value because its period's goods cost is not known enough."""
    if key not in MARGIN_KPIS or latest is not None or period is None or "cost_coverage" not in period:
        return False
    coverage = number_or_none(period.get("cost_coverage"))
    return coverage is not None and coverage < MIN_COST_COVERAGE


def number_or_none(value) -> float | None:
    """A snapshot's value as a float, None for a missing or NaN one."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value) else float(value)


def meets(value: float | None, target: float | None, direction: str) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if direction == "higher" else value <= target


def target_for(key: str, targets: dict[str, float], *, period: str, start: dt.date | None) -> float | None:
    """A KPI's target for a period: ratios as set; amounts (orders, revenue, margin) are set
    per week and scaled to the period's length."""
    target = targets.get(key)
    if target is None or key not in ADDITIVE_KPIS or start is None:
        return target
    return target * period_days(start, period) / 7


def kpi_rows(
    table: pd.DataFrame, targets: dict[str, float], *, current_start: dt.date, period: str = "week",
    span: tuple[dt.date, dt.date] | None = None,
) -> list[KpiRow]:
    """One row per KPI definition: its last two complete periods, the one in progress, its
    target and whether the last complete period met it."""
    done, current = complete_periods(table, current_start, period=period, span=span)
    last_start = done.index[-1] if len(done) else None
    rows = []
    for definition in KPI_DEFINITIONS:
        series = [number_or_none(v) for v in done[definition.key]] if definition.key in done else []
        latest = series[-1] if series else None
        target = target_for(definition.key, targets, period=period, start=last_start)
        rows.append(KpiRow(
            definition=definition, label=kpi_label(definition), owner=OWNERS[definition.owner],
            direction=DIRECTIONS[definition.direction], latest=latest,
            previous=series[-2] if len(series) > 1 else None,
            so_far=None if current is None else number_or_none(current.get(definition.key)),
            target=target, meets_target=meets(latest, target, definition.direction),
            unknown_costs=unknown_costs(definition.key, latest, done.iloc[-1] if len(done) else None),
        ))
    return rows


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
         "planned": number_or_none(row.planned), "actual": number_or_none(row.actual), "gap": number_or_none(row.gap)}
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
            "retention": [number_or_none(by_offset.get(k)) for k in range(1, COHORT_MONTHS + 1)],
        })
    return rows[::-1][:12]


# ---------------------------------------------------------------- KPI pairs (dashboard, portfolio, weekly pack)


@dataclasses.dataclass(frozen=True)
class PairSide:
    key: str
    label: str
    unit: str
    latest: float | None
    previous: float | None
    change: float | None  # relative change against the previous period
    target: float | None
    meets_target: bool | None
    unknown_costs: bool = False  # see KpiRow


def _definition(key: str) -> KpiDefinition:
    return next(d for d in KPI_DEFINITIONS if d.key == key)


def pair_side(key: str, done: pd.DataFrame, targets: dict[str, float], *, period: str = "week") -> PairSide:
    series = [number_or_none(v) for v in done[key]] if key in done else []
    side = side_of(key, series, targets, period=period, last_start=done.index[-1] if len(done) else None)
    unknown = unknown_costs(key, side.latest, done.iloc[-1] if len(done) else None)
    return dataclasses.replace(side, unknown_costs=unknown) if unknown else side


def side_of(key: str, series: list[float | None], targets: dict[str, float], *, period: str,
            last_start: dt.date | None) -> PairSide:
    """One side of a pair from its values over the complete periods, oldest first."""
    definition = _definition(key)
    latest = series[-1] if series else None
    previous = series[-2] if len(series) > 1 else None
    change = None if latest is None or not previous else (latest - previous) / abs(previous)
    target = target_for(key, targets, period=period, start=last_start)
    return PairSide(key, kpi_label(definition), definition.unit, latest, previous, change, target,
                    meets(latest, target, definition.direction))


def pair_status(sides: tuple[PairSide, PairSide]) -> str:
    """A traffic light for a pair: "good" when both sides meet their targets, "bad" when
    both miss, "mixed" otherwise, "unknown" when no side can be judged, and "missing" when a
    side has a target but no figure (costs missing, no spend entered): an unknown figure is
    not off target."""
    if any(s.target is not None and s.latest is None for s in sides):
        return "missing"
    judged = [s.meets_target for s in sides if s.meets_target is not None]
    if not judged:
        return "unknown"
    if all(judged) and len(judged) == 2:
        return "good"
    if not any(judged):
        return "bad"
    return "mixed"
