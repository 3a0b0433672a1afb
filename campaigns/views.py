"""The campaigns: their list, a campaign's page (its form, the what-if result on load, the
approval block, the in-flight pace) and the what-if partials of a campaign as typed; the
approval workflow's steps and comments. Scenarios are :mod:`campaigns.scenario_views`, the
catalogue and costs :mod:`campaigns.catalogue_views`, the what-if result :mod:`campaigns.whatif`.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaigns import charts, selectors, services
from campaigns.forms import CampaignForm, CommentForm, StatusForm
from campaigns.history import history_rows
from campaigns.in_flight import live_projection
from campaigns.models import Campaign, Mechanic
from campaigns.whatif import NEW_CAMPAIGN_UPLIFT, form_result, plan_result, uplift_memory
from plannerist.tenancy import Access, can_comment, can_edit_campaigns, org_view
from sales.models import Channel


@org_view()
def campaign_list(request: HttpRequest, access: Access) -> HttpResponse:
    rows = selectors.campaign_rows(access.organization)
    return render(request, "campaigns/campaign_list.html", {
        "rows": rows, "can_edit": access.can(can_edit_campaigns),
    })


@org_view(methods=("GET", "POST"))
def campaign_new(request: HttpRequest, access: Access) -> HttpResponse:
    return _campaign_page(request, access, Campaign(organization=access.organization))


@org_view(methods=("GET", "POST"), campaign=Campaign)
def campaign_detail(request: HttpRequest, access: Access, campaign: Campaign) -> HttpResponse:
    return _campaign_page(request, access, campaign)


def _campaign_page(request: HttpRequest, access: Access, campaign: Campaign) -> HttpResponse:
    if request.method == "POST":
        access.require(can_edit_campaigns)
    initial, prefill = None, None
    if not campaign.pk:
        initial = {"uplift": NEW_CAMPAIGN_UPLIFT, "discount_rate": Decimal("0.2")}
        prefill = selectors.pooled_uplift(access.organization, Mechanic.PERCENT_OFF, float(initial["discount_rate"]))
        if prefill is not None:  # the uplift of past campaigns of this kind, and its interval
            initial.update({field: Decimal(str(round(float(prefill[key]), 4))) for field, key in (
                ("uplift", "uplift"), ("uplift_low", "uplift_lo80"), ("uplift_high", "uplift_hi80"))})
    form = CampaignForm(request.POST or None, instance=campaign, organization=access.organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.campaign_save(campaign=form.save(commit=False),
                                           products=list(form.cleaned_data["products"]), by=access.membership)
        except services.LiveEconomicsLocked as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns:detail", org_slug=access.organization.slug, campaign_id=saved.pk)
    context = {"form": form, "campaign": campaign, "can_edit": access.can(can_edit_campaigns),
               "uplift_prefill": None if prefill is None or form.is_bound else prefill["n"],
               "no_channel": not campaign.pk and not access.scoped(Channel).exists()}
    if not campaign.pk and not form.is_bound:  # what the uplift fields were pre-filled from
        context["memory"] = uplift_memory(prefill, Mechanic.PERCENT_OFF,
                                          selectors.campaign_kind(Mechanic.PERCENT_OFF, float(initial["discount_rate"]))[1])
    if campaign.pk and not form.is_bound:
        context.update(plan_result(access, selectors.economics_of(campaign), campaign))
        context.update(_approval(access, campaign))
        context["scenarios"] = campaign.scenarios.all()
        live = live_projection(campaign, today=access.organization.today())
        if live is not None:
            context.update(live=live, live_chart=charts.in_flight(live.pace.days))
    elif form.is_bound or not campaign.pk:
        if form.is_valid():
            context.update(form_result(access, form, None, campaign if campaign.pk else None))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "campaigns/campaign_detail.html", context, status=status)


@org_view(methods=("POST",), writes=False)
def whatif(request: HttpRequest, access: Access) -> HttpResponse:
    """The result partial for the form as typed: nothing is saved."""
    form = CampaignForm(request.POST, instance=Campaign(organization=access.organization), organization=access.organization)
    context = {"form": form}
    if form.is_valid():
        memory = selectors.promotion_memory(access.organization.id)  # one read: the dip and the pre-fill
        context.update(form_result(access, form, None, memory=memory))
        context["memory"] = _uplift_memory(access, form.instance, context["economics"].depth_share, memory)
    return render(request, "campaigns/campaign_detail.html#result", context, status=400 if form.errors else 200)


def _uplift_memory(access: Access, plan: Campaign, depth: float | None, memory: dict) -> dict:
    """What a new campaign's uplift fields hold for the kind typed (its mechanic and depth
    band): the pooled uplift and interval of past campaigns of that kind and how many, else the
    default guess. The page's script (static/js/app.js) moves the uplift fields the person has
    not typed in to these values, so the pre-fill follows the mechanic and the depth."""
    return uplift_memory(selectors.pooled_uplift(access.organization, plan.mechanic, depth, memory=memory),
                         plan.mechanic, selectors.campaign_kind(plan.mechanic, depth)[1])


@org_view(methods=("POST",), writes=False, campaign=Campaign)
def campaign_whatif(request: HttpRequest, access: Access, campaign: Campaign) -> HttpResponse:
    """The result partial for a saved campaign's form as typed: the typed plan stands in for
    the saved one (counted once in the capacity it needs). Nothing is saved."""
    form = CampaignForm(request.POST, instance=Campaign(organization=access.organization), organization=access.organization)
    context = {"form": form}
    if form.is_valid():
        context.update(form_result(access, form, None, campaign))
    return render(request, "campaigns/campaign_detail.html#result", context, status=400 if form.errors else 200)


def _approval(access: Access, campaign: Campaign) -> dict:
    """The approval block: the moves this member may make, whether a send-back needs a
    comment, the comments and the audit log (three queries)."""
    transitions = services.allowed_transitions(campaign=campaign, member=access.membership)
    return {
        "transitions": transitions,
        "comment_required": any(
            services.needs_comment(campaign=campaign, status=t, member=access.membership) for t in transitions),
        "comments": campaign.comments.select_related("author"),
        "changes": history_rows(campaign.changes.select_related("changed_by")[:HISTORY_SHOWN],
                                currency=access.organization.currency),
        "comment_form": CommentForm(),
        "can_comment": access.can(can_comment),
    }


HISTORY_SHOWN = 30


@org_view(methods=("POST",), campaign=Campaign)
def campaign_status(request: HttpRequest, access: Access, campaign: Campaign) -> HttpResponse:
    """Propose, approve, send back (with a comment), go live…: one step of the workflow."""
    access.require(services.can_change_status)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.campaign_set_status(campaign=campaign, status=form.cleaned_data["status"], by=access.membership,
                                         comment=form.cleaned_data["comment"], seen=form.cleaned_data["seen"])
            messages.success(request, _("The campaign is now %(status)s.") % {"status": campaign.get_status_display()})
        except services.TransitionError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Unknown status."))
    return redirect("campaigns:detail", org_slug=access.organization.slug, campaign_id=campaign.pk)


@org_view(methods=("POST",), campaign=Campaign)
def campaign_comment(request: HttpRequest, access: Access, campaign: Campaign) -> HttpResponse:
    access.require(can_comment)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.campaign_comment_add(campaign=campaign, by=access.membership, text=form.cleaned_data["text"])
        form = CommentForm()
    context = {"campaign": campaign, **_approval(access, campaign), "comment_form": form}
    if request.htmx:
        return render(request, "campaigns/campaign_detail.html#comments", context, status=400 if form.errors else 200)
    if form.errors:
        messages.error(request, _("Write a comment first."))
    return redirect("campaigns:detail", org_slug=access.organization.slug, campaign_id=campaign.pk)
