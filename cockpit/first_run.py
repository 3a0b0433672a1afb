"""The guided first run's reads: which of its five steps are done, from the organisation's data.

A step is done when what it fills exists: the business confirmed once, a product in the
catalogue, a channel, an import confirmed or a day typed, a campaign. One query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Product
from cockpit.models import SampleBusiness
from plannerist.models import Organization
from sales.models import Channel, DailyActual, ImportBatch

STEPS = (  # key, URL name, title
    ("business", "first_run_business", _("Your business")),
    ("catalogue", "first_run_catalogue", _("Your products and their costs")),
    ("channel", "first_run_channel", _("Your sales channel and its costs per order")),
    ("history", "first_run_history", _("Your sales history")),
    ("promotion", "first_run_promotion", _("Your first promotion")),
)
STEP_KEYS = tuple(key for key, _name, _title in STEPS)


@dataclass(frozen=True)
class Step:
    key: str
    number: int
    title: str
    url: str
    done: bool


@dataclass(frozen=True)
class FirstRunState:
    steps: tuple[Step, ...]
    skipped: bool
    sample: bool

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def next_step(self) -> Step | None:
        return next((step for step in self.steps if not step.done), None)

    @property
    def shows_checklist(self) -> bool:
        """The dashboard shows the checklist until every step is done, unless skipped (a sample
        business comes filled: no guide)."""
        return not (self.complete or self.skipped or self.sample)

    def step(self, key: str) -> Step:
        return next(step for step in self.steps if step.key == key)

    def after(self, key: str) -> Step | None:
        """The step that follows ``key`` and is not done yet (None: the guide is finished)."""
        index = STEP_KEYS.index(key)
        return next((step for step in self.steps[index + 1:] if not step.done), None) or self.next_step


def first_run_state(organization: Organization) -> FirstRunState:
    """The five steps with whether each is done, and whether the guide was skipped."""
    mine = {"organization": OuterRef("pk")}
    row = Organization.objects.filter(pk=organization.pk).annotate(
        has_products=Exists(Product.objects.filter(**mine)),
        has_channel=Exists(Channel.objects.filter(**mine)),
        has_import=Exists(ImportBatch.objects.filter(**mine, status=ImportBatch.Status.DONE)),
        has_day=Exists(DailyActual.objects.filter(**mine)),
        has_campaign=Exists(Campaign.objects.filter(**mine)),
        is_sample=Exists(SampleBusiness.objects.filter(**mine)),
        business_at=F("first_run__business_confirmed_at"),
        skipped_at=F("first_run__skipped_at"),
    ).values("has_products", "has_channel", "has_import", "has_day", "has_campaign", "is_sample",
             "business_at", "skipped_at").get()
    done = {
        "business": row["business_at"] is not None,
        "catalogue": row["has_products"],
        "channel": row["has_channel"],
        "history": row["has_import"] or row["has_day"],
        "promotion": row["has_campaign"],
    }
    steps = tuple(
        Step(key, number, str(title), reverse(name, kwargs={"org_slug": organization.slug}), done[key])
        for number, (key, name, title) in enumerate(STEPS, start=1)
    )
    return FirstRunState(steps=steps, skipped=row["skipped_at"] is not None, sample=row["is_sample"])


def import_done_context(access, *, batch) -> dict:
    """A finished import's page, while the guide runs: the guide's next step, to go back to it
    (``first_run_next`` is None when the guide is done, skipped or a sample's)."""
    state = first_run_state(access.organization)
    return {"first_run_next": state.next_step if state.shows_checklist else None}
