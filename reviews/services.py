"""What changes a review: drafts and the Monday job, the summary's refresh, notes, marking
reviewed, decisions."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from kpis.engine.rules import last_complete_week
from plannerist.models import Organization, User
from plannerist.tasks import TRANSIENT_ERRORS
from reviews.models import ReviewDecision, WeeklyReview
from reviews.summary import review_summary

logger = logging.getLogger(__name__)


class ReviewLocked(Exception):
    """A reviewed review keeps the summary that was reviewed."""


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
    it twice makes none the second time).

    One organisation whose draft fails (its data breaks the summary) is logged and skipped,
    in its own savepoint, so that the others still get theirs; a database that is unreachable
    (:data:`plannerist.tasks.TRANSIENT_ERRORS`) stops the job, which the task retries."""
    made = 0
    for organization in Organization.objects.order_by("pk"):
        week_start = last_complete_week(organization.today(now))
        try:
            with transaction.atomic():
                made += review_draft_get_or_create(organization=organization, week_start=week_start)[1]
        except TRANSIENT_ERRORS:
            raise
        except Exception:
            logger.exception("weekly review draft of %s for %s failed", organization.slug, week_start)
    return made
