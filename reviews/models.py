"""The consultant's weekly reviews and what they decided.

The tables were made by ``kpis`` (``kpis_weeklyreview``, ``kpis_reviewdecision``) and keep
their names: the models moved here without touching the database (migration 0001).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plannerist.models import Organization


class WeeklyReview(models.Model):
    """One organisation's review of one ISO week: what moved, what was decided, who reviewed it.

    ``summary`` is a copy of the week's figures, signals and campaigns taken when the draft
    is made (see :func:`reviews.summary.review_summary`): the review keeps what was seen even
    after later recomputes; a draft's copy can be refreshed until it is marked reviewed.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="weekly_reviews")
    week_start = models.DateField(_("week (its Monday)"))
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    summary_taken_at = models.DateTimeField(_("summary taken at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_to = models.JSONField(_("sent to"), default=list, blank=True)  # the addresses, as sent
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "kpis_weeklyreview"  # the table kept its name when reviews left kpis
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "week_start"], name="one_review_per_org_week"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.week}"

    @property
    def week(self) -> str:
        """The ISO week as users type it: ``2026-W47``."""
        year, week, _day = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None

    @property
    def status(self) -> str:
        """``draft``, then ``reviewed``, then ``sent`` (a pack is never sent unreviewed)."""
        if self.sent_at is not None:
            return "sent"
        return "reviewed" if self.is_reviewed else "draft"


class ReviewDecision(models.Model):
    """What a review decided: amplify, adjust, stop or keep something, by whom and when."""

    class Action(models.TextChoices):
        AMPLIFY = "amplify", _("Amplify")
        ADJUST = "adjust", _("Adjust")
        STOP = "stop", _("Stop")
        KEEP = "keep", _("Keep")

    review = models.ForeignKey(WeeklyReview, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(_("decision"), max_length=10, choices=Action.choices)
    text = models.TextField(_("what exactly"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("owner"),
    )
    due = models.DateField(_("due"), null=True, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="review_decisions",
        verbose_name=_("campaign"),
    )
    done = models.BooleanField(_("done"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "kpis_reviewdecision"
        ordering = ["done", models.F("due").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.text[:40]}"


class PackSchedule(models.Model):
    """When a consultant's reviewed packs of one organisation are e-mailed by themselves:
    a weekday and an hour of the organisation's own clock (the hourly job sends those of
    the last complete week that are reviewed and not sent yet)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="pack_schedules")
    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pack_schedules",
                                   verbose_name=_("sent by"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, default=Weekday.TUESDAY)
    hour = models.PositiveSmallIntegerField(_("hour"), default=9)
    active = models.BooleanField(_("send reviewed packs by themselves"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "consultant"], name="one_pack_schedule_per_consultant"),
            models.CheckConstraint(condition=models.Q(hour__lte=23), name="pack_schedule_hour_of_day"),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="pack_schedule_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_weekday_display()} {self.hour:02d}:00"
