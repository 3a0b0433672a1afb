"""What the dashboard shows, shaped for the templates: the campaign calendar's bars and ticks,
the load per resource and week. Presentation only: the figures come from the KPI snapshots.
A KPI pair's sides and light are :mod:`kpis.pages`' (the weekly pack shows them too)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.utils.formats import date_format

from kpis.pages import number_or_none


@dataclasses.dataclass(frozen=True)
class CalendarRow:
    """A campaign's bar, its words already written: a hundred rows cost the page more in
    template lookups and filters than in anything else."""

    pk: int
    name: str
    status: str
    status_label: str
    dates: str  # "1 Dec – 20 Dec"
    style: str  # the bar's left and width in % of the window


def calendar_rows(campaigns, start: dt.date, end: dt.date) -> list[CalendarRow]:
    """Each campaign's bar on a timeline from ``start`` to ``end`` (in % of the window)."""
    span = (end - start).days + 1
    rows = []
    for c in sorted(campaigns, key=lambda c: (c.start, c.name)):
        first, last = max(c.start, start), min(c.end, end)
        if first > last:
            continue
        left, width = round(100 * (first - start).days / span, 2), round(100 * ((last - first).days + 1) / span, 2)
        rows.append(CalendarRow(c.pk, c.name, c.status, c.get_status_display(),
                                f"{date_format(c.start, 'j M')} – {date_format(c.end, 'j M')}",
                                f"left: {left}%; width: {width}%"))
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


def load_rows(forecast: Iterable[tuple]) -> tuple[list[dt.date], list[dict]]:
    """Forecast snapshots (``scope_id, period_start, kpi, value`` rows) → the weeks, and one
    row per resource with its utilisation per week, each week's ``cells`` (that utilisation
    and the busiest day's: a week's average hides the day the signal speaks of) and its
    extra-hours cost over the horizon. Plain dicts: a few dozen rows."""
    cells: dict[tuple[str, str], dict[dt.date, float]] = {}
    starts = set()
    for name, start, kpi, value in forecast:
        starts.add(start)
        if name:
            cells.setdefault((name, kpi), {})[start] = value
    if not starts:
        return [], []
    weeks = sorted(starts)
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
