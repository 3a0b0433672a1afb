"""A weekly review's summary: what it copies from the snapshots, and how its pages read it.

A review is one organisation's ISO week. Its summary is *copied* from what is stored when
the draft is made — the week's and the week before's KPI snapshots (period ``week``, scope
organisation), the targets, the open signals, the campaigns starting or ending that week or
the next — so that a review keeps what was seen after later recomputes. Nothing is
recomputed here: the figures are the snapshots' (:func:`kpis.services.kpis_recompute`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Campaign
from kpis import selectors
from kpis.engine import KPI_DEFINITIONS, KpiDefinition
from kpis.forms import kpi_label
from kpis.models import KpiSnapshot, Signal
from plannerist.models import Organization

# The article's three pairs, read together first; then the rest of the watch list.
PAIRS: tuple[tuple[str, str], ...] = (
    ("revenue_excl_vat", "margin"),
    ("repeat_purchase_rate", "cac"),
    ("orders", "capacity_utilisation"),
)
PAIR_TITLES = (
    gettext_lazy("Revenue and margin"),
    gettext_lazy("Retention and acquisition cost"),
    gettext_lazy("Volume and deliverable capacity"),
)
_DEFINITIONS = {d.key: d for d in KPI_DEFINITIONS}
_PAIRED = [key for pair in PAIRS for key in pair]
REVIEW_ORDER: tuple[str, ...] = (*_PAIRED, *(d.key for d in KPI_DEFINITIONS if d.key not in _PAIRED))
WEEK = dt.timedelta(days=7)


def week_label(week_start: dt.date) -> str:
    """``2026-W47``: the ISO week as the week pickers and the URLs write it."""
    year, week, _day = week_start.isocalendar()
    return f"{year}-W{week:02d}"


def week_context(week_start: dt.date) -> dict:
    """The week's label and its first and last days, for the pages' headings."""
    return {"week": week_label(week_start), "week_start": week_start, "week_end": week_start + dt.timedelta(days=6)}


def _finite(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


# ---------------------------------------------------------------- the summary


def review_summary(*, organization: Organization, week_start: dt.date) -> dict:
    """What the review of ``week_start``'s ISO week shows, as JSON (four queries).

    ``kpis``: each KPI of :data:`REVIEW_ORDER` this week and the week before, with its
    target; ``signals``: the open signals with their evidence; ``campaigns``: those starting
    or ending this week or the next (stopped ones left out).
    """
    previous = week_start - WEEK
    values = {
        (start, kpi): value
        for start, kpi, value in KpiSnapshot.objects.filter(
            organization=organization, scope=KpiSnapshot.Scope.ORGANISATION, scope_id="",
            period=KpiSnapshot.Period.WEEK, period_start__in=[previous, week_start],
        ).values_list("period_start", "kpi", "value")
    }
    targets = selectors.targets_of(organization.id)
    horizon = (week_start, week_start + 2 * WEEK - dt.timedelta(days=1))
    campaigns = (
        Campaign.objects.filter(organization=organization)
        .filter(Q(start__range=horizon) | Q(end__range=horizon))
        .exclude(status=Campaign.Status.STOPPED)
        .order_by("start", "name")
        .values_list("id", "name", "status", "start", "end")
    )
    return {
        "week_start": week_start.isoformat(),
        "previous_start": previous.isoformat(),
        "kpis": [
            {"key": key, "this_week": _finite(values.get((week_start, key))),
             "last_week": _finite(values.get((previous, key))), "target": _finite(targets.get(key))}
            for key in REVIEW_ORDER
        ],
        "signals": [
            {"rule": s.rule, "action": s.action, "side": s.side, "subject": s.subject, "evidence": s.evidence,
             "campaign_id": s.campaign_id, "campaign_name": s.campaign.name if s.campaign else ""}
            for s in selectors.open_signals(organization.id)
        ],
        "campaigns": [
            {"id": pk, "name": name, "status": status, "start": start.isoformat(), "end": end.isoformat()}
            for pk, name, status, start, end in campaigns
        ],
    }


@dataclasses.dataclass(frozen=True)
class ReviewKpiRow:
    definition: KpiDefinition
    label: str
    this_week: float | None
    last_week: float | None
    change: float | None  # this week − last week, in the KPI's unit
    change_rate: float | None  # relative to last week; None for shares (their change is in points)
    target: float | None
    meets_target: bool | None
    improved: bool | None  # the change goes the KPI's good way

    @property
    def change_points(self) -> float | None:
        """A share's change in percentage points, without its sign (the page writes it)."""
        return None if self.change is None else abs(self.change) * 100


def _kpi_row(item: dict) -> ReviewKpiRow:
    definition = _DEFINITIONS[item["key"]]
    this_week, last_week, target = item.get("this_week"), item.get("last_week"), item.get("target")
    change = None if this_week is None or last_week is None else this_week - last_week
    rate = None if change is None or not last_week or definition.unit == "share" else change / abs(last_week)
    better = (lambda a, b: a >= b) if definition.direction == "higher" else (lambda a, b: a <= b)
    return ReviewKpiRow(
        definition=definition, label=kpi_label(definition), this_week=this_week, last_week=last_week,
        change=change, change_rate=rate, target=target,
        meets_target=None if this_week is None or target is None else better(this_week, target),
        improved=None if not change else better(change, 0),
    )


def summary_kpi_groups(summary: dict) -> list[tuple[str, list[ReviewKpiRow]]]:
    """The summary's KPIs as (title, rows): the three pairs, then the others."""
    items = {item["key"]: item for item in summary.get("kpis", []) if item.get("key") in _DEFINITIONS}
    rows = {key: _kpi_row(items.get(key, {"key": key})) for key in REVIEW_ORDER}
    groups = [(str(title), [rows[a], rows[b]]) for title, (a, b) in zip(PAIR_TITLES, PAIRS, strict=True)]
    return [*groups, (_("Other KPIs"), [rows[key] for key in REVIEW_ORDER if key not in _PAIRED])]


def summary_signals(summary: dict) -> list[Signal]:
    """The summary's signals as unsaved :class:`Signal` rows, for ``kpis/_signal.html``."""
    signals = []
    for item in summary.get("signals", []):
        signal = Signal(rule=item["rule"], action=item["action"], side=item["side"],
                        subject=item.get("subject", ""), evidence=item.get("evidence", {}))
        if item.get("campaign_id"):
            signal.campaign = Campaign(pk=item["campaign_id"], name=item.get("campaign_name", ""))
        signals.append(signal)
    return signals


@dataclasses.dataclass(frozen=True)
class CampaignMove:
    id: int
    name: str
    status: str
    start: dt.date
    end: dt.date
    starts: str  # "this_week", "next_week" or ""
    ends: str


def summary_campaigns(summary: dict) -> list[CampaignMove]:
    week_start = dt.date.fromisoformat(summary["week_start"]) if summary.get("week_start") else None

    def when(day: dt.date) -> str:
        if week_start is None or day < week_start:
            return ""
        return {0: "this_week", 1: "next_week"}.get((day - week_start).days // 7, "")

    moves = []
    for item in summary.get("campaigns", []):
        start, end = dt.date.fromisoformat(item["start"]), dt.date.fromisoformat(item["end"])
        status = Campaign.Status(item["status"]).label if item["status"] in Campaign.Status.values else item["status"]
        moves.append(CampaignMove(item["id"], item["name"], str(status), start, end, when(start), when(end)))
    return moves
