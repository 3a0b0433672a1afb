"""Writes on the catalogue, channels, campaigns and scenarios.

Writes that change what the KPIs or signals read (costs, products, campaigns and their
status) ask for a KPI recompute after commit; scenarios do not, until one is chosen.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.models import (
    ECONOMIC_FIELDS,
    PLAN_FIELDS,
    Campaign,
    CampaignChange,
    CampaignComment,
    CostProfile,
    Product,
    PromotionSettings,
    Scenario,
)
from plannerist.changes import inputs_changed_send
from plannerist.models import Membership, Organization
from plannerist.tenancy import can_approve_campaigns, can_edit_campaigns
from sales.models import Channel

Status = Campaign.Status

# (from, to) → who may move a campaign along it.
TRANSITIONS = {
    (Status.DRAFT, Status.PLANNED): can_edit_campaigns,
    (Status.PLANNED, Status.DRAFT): lambda m: can_edit_campaigns(m) or can_approve_campaigns(m),
    (Status.PLANNED, Status.APPROVED): can_approve_campaigns,
    (Status.APPROVED, Status.PLANNED): can_approve_campaigns,
    (Status.APPROVED, Status.LIVE): can_edit_campaigns,
    (Status.LIVE, Status.FINISHED): can_edit_campaigns,
    (Status.LIVE, Status.STOPPED): can_edit_campaigns,
    (Status.APPROVED, Status.STOPPED): can_approve_campaigns,
}
AUDITED_FIELDS = ["name", "objective", "status", *(f for f in ECONOMIC_FIELDS if f != "products")]
# Going back a step: whoever does it for someone else's campaign says why.
SEND_BACKS = {(Status.PLANNED, Status.DRAFT), (Status.APPROVED, Status.PLANNED)}


def can_change_status(member: Membership) -> bool:
    return any(check(member) for check in set(TRANSITIONS.values()))


class TransitionError(Exception):
    pass


class LiveEconomicsLocked(Exception):
    """A live campaign's economics changed by someone who may not approve campaigns."""


def allowed_transitions(*, campaign: Campaign, member: Membership) -> list[str]:
    return [to for (frm, to), check in TRANSITIONS.items() if frm == campaign.status and check(member)]


@transaction.atomic
def campaign_save(*, campaign: Campaign, products: list, by: Membership) -> Campaign:
    """Create or update, with every changed field in the audit log.

    Operations approve a campaign's economics (``ECONOMIC_FIELDS``): when they change, an
    approved campaign goes back to planned, to be approved again, and a live campaign's
    change is refused (:class:`LiveEconomicsLocked`) unless the member may approve
    campaigns, whose change is then its own approval.
    """
    before = Campaign.objects.filter(pk=campaign.pk).first() if campaign.pk else None
    before_products = sorted(p.sku for p in before.products.all()) if before else []
    after_products = sorted(p.sku for p in products)
    if before is not None and (
        before_products != after_products or _economics_differ(before, campaign)
    ):
        if before.status == Status.LIVE and not can_approve_campaigns(by):
            raise LiveEconomicsLocked(_(
                "This campaign is live: its offer, scope, dates, expected uplift and costs stay as "
                "operations approved them. Ask an owner to change them, or stop the campaign and "
                "plan a new one."
            ))
        if before.status == Status.APPROVED:
            campaign.status = Status.PLANNED
    if campaign.owner_id is None:
        campaign.owner = by.user
    campaign.full_clean()
    campaign.save()
    campaign.products.set(products)
    changes = [("created", "", campaign.name)] if before is None else [
        (field, _text(getattr(before, field)), _text(getattr(campaign, field)))
        for field in AUDITED_FIELDS
        if getattr(before, field) != getattr(campaign, field)
    ]
    if before is not None and before_products != after_products:
        changes.append(("products", ", ".join(before_products), ", ".join(after_products)))
    CampaignChange.objects.bulk_create(
        CampaignChange(campaign=campaign, changed_by=by.user, field=field, old=old, new=new) for field, old, new in changes
    )
    inputs_changed_send(sender="campaigns", organization=campaign.organization)
    return campaign


def _economics_differ(before: Campaign, after: Campaign) -> bool:
    """Whether any economic field but the products differs (categories in any order)."""
    for field in ECONOMIC_FIELDS:
        if field == "products":
            continue
        old, new = getattr(before, field), getattr(after, field)
        if field == "scope_categories":
            old, new = sorted(old or []), sorted(new or [])
        if old != new:
            return True
    return False


def _text(value) -> str:
    """A field's value as the audit log keeps it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "normalize"):
        return format(value.normalize(), "f")
    return str(value)


def needs_comment(*, campaign: Campaign, status: str, member: Membership) -> bool:
    """Sending someone else's campaign back a step needs a word on why."""
    return (campaign.status, status) in SEND_BACKS and campaign.owner_id != member.user_id


@transaction.atomic
def campaign_set_status(
    *, campaign: Campaign, status: str, by: Membership, comment: str = "", seen: dt.datetime | None = None
) -> Campaign:
    """One step of the workflow. ``seen`` is when the campaign had last changed on the page
    the member acted from: an approval of a campaign changed since is refused, so operations
    never approve figures they have not seen."""
    check = TRANSITIONS.get((campaign.status, status))
    if check is None:
        raise TransitionError(
            _("A campaign cannot go from %(old)s to %(new)s.")
            % {"old": campaign.get_status_display(), "new": Status(status).label}
        )
    if not check(by):
        raise PermissionDenied
    if status == Status.APPROVED and seen is not None:
        changed_at = Campaign.objects.select_for_update().values_list("updated_at", flat=True).get(pk=campaign.pk)
        if changed_at > seen:
            raise TransitionError(_("The campaign changed since you opened it: look at its figures again, then approve."))
    comment = comment.strip()
    if not comment and needs_comment(campaign=campaign, status=status, member=by):
        raise TransitionError(_("Say why you send it back: the comment goes to whoever proposed it."))
    kind = (CampaignComment.Kind.SENT_BACK if (campaign.status, status) in SEND_BACKS
            else CampaignComment.Kind.APPROVED if status == Status.APPROVED else CampaignComment.Kind.COMMENT)
    old = campaign.status
    campaign.status = status
    campaign.save(update_fields=["status", "updated_at"])
    CampaignChange.objects.create(campaign=campaign, changed_by=by.user, field="status", old=old, new=status)
    if comment:
        CampaignComment.objects.create(campaign=campaign, author=by.user, kind=kind, text=comment)
    inputs_changed_send(sender="campaigns", organization=campaign.organization)
    return campaign


@transaction.atomic
def campaign_comment_add(*, campaign: Campaign, by: Membership, text: str) -> CampaignComment:
    comment = CampaignComment(campaign=campaign, author=by.user, text=text.strip())
    comment.full_clean()
    comment.save()
    return comment


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
    """Make the scenario the campaign's plan: its parameters are copied into the campaign,
    through :func:`campaign_save` and its approval rules (an approved campaign goes back to
    planned; a live one refuses); the audit log names the scenario."""
    campaign = scenario.campaign
    previous = Scenario.objects.filter(campaign=campaign, chosen=True).exclude(pk=scenario.pk).first()
    Scenario.objects.filter(campaign=campaign, chosen=True).update(chosen=False)
    scenario.chosen = True
    scenario.save(update_fields=["chosen"])
    for field in PLAN_FIELDS:
        if field != "products":
            setattr(campaign, field, getattr(scenario, field))
    campaign = campaign_save(campaign=campaign, products=list(scenario.products.all()), by=by)
    CampaignChange.objects.create(campaign=campaign, changed_by=by.user, field="scenario",
                                  old=previous.name if previous else "", new=scenario.name)
    return campaign


@transaction.atomic
def channel_create(*, organization, name: str, kind: str) -> Channel:
    channel = Channel.objects.create(organization=organization, name=name, kind=kind)
    CostProfile.objects.create(organization=organization, channel=channel)
    inputs_changed_send(sender="campaigns", organization=organization)
    return channel


@transaction.atomic
def costs_save(*, instance: Product | CostProfile, organization: Organization) -> Product | CostProfile:
    """Save a product or a channel's cost profile (validated values): the margin's inputs."""
    instance.organization = organization
    instance.save()
    inputs_changed_send(sender="campaigns", organization=organization)
    return instance


def promotion_settings_save(*, organization: Organization, departement: str) -> PromotionSettings:
    """The shop's département for the legal sales periods (empty: the national dates)."""
    settings, _created = PromotionSettings.objects.update_or_create(
        organization=organization, defaults={"departement": departement.strip().upper()}
    )
    return settings
