"""Weekly reviews: the week's summary, drafts, decisions, the Monday job and the exports.

A review is one organisation's ISO week. Its summary is *copied* from what is stored when
the draft is made — the week's and the week before's KPI snapshots (period ``week``, scope
organisation), the targets, the open signals, the campaigns starting or ending that week or
the next — so that a review keeps what was seen after later recomputes. Nothing is
recomputed here: the figures are the snapshots' (:func:`kpis.services.kpis_recompute`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math

import pandas as pd
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from campaigns.models import Campaign
from kpis import selectors
from kpis.engine import KPI_DEFINITIONS, KpiDefinition
from kpis.forms import kpi_label
from kpis.models import KpiSnapshot, ReviewDecision, Signal, WeeklyReview
from kpis.pages import UNITS
from kpis.rules import last_complete_week
from plannerist.csv_safe import escape_frame
from plannerist.models import Membership, Organization, User
from plannerist.tenancy import can_write_reviews

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


class ReviewLocked(Exception):
    """A reviewed review keeps the summary that was reviewed."""


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


# ---------------------------------------------------------------- reads


def reviews_of(organization_id: int) -> QuerySet[WeeklyReview]:
    """The history, newest week first, with each review's decisions counted (one query)."""
    return (
        WeeklyReview.objects.filter(organization_id=organization_id)
        .defer("summary", "notes")
        .select_related("reviewed_by")
        .annotate(decision_count=Count("decisions"),
                  open_decisions=Count("decisions", filter=Q(decisions__done=False)))
        .order_by("-week_start")
    )


def last_reviewed_at(organization_id: int) -> dt.datetime | None:
    return WeeklyReview.objects.filter(organization_id=organization_id).aggregate(last=Max("reviewed_at"))["last"]


def decisions_of(review: WeeklyReview) -> list[ReviewDecision]:
    return list(review.decisions.select_related("owner", "campaign"))


def can_mark_decision_done(member: Membership, decision: ReviewDecision) -> bool:
    """Review writers, and the decision's owner for their own decision."""
    return can_write_reviews(member) or (decision.owner_id is not None and decision.owner_id == member.user_id)


# ---------------------------------------------------------------- writes


def review_draft_get_or_create(*, organization: Organization, week_start: dt.date) -> tuple[WeeklyReview, bool]:
    """The organisation's review of that ISO week, made (with its summary) if there is none."""
    if week_start.weekday() != 0:
        raise ValueError(f"a review's week starts on a Monday, got {week_start}")
    existing = WeeklyReview.objects.filter(organization=organization, week_start=week_start).first()
    if existing is not None:
        return existing, False
    # get_or_create again: a concurrent run may have made it in between (the unique key holds).
    return WeeklyReview.objects.get_or_create(
        organization=organization, week_start=week_start,
        defaults={"summary": review_summary(organization=organization, week_start=week_start),
                  "summary_taken_at": timezone.now()},
    )


def review_summary_refresh(*, review: WeeklyReview) -> WeeklyReview:
    if review.is_reviewed:
        raise ReviewLocked
    review.summary = review_summary(organization=review.organization, week_start=review.week_start)
    review.summary_taken_at = timezone.now()
    review.save(update_fields=["summary", "summary_taken_at", "updated_at"])
    return review


def review_notes_save(*, review: WeeklyReview, notes: str) -> WeeklyReview:
    review.notes = notes
    review.save(update_fields=["notes", "updated_at"])
    return review


def review_mark_reviewed(*, review: WeeklyReview, by: User) -> WeeklyReview:
    review.reviewed_by = by
    review.reviewed_at = timezone.now()
    review.save(update_fields=["reviewed_by", "reviewed_at", "updated_at"])
    return review


def decision_add(
    *, review: WeeklyReview, action: str, text: str, owner: User | None = None, due: dt.date | None = None,
    campaign: Campaign | None = None,
) -> ReviewDecision:
    if campaign is not None and campaign.organization_id != review.organization_id:
        raise ValueError("the campaign belongs to another organisation")
    return ReviewDecision.objects.create(review=review, action=action, text=text, owner=owner, due=due,
                                         campaign=campaign)


def decision_set_done(*, decision: ReviewDecision, done: bool) -> ReviewDecision:
    decision.done = done
    decision.save(update_fields=["done"])
    return decision


def review_drafts_prepare(*, now: dt.datetime) -> int:
    """The Monday job: a draft of the previous ISO week, by each organisation's own today at
    ``now``, for every organisation that has none yet; returns how many were made (running
    it twice makes none the second time)."""
    made = 0
    for organization in Organization.objects.order_by("pk"):
        week_start = last_complete_week(organization.today(now))
        made += review_draft_get_or_create(organization=organization, week_start=week_start)[1]
    return made


# ---------------------------------------------------------------- exports


def _unit(definition: KpiDefinition, currency: str) -> str:
    return currency if definition.unit == "currency" else str(UNITS[definition.unit])


def _in_unit(value: float | None, definition: KpiDefinition) -> float | None:
    return None if value is None else round(value * (100.0 if definition.unit == "share" else 1.0), 2)


def export_frames(review: WeeklyReview) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The summary's KPI rows and the decisions, with headers in the active language.
    Shares are in % (their change in points), amounts in the organisation's currency."""
    currency = review.organization.currency
    kpi_rows = []
    for _title, rows in summary_kpi_groups(review.summary):
        for row in rows:
            d = row.definition
            kpi_rows.append({
                _("KPI"): row.label, _("Unit"): _unit(d, currency),
                _("This week"): _in_unit(row.this_week, d), _("Last week"): _in_unit(row.last_week, d),
                pgettext("week on week", "Change"): _in_unit(row.change, d), _("Target"): _in_unit(row.target, d),
            })
    decision_columns = [_("Decision"), _("What exactly"), capfirst(_("owner")), _("Due"), _("Campaign"), _("Done")]
    decisions = [
        [str(d.get_action_display()), d.text, str(d.owner) if d.owner else "", d.due.isoformat() if d.due else "",
         d.campaign.name if d.campaign else "", _("yes") if d.done else _("no")]
        for d in decisions_of(review)
    ]
    return pd.DataFrame(kpi_rows), pd.DataFrame(decisions, columns=decision_columns)


def review_csv(review: WeeklyReview) -> str:
    """Two tables for French Excel (``;``, decimal comma) separated by a blank line; every
    text cell escaped against formula injection. The caller adds the BOM when it encodes."""
    summary, decisions = export_frames(review)
    return "\r\n".join(
        escape_frame(frame).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
        for frame in (summary, decisions)
    )


def review_xlsx(review: WeeklyReview) -> bytes:
    """A workbook with a summary sheet and a decisions sheet. Text typed by users is written
    as text, never as a formula (openpyxl would otherwise take ``=…`` for one)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    summary, decisions = export_frames(review)
    workbook = Workbook()
    sheets = [(workbook.active, _("Summary"), summary), (workbook.create_sheet(), _("Decisions"), decisions)]
    for sheet, title, frame in sheets:
        sheet.title = title[:31]
        sheet.append([str(c) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = 16
        for values in frame.itertuples(index=False, name=None):
            sheet.append([None if isinstance(v, float) and math.isnan(v) else v for v in values])
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(review: WeeklyReview, extension: str) -> str:
    return f"plannerist-{review.organization.slug}-review-{review.week}.{extension}"
