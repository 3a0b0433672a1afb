"""The guided first run, under ``/o/<slug>/start/``: five steps, each linking to the next,
skippable and resumed where it was left (the steps' state is the organisation's data)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaigns import services as campaigns_services
from campaigns.models import Campaign, CostProfile, Mechanic, Scope
from campaigns.selectors import pooled_uplift
from cockpit import services
from cockpit.first_run import FirstRunState, first_run_state
from cockpit.first_run_forms import (
    BusinessForm,
    ChannelCostsForm,
    ChannelStepForm,
    FirstPromotionForm,
    SoldProductsForm,
    TypedProductsForm,
    preset_initial,
)
from kpis import selectors as kpis_selectors
from kpis.product_forms import MISSING_SHOWN
from kpis.services.products import missing_products_add
from plannerist.tenancy import (
    Access,
    can_edit_campaigns,
    can_edit_costs,
    can_enter_actuals,
    can_manage_members,
    org_view,
)
from sales import selectors as sales_selectors
from sales.models import Channel

DEFAULT_UPLIFT = Decimal("0.3")  # the campaign page's own default when no past campaign says better


def _page(request: HttpRequest, access: Access, key: str, template: str, context: dict, *, can_edit: bool,
          status: int = 200, state: FirstRunState | None = None) -> HttpResponse:
    state = state or first_run_state(access.organization)
    return render(request, template, {
        "state": state, "step": state.step(key), "next_step": state.after(key), "can_edit": can_edit,
        "can_skip_guide": access.can(can_manage_members), **context,
    }, status=status)


def _next(access: Access, key: str) -> HttpResponse:
    """After a step is saved: the next step not done yet, or the dashboard when all are."""
    following = first_run_state(access.organization).after(key)
    return redirect(following.url if following else f"/o/{access.organization.slug}/")


@org_view()
def first_run(request: HttpRequest, access: Access) -> HttpResponse:
    """The guide's overview: the five steps, what each fills, which are done."""
    state = first_run_state(access.organization)
    return render(request, "cockpit/first_run/overview.html",
                  {"state": state, "can_skip_guide": access.can(can_manage_members)})


@org_view(methods=("POST",))
def first_run_skip(request: HttpRequest, access: Access) -> HttpResponse:
    """Skip the guide (``resume=1``: take it up again): for those who set the business up."""
    access.require(can_manage_members)
    resume = request.POST.get("resume") == "1"
    services.first_run_skip(organization=access.organization, skipped=not resume)
    if resume:
        return redirect("first_run", org_slug=access.organization.slug)
    messages.success(request, _("Guide skipped: resume it from the dashboard whenever you like."))
    return redirect("dashboard", org_slug=access.organization.slug)


@org_view(methods=("GET", "POST"))
def first_run_business(request: HttpRequest, access: Access) -> HttpResponse:
    can_edit = access.can(can_manage_members)
    form = BusinessForm(request.POST or None, instance=access.organization)
    if request.method == "POST":
        access.require(can_manage_members)
        if form.is_valid():
            services.business_save(organization=access.organization,
                                   values={name: form.cleaned_data[name] for name in form.Meta.fields})
            return _next(access, "business")
    return _page(request, access, "business", "cockpit/first_run/business.html", {"form": form},
                 can_edit=can_edit, status=400 if form.errors else 200)


@org_view(methods=("GET", "POST"))
def first_run_catalogue(request: HttpRequest, access: Access) -> HttpResponse:
    """Type a few products, or give the costs of those an imported order file sold."""
    org = access.organization
    missing, missing_count = kpis_selectors.missing_products(org.id, limit=MISSING_SHOWN)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted else None
    typed = TypedProductsForm(posted if which == "typed" else None, organization=org)
    sold = SoldProductsForm(posted if which == "sold" else None, missing=missing, vat_rate=org.vat_rate)
    if posted is not None:
        access.require(can_edit_costs)
        form = typed if which == "typed" else sold
        if form.is_valid():
            try:
                if which == "typed":
                    added = services.products_add(organization=org, products=form.products())
                else:
                    added = missing_products_add(organization=org, products=form.products())
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("%(n)s products added to the catalogue.") % {"n": len(added)})
                return _next(access, "catalogue")
    return _page(request, access, "catalogue", "cockpit/first_run/catalogue.html", {
        "typed": typed, "sold": sold, "missing_count": missing_count,
    }, can_edit=access.can(can_edit_costs), status=400 if (typed.errors or sold.errors) else 200)


@org_view(methods=("GET", "POST"))
def first_run_channel(request: HttpRequest, access: Access) -> HttpResponse:
    """The channel and its costs per order, presets filling the fields as suggestions."""
    org = access.organization
    posted = request.POST if request.method == "POST" else None
    step = ChannelStepForm(posted, organization=org, initial=request.GET.dict() if posted is None else None)
    profile = CostProfile(organization=org)
    imported_units = sales_selectors.units_per_order(org.id) if posted is None else None
    if imported_units is not None:  # what the imported orders say, rather than the default 1
        profile.units_per_order = imported_units
    for field, value in preset_initial(request.GET).items():
        setattr(profile, field, value)
    costs = ChannelCostsForm(posted, instance=profile)
    if posted is not None:
        access.require(can_edit_costs)
        if step.is_valid() and costs.is_valid():
            values = {name: costs.cleaned_data[name] for name in costs.Meta.fields}
            services.channel_with_costs_create(organization=org, name=step.cleaned_data["name"],
                                               kind=step.cleaned_data["kind"], costs=values)
            messages.success(request, _("Channel %(name)s saved with its costs.") % {"name": step.cleaned_data["name"]})
            return _next(access, "channel")
    return _page(request, access, "channel", "cockpit/first_run/channel.html", {
        "step_form": step, "costs": costs, "channels": access.scoped(Channel),
    }, can_edit=access.can(can_edit_costs), status=400 if (step.errors or costs.errors) else 200)


@org_view()
def first_run_history(request: HttpRequest, access: Access) -> HttpResponse:
    """Import an order export, or type a day's figures."""
    return _page(request, access, "history", "cockpit/first_run/history.html", {},
                 can_edit=access.can(can_enter_actuals))


@org_view(methods=("GET", "POST"))
def first_run_promotion(request: HttpRequest, access: Access) -> HttpResponse:
    """The first promotion: saved as a draft, then its page shows the margin, the break-even
    and the cost to deliver."""
    org = access.organization
    channel = access.scoped(Channel).order_by("pk").first()
    form = FirstPromotionForm(request.POST or None, today=org.today())
    if request.method == "POST":
        access.require(can_edit_campaigns)
        if channel is None:
            form.add_error(None, _("Create a sales channel first: a promotion runs on one."))
        elif form.is_valid():
            rate = form.cleaned_data["discount_rate"]
            past = pooled_uplift(org, Mechanic.PERCENT_OFF, float(rate))
            uplift = Decimal(str(round(float(past["uplift"]), 4))) if past else DEFAULT_UPLIFT
            campaign = Campaign(organization=org, owner=request.user, channel=channel, name=form.cleaned_data["name"],
                                start=form.cleaned_data["start"], end=form.cleaned_data["end"],
                                mechanic=Mechanic.PERCENT_OFF, discount_rate=rate, scope=Scope.CATALOGUE, uplift=uplift)
            saved = campaigns_services.campaign_save(campaign=campaign, products=[], by=access.membership)
            messages.success(request, _("Your first promotion is saved as a draft: here is what it does to your margin."))
            return redirect("campaigns:detail", org_slug=org.slug, campaign_id=saved.pk)
    return _page(request, access, "promotion", "cockpit/first_run/promotion.html", {
        "form": form, "channel": channel,
    }, can_edit=access.can(can_edit_campaigns), status=400 if form.errors else 200)
