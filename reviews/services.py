"""What changes a review: drafts and the Monday job, the summary's refresh, notes, marking
reviewed, decisions."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone, translation

from campaigns.models import Campaign
from kpis.engine.rules import last_complete_week
from plannerist import mail
from plannerist.models import Organization, Role, User
from plannerist.tasks import TRANSIENT_ERRORS
from reviews import render
from reviews.commentary import review_commentary
from reviews.exports import export_filename
from reviews.models import PackSchedule, ReviewDecision, WeeklyReview
from reviews.pack import weekly_pack
from reviews.summary import review_summary

logger = logging.getLogger(__name__)


class ReviewLocked(Exception):
    """A reviewed review keeps the summary that was reviewed."""


def review_draft_get_or_create(*, organization: Organization, week_start: dt.date) -> tuple[WeeklyReview, bool]:
    """The organisation's review of that ISO week, made if there is none: with its summary, and
    its notes started with the commentary on the figures (:mod:`reviews.commentary`, in the
    organisation's language), for the consultant to edit."""
    if week_start.weekday() != 0:
        raise ValueError(f"a review's week starts on a Monday, got {week_start}")
    existing = WeeklyReview.objects.filter(organization=organization, week_start=week_start).first()
    if existing is not None:
        return existing, False
    with translation.override(organization.language):
        notes = review_commentary(organization, week_start)
    # get_or_create again: a concurrent run may have made it in between (the unique key holds).
    return WeeklyReview.objects.get_or_create(
        organization=organization, week_start=week_start,
        defaults={"summary": review_summary(organization=organization, week_start=week_start),
                  "summary_taken_at": timezone.now(), "notes": notes},
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


# ---------------------------------------------------------------- sending the pack


class ReviewNotReviewed(Exception):
    """A pack is sent only once its review is marked reviewed."""


class NoRecipient(Exception):
    """Nobody to send the pack to: the organisation has no owner with an address, none chosen."""


def pack_recipients(*, organization: Organization, chosen: Iterable[User] = ()) -> list[str]:
    """The organisation's owners and the chosen members, each address once, owners first."""
    owners = User.objects.filter(memberships__organization=organization, memberships__role=Role.OWNER).order_by("email")
    addresses = [u.email for u in owners] + sorted(u.email for u in chosen)
    return list(dict.fromkeys(a for a in addresses if a))


def review_send(*, review: WeeklyReview, by: User | None, to: list[str]) -> mail.Outcome:
    """E-mail the review's pack (the PDF attached, a short summary in the body) to ``to``,
    through :func:`plannerist.mail.send` (Celery, retried), and record who sent it, when and
    to whom. Refused for a review not marked reviewed (:class:`ReviewNotReviewed`) or with
    nobody to send to (:class:`NoRecipient`); nothing is recorded when the mail could not be
    queued (the outcome says why)."""
    if not review.is_reviewed:
        raise ReviewNotReviewed
    if not to:
        raise NoRecipient
    organization = review.organization
    pdf = render.review_pdf(review)
    with translation.override(organization.language):
        pack = weekly_pack(review)
        outcome = mail.send(
            "mail/weekly_pack", to=to, language=organization.language,
            context={"pack": pack, "organization": organization, "review": review, "sender": by},
            attachments=[(export_filename(review, "pdf"), pdf, "application/pdf")],
            reply_to=[by.email] if by is not None and by.email else (),
        )
    if outcome:
        review.sent_by, review.sent_at, review.sent_to = by, timezone.now(), list(outcome.to)
        review.save(update_fields=["sent_by", "sent_at", "sent_to", "updated_at"])
    return outcome


def pack_schedule_save(*, organization: Organization, consultant: User, weekday: int, hour: int,
                       active: bool) -> PackSchedule:
    schedule, _created = PackSchedule.objects.update_or_create(
        organization=organization, consultant=consultant,
        defaults={"weekday": weekday, "hour": hour, "active": active},
    )
    return schedule


def packs_send_scheduled(*, now: dt.datetime) -> int:
    """The hourly job: for each active schedule whose weekday and hour it is on the
    organisation's own clock at ``now``, send the last complete week's pack when it is
    reviewed and not sent yet, to the organisation's owners; returns how many were sent.
    One that cannot be sent (no owner, no mail server) is logged and left for next time.

    A review is claimed with a conditional update (``sent_at`` still empty) before it is
    sent, so that two runs never send it twice; the claim is given back when the mail could
    not be queued, for the next run to try again."""
    sent = 0
    schedules = PackSchedule.objects.filter(active=True).select_related("organization", "consultant").order_by("pk")
    for schedule in schedules:
        organization = schedule.organization
        local = now.astimezone(organization.zone)
        if (local.weekday(), local.hour) != (schedule.weekday, schedule.hour):
            continue
        week_start = last_complete_week(local.date())
        review = WeeklyReview.objects.filter(organization=organization, week_start=week_start,
                                             reviewed_at__isnull=False, sent_at__isnull=True).first()
        if review is None or not WeeklyReview.objects.filter(pk=review.pk, sent_at__isnull=True).update(sent_at=now):
            continue
        try:
            outcome = review_send(review=review, by=schedule.consultant, to=pack_recipients(organization=organization))
            reason = "" if outcome else outcome.reason
        except NoRecipient:
            reason = "the organisation has no owner with an e-mail address"
        except BaseException:
            WeeklyReview.objects.filter(pk=review.pk).update(sent_at=None)
            raise
        if reason:
            WeeklyReview.objects.filter(pk=review.pk).update(sent_at=None)
            logger.error("weekly pack of %s for %s not sent: %s", organization.slug, week_start, reason)
        else:
            sent += 1
    return sent
