"""What the reviews' pages read: the history, the last reviewed week, a review's decisions."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db.models import Count, Max, Q, QuerySet

from kpis.engine import KPI_KEYS
from kpis.models import KpiSnapshot
from kpis.selectors.snapshots import wide
from plannerist.models import Membership
from plannerist.tenancy import can_write_reviews
from reviews.models import ReviewDecision, WeeklyReview


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


WEEKS_SHOWN = 8


def weekly_table(organization_id: int, week_start: dt.date, *, weeks: int = WEEKS_SHOWN) -> pd.DataFrame:
    """The organisation's weekly snapshots of the ``weeks`` weeks up to ``week_start``'s,
    rows by week start (oldest first), columns the KPI keys (one query)."""
    first = week_start - dt.timedelta(weeks=weeks - 1)
    rows = KpiSnapshot.objects.filter(
        organization_id=organization_id, scope=KpiSnapshot.Scope.ORGANISATION, scope_id="",
        period=KpiSnapshot.Period.WEEK, period_start__range=(first, week_start),
    ).values_list("period_start", "kpi", "value")
    return wide(rows, columns=KPI_KEYS)
