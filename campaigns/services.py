"""Writes on the catalogue, channels, campaigns and scenarios.

Writes that change what the KPIs or signals read (costs, products, campaigns and their
status) ask for a KPI recompute after commit; scenarios do not, until one is chosen.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.forms import ModelForm
from django.utils.translation import gettext as _

from campaigns.forms import PLAN_FIELDS
from campaigns.models import Campaign, Channel, CostProfile, Scenario
from kpis.services import recompute_request
from plannerist.models import Membership, Organization
from plannerist.tenancy import can_approve_campaigns, can_edit_campaigns

Status = Campaign.Status

# (from, to) → who may move a campaign along it.
TRANSITIONS = {
    (Status.DRAFT, Status.PLANNED): can_edit_campaigns,
    (Status.PLANNED, Status.DRAFT): can_edit_campaigns,
    (Status.PLANNED, Status.APPROVED): can_approve_campaigns,
    (Status.APPROVED, Status.PLANNED): can_approve_campaigns,
    (Status.APPROVED, Status.LIVE): can_edit_campaigns,
    (Status.LIVE, Status.FINISHED): can_edit_campaigns,
    (Status.LIVE, Status.STOPPED): can_edit_campaigns,
    (Status.APPROVED, Status.STOPPED): can_approve_campaigns,
}
_ECONOMIC_FIELDS = [f for f in PLAN_FIELDS if f != "products"] + ["channel", "start", "end", "baseline_orders"]


def can_change_status(member: Membership) -> bool:
    return any(check(member) for check in set(TRANSITIONS.values()))


class TransitionError(Exception):
    pass


def allowed_transitions(*, campaign: Campaign, member: Membership) -> list[str]:
    return [to for (frm, to), check in TRANSITIONS.items() if frm == campaign.status and check(member)]


@transaction.atomic
def campaign_save(*, campaign: Campaign, products: list, by: Membership) -> Campaign:
    """Create or update; an approved campaign whose economics change needs approving again."""
    if campaign.pk and campaign.status == Status.APPROVED:
        before = Campaign.objects.get(pk=campaign.pk)
        changed = any(getattr(before, f) != getattr(campaign, f) for f in _ECONOMIC_FIELDS)
        if changed or {p.pk for p in before.products.all()} != {p.pk for p in products}:
            campaign.status = Status.PLANNED
    if campaign.owner_id is None:
        campaign.owner = by.user
    campaign.full_clean()
    campaign.save()
    campaign.products.set(products)
    recompute_request(organization=campaign.organization)
    return campaign


@transaction.atomic
def campaign_set_status(*, campaign: Campaign, status: str, by: Membership) -> Campaign:
    check = TRANSITIONS.get((campaign.status, status))
    if check is None:
        raise TransitionError(
            _("A campaign cannot go from %(old)s to %(new)s.")
            % {"old": campaign.get_status_display(), "new": Status(status).label}
        )
    if not check(by):
        raise PermissionDenied
    campaign.status = status
    campaign.save(update_fields=["status", "updated_at"])
    recompute_request(organization=campaign.organization)
    return campaign


@transaction.atomic
def scenario_save(*, scenario: Scenario, products: list) -> Scenario:
    scenario.full_clean()
    scenario.save()
    scenario.products.set(products)
    return scenario


@transaction.atomic
def scenario_from_campaign(*, campaign: Campaign, name: str) -> Scenario:
    """A new scenario holding the campaign's current parameters."""
    scenario = Scenario(campaign=campaign, name=name, **{f: getattr(campaign, f) for f in PLAN_FIELDS if f != "products"})
    return scenario_save(scenario=scenario, products=list(campaign.products.all()))


@transaction.atomic
def scenario_choose(*, scenario: Scenario, by: Membership) -> Campaign:
    """Make the scenario the campaign's plan: its parameters are copied into the campaign."""
    campaign = scenario.campaign
    Scenario.objects.filter(campaign=campaign, chosen=True).update(chosen=False)
    scenario.chosen = True
    scenario.save(update_fields=["chosen"])
    for field in PLAN_FIELDS:
        if field != "products":
            setattr(campaign, field, getattr(scenario, field))
    return campaign_save(campaign=campaign, products=list(scenario.products.all()), by=by)


@transaction.atomic
def channel_create(*, organization, name: str, kind: str) -> Channel:
    channel = Channel.objects.create(organization=organization, name=name, kind=kind)
    CostProfile.objects.create(organization=organization, channel=channel)
    recompute_request(organization=organization)
    return channel


@transaction.atomic
def costs_save(*, form: ModelForm, organization: Organization) -> Model:
    """Save a validated product or cost-profile form: the margin's inputs."""
    saved = form.save(commit=False)
    saved.organization = organization
    saved.save()
    form.save_m2m()
    recompute_request(organization=organization)
    return saved
