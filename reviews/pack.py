"""The consultant's weekly pack: everything one client's review says, gathered once, for the
PDF (``templates/reviews/pack.html`` through :mod:`reviews.render`), the CSV and XLSX exports
(:mod:`reviews.exports`) and the e-mail that sends it.

The figures are the review's summary (copied when the draft was made: a reviewed pack says
what was reviewed); the charts draw the eight weekly snapshots up to the reviewed week; the
campaigns' planned margin after the cost to deliver and measured uplift are read now (the
campaign's plan and the last refit's promotion memory). Texts come out in the active
language: callers gather the pack under ``translation.override(organization.language)``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.selectors import economics_of
from capacity.selectors import campaign_capacity_cost
from forecasting.selectors import promotion_memory
from kpis import charts, pages
from kpis import selectors as kpi_selectors
from kpis.models import Signal
from kpis.selectors.benchmarks import client_benchmarks
from plannerist.models import Organization
from reviews.models import ReviewDecision, WeeklyReview
from reviews.selectors import WEEKS_SHOWN, decisions_of, weekly_table
from reviews.summary import (
    PAIR_TITLES,
    PAIRS,
    WEEK,
    CampaignMove,
    ReviewKpiRow,
    summary_campaigns,
    summary_kpi_groups,
    summary_signals,
)

CHART_WEEKS = WEEKS_SHOWN
_UNITS = {"currency": "{currency}", "share": "%", "multiple": "×", "hours": "h"}


@dataclasses.dataclass(frozen=True)
class PackChart:
    """One pair's chart: the figure's HTML (``kpis.charts.pair``) and its caption."""

    number: int
    html: str
    caption: str


@dataclasses.dataclass(frozen=True)
class PackPair:
    title: str
    rows: list[ReviewKpiRow]
    chart: PackChart | None


@dataclasses.dataclass(frozen=True)
class PackCampaign:
    """A campaign that starts or ends in the reviewed week or the next, with its planned
    incremental margin, what delivering it costs in extra capacity (None when capacity is
    unknown) and, once finished and measured, its uplift against the plan."""

    move: CampaignMove
    planned_margin: float | None
    cost_to_deliver: float | None
    planned_uplift: float | None
    measured_uplift: float | None

    @property
    def margin_after_delivery(self) -> float | None:
        if self.planned_margin is None or self.cost_to_deliver is None:
            return None
        return self.planned_margin - self.cost_to_deliver

    @property
    def stage(self) -> str:
        """``started``, ``ended``, ``coming`` or ``ending`` (ends next week)."""
        if self.move.ends == "this_week":
            return "ended"
        if self.move.starts == "this_week":
            return "started"
        if self.move.starts == "next_week":
            return "coming"
        return "ending"


@dataclasses.dataclass(frozen=True)
class Pack:
    organization: Organization
    review: WeeklyReview
    week: str
    week_start: dt.date
    week_end: dt.date
    pairs: list[PackPair]
    moved: list[ReviewKpiRow]
    other_kpis: list[ReviewKpiRow]
    signals: list[Signal]
    campaigns: list[PackCampaign]
    decisions: list[ReviewDecision]
    notes: str
    benchmarks: list[str]

    @property
    def charts(self) -> list[PackChart]:
        return [pair.chart for pair in self.pairs if pair.chart is not None]

    @property
    def dates(self) -> str:
        """The week's first and last days, in the active language: ``23 – 29 Nov 2026``."""
        return _("%(first)s – %(last)s") % {"first": date_format(self.week_start, "j M"),
                                             "last": date_format(self.week_end, "j M Y")}


def _unit(unit: str, currency: str) -> str:
    return _UNITS.get(unit, "").format(currency=currency)


def _caption(number: int, title: str, sides, currency: str) -> str:
    def named(side) -> str:
        unit = _unit(side.unit, currency)
        return f"{side.label} ({unit})" if unit else side.label

    return _("Figure %(n)d — %(title)s over %(weeks)d weeks: bars %(left)s, line %(right)s; dashed, their targets.") % {
        "n": number, "title": title, "weeks": CHART_WEEKS, "left": named(sides[0]), "right": named(sides[1])}


def _with_the_summarys_weeks(table: pd.DataFrame, groups, week_start: dt.date) -> pd.DataFrame:
    """The weeks' table with the reviewed week and the one before as the summary copied them:
    a chart's last two points are the figures of the tables beside it, even after a recompute."""
    table = table.copy()
    for _title, rows in groups:
        for row in rows:
            for start, value in ((week_start, row.this_week), (week_start - WEEK, row.last_week)):
                if start in table.index or value is not None:
                    table.loc[start, row.definition.key] = np.nan if value is None else value
    return table.sort_index()


def _pairs(organization: Organization, review: WeeklyReview, groups) -> list[PackPair]:
    table = _with_the_summarys_weeks(weekly_table(organization.id, review.week_start, weeks=CHART_WEEKS), groups,
                                     review.week_start)
    targets = kpi_selectors.targets_of(organization.id)
    pairs = []
    for k, ((title, rows), keys) in enumerate(zip(groups, PAIRS, strict=False)):
        chart = None
        if not table.empty:
            sides = tuple(pages.pair_side(key, table, targets) for key in keys)
            html = charts.pair(table, sides, currency=organization.currency, div_id=f"pack-pair-{k}")
            if html:
                chart = PackChart(k + 1, html, _caption(k + 1, str(PAIR_TITLES[k]), sides, organization.currency))
        pairs.append(PackPair(title, rows, chart))
    return pairs


def _moved(rows: list[ReviewKpiRow], limit: int = 5) -> list[ReviewKpiRow]:
    """The KPIs that changed most since the week before: relative change, or a share's
    change in points read as a relative one against its level."""

    def size(row: ReviewKpiRow) -> float:
        if row.change_rate is not None:
            return abs(row.change_rate)
        return abs(row.change) / abs(row.last_week) if row.last_week else 0.0

    changed = [row for row in rows if row.change]
    return sorted(changed, key=size, reverse=True)[:limit]


def _campaigns(organization: Organization, moves: list[CampaignMove]) -> list[PackCampaign]:
    found = {
        c.pk: c for c in Campaign.objects.filter(organization=organization, pk__in=[m.id for m in moves])
        .select_related("organization", "channel__cost_profile").prefetch_related("products")
    }
    memory = {entry.get("id"): entry for entry in promotion_memory(organization.id)["campaigns"]
              if entry.get("baseline_orders") is not None and entry.get("projected") is None}
    out = []
    for move in moves:
        campaign = found.get(move.id)
        if campaign is None:  # deleted since the draft: the summary still names it
            out.append(PackCampaign(move, None, None, None, None))
            continue
        margin = float(economics_of(campaign).evaluation.incremental.margin)
        cost = campaign_capacity_cost(campaign).cost_to_deliver
        measured = memory.get(campaign.pk, {}).get("uplift")
        out.append(PackCampaign(move, margin, cost, float(campaign.uplift),
                                None if measured is None else float(measured)))
    return out


def _benchmarks(organization: Organization, *, today: dt.date) -> list[str]:
    """The sentences of the measures shown (five clients or more) where the client has a
    figure: "top quarter of comparable shops for margin rate"."""
    return [str(b.sentence) for b in client_benchmarks(organization.id, today=today)
            if b.measure.shown and b.sentence is not None]


def weekly_pack(review: WeeklyReview, *, today: dt.date | None = None) -> Pack:
    """The pack of ``review``, texts in the active language; ``today`` is the
    organisation's (the benchmarks compare the last complete month)."""
    organization = review.organization
    groups = summary_kpi_groups(review.summary)
    all_rows = [row for _title, rows in groups for row in rows]
    return Pack(
        organization=organization, review=review, week=review.week, week_start=review.week_start,
        week_end=review.week_start + dt.timedelta(days=6),
        pairs=_pairs(organization, review, groups[:3]),
        moved=_moved(all_rows), other_kpis=groups[3][1] if len(groups) > 3 else [],
        signals=summary_signals(review.summary),
        campaigns=_campaigns(organization, summary_campaigns(review.summary)),
        decisions=decisions_of(review), notes=review.notes,
        benchmarks=_benchmarks(organization, today=today or organization.today()),
    )
