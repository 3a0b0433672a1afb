"""What the dashboard and the portfolio show, shaped for the templates: each KPI pair's sides
and traffic light, the campaign calendar's bars and ticks, the load per resource and week.
Presentation only: the figures come from the KPI snapshots (:mod:`kpis.pages` for a KPI's
target and unknown margin)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from campaigns.models import Campaign
from kpis.engine import KPI_DEFINITIONS, KpiDefinition
from kpis.forms import kpi_label
from kpis.pages import meets, number_or_none, target_for, unknown_costs


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


@dataclasses.dataclass(frozen=True)
class CalendarRow:
    campaign: Campaign
    left: float  # % of the window
    width: float


def calendar_rows(campaigns, start: dt.date, end: dt.date) -> list[CalendarRow]:
    """Each campaign's bar on a timeline from ``start`` to ``end`` (in % of the window)."""
    span = (end - start).days + 1
    rows = []
    for c in sorted(campaigns, key=lambda c: (c.start, c.name)):
        first, last = max(c.start, start), min(c.end, end)
        if first > last:
            continue
        rows.append(CalendarRow(c, round(100 * (first - start).days / span, 2),
                                round(100 * ((last - first).days + 1) / span, 2)))
    return rows


def calendar_months(start: dt.date, end: dt.date) -> list[dict]:
    """Month ticks on the timeline: label and left position in %."""
    span = (end - start).days + 1
    ticks, day = [], start.replace(day=1)
    while day <= end:
        if day >= start:
            ticks.append({"date": day, "left": round(100 * (day - start).days / span, 2)})
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return ticks


def load_rows(forecast: pd.DataFrame) -> tuple[list[dt.date], list[dict]]:
    """Forecast snapshots (``scope_id, period_start, kpi, value``) → the weeks, and one row per
    resource with its utilisation per week, each week's ``cells`` (that utilisation and the
    busiest day's: a week's average hides the day the signal speaks of) and its extra-hours
    cost over the horizon."""
    if forecast.empty:
        return [], []
    weeks = sorted(set(forecast["period_start"]))
    cells: dict[tuple[str, str], dict[dt.date, float]] = {}
    for name, start, kpi, value in forecast[["scope_id", "period_start", "kpi", "value"]].itertuples(index=False):
        if name:
            cells.setdefault((name, kpi), {})[start] = value
    rows = []
    for name in sorted({name for name, _kpi in cells}):
        utilisation = cells.get((name, "forecast_utilisation"), {})
        extra = cells.get((name, "forecast_extra_cost"), {})
        peak = cells.get((name, "forecast_peak_utilisation"), {})
        averages = [number_or_none(utilisation.get(w)) for w in weeks]
        rows.append({"resource": name, "weeks": averages,
                     "cells": [{"average": a, "peak": number_or_none(peak.get(w))} for a, w in zip(averages, weeks, strict=True)],
                     "extra_cost": float(sum(v for v in extra.values() if v is not None and v == v))})
    return weeks, rows
