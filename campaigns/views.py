from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns import charts, law, selectors, services
from campaigns.engine.economics import margin_net_of_dip
from campaigns.forms import (
    CampaignForm,
    ChannelForm,
    CommentForm,
    CostProfileForm,
    ProductForm,
    PromotionSettingsForm,
    ScenarioForm,
    ScenarioNewForm,
    StatusForm,
)
from campaigns.history import history_rows
from campaigns.in_flight import live_projection
from campaigns.models import Campaign, Mechanic, Product, PromotionSettings, Scenario
from campaigns.sources import delivery_cost
from plannerist.tenancy import Access, can_comment, can_edit_campaigns, can_edit_costs, org_view
from sales.models import Channel

SCENARIO = (Scenario, "campaign__organization")


def _capacity_cost(plan, replaces: Campaign | None, catalogue=None):
    """What delivering a campaign or scenario costs; ``replaces`` is the saved campaign a typed
    plan stands for (a scenario stands for its campaign), counted once; ``catalogue`` the
    active products already read for the economics."""
    if isinstance(plan, Scenario):
        return delivery_cost(plan, replaces=replaces or plan.campaign, catalogue=catalogue)
    if isinstance(plan, Campaign) and plan.start and plan.end:
        return delivery_cost(plan, replaces=replaces, catalogue=catalogue)
    return None


NEW_CAMPAIGN_UPLIFT = Decimal("0.3")  # a new campaign's uplift when no past campaign of its kind measured one


def _law(access: Access, plan, replaces: Campaign | None) -> law.PromotionLaw | None:
    """The French promotion rules for a campaign or scenario, saved or typed: a scenario runs
    on its campaign's dates, name and description."""
    campaign = plan.campaign if isinstance(plan, Scenario) else plan
    if not (campaign.start and campaign.end):
        return None
    product_ids = getattr(plan, "scope_product_ids", None)
    if product_ids is None:
        product_ids = [p.pk for p in plan.products.all()] if plan.pk else []
    return law.promotion_law(
        plan, organization=access.organization, product_ids=product_ids, start=campaign.start, end=campaign.end,
        name=campaign.name, description=campaign.objective, departement=law.departement_of(access.organization),
        exclude_campaign_id=(replaces or campaign).pk,
    )


def _result(access: Access, economics: selectors.CampaignEconomics, plan, replaces: Campaign | None = None,
            catalogue=None, memory: dict | None = None) -> dict:
    """The what-if result partial's context: the engine's figures, their charts and, for a
    campaign or scenario, what delivering it costs in extra capacity. ``memory``: the promotion
    memory when the caller read it already."""
    currency = access.organization.currency
    ev = economics.evaluation
    capacity_cost = _capacity_cost(plan, replaces, catalogue)
    cost_to_deliver = None if capacity_cost is None else capacity_cost.cost_to_deliver
    return {
        "capacity_cost": capacity_cost,
        "law": _law(access, plan, replaces),
        "margin_after_capacity": None if cost_to_deliver is None else float(ev.incremental.margin) - cost_to_deliver,
        "economics": economics,
        "ev": ev,
        "risk": economics.risk,
        "plan": plan,
        "break_even": None if ev.break_even_uplift != ev.break_even_uplift else float(ev.break_even_uplift),
        **_dip(access, ev, plan, economics.depth_share, memory),
        "waterfall": charts.waterfall(ev, currency),
        "uplift_chart": charts.curve(economics.uplift_curve, expected=float(plan.uplift), currency=currency),
        "depth_chart": charts.curve(economics.discount_curve, expected=economics.planned_depth, currency=currency),
    }


def _dip(access: Access, ev, plan, depth: float | None, memory: dict | None = None) -> dict:
    """The share of their extra orders that past campaigns of this kind gave back after them,
    and the incremental margin net of it (the break-even sentence says it when > 0)."""
    dip = selectors.pooled_dip(access.organization, plan.mechanic, depth, memory=memory)
    if dip is None or dip["share"] <= 0:
        return {"dip": None}
    return {"dip": dip, "margin_net_of_dip": margin_net_of_dip(ev, dip["share"])}


def _form_result(access: Access, form: CampaignForm | ScenarioForm, campaign: Campaign | None,
                 replaces: Campaign | None = None, memory: dict | None = None) -> dict:
    """Evaluate the (unsaved) form's plan; a scenario takes dates and channel from its campaign."""
    plan = form.instance
    product_ids = [p.pk for p in form.cleaned_data.get("products", [])]
    plan.scope_product_ids = product_ids  # read by the capacity side: the M2M rows are not the typed ones
    catalogue = selectors.catalogue_frame(access.organization)  # one read for the economics and the capacity
    economics = selectors.plan_economics(plan, campaign=campaign or plan, product_ids=product_ids, catalogue=catalogue)
    return _result(access, economics, plan, replaces or campaign, catalogue, memory)


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
        context.update(_result(access, selectors.economics_of(campaign), campaign))
        context.update(_approval(access, campaign))
        context["scenarios"] = campaign.scenarios.all()
        live = live_projection(campaign, today=access.organization.today())
        if live is not None:
            context.update(live=live, live_chart=charts.in_flight(live.pace.days))
    elif form.is_bound or not campaign.pk:
        if form.is_valid():
            context.update(_form_result(access, form, None, campaign if campaign.pk else None))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "campaigns/campaign_detail.html", context, status=status)


@org_view(methods=("POST",), writes=False)
def whatif(request: HttpRequest, access: Access) -> HttpResponse:
    """The result partial for the form as typed: nothing is saved."""
    form = CampaignForm(request.POST, instance=Campaign(organization=access.organization), organization=access.organization)
    context = {"form": form}
    if form.is_valid():
        memory = selectors.promotion_memory(access.organization.id)  # one read: the dip and the pre-fill
        context.update(_form_result(access, form, None, memory=memory))
        context["memory"] = _uplift_memory(access, form.instance, context["economics"].depth_share, memory)
    return render(request, "campaigns/campaign_detail.html#result", context, status=400 if form.errors else 200)


def _uplift_memory(access: Access, plan: Campaign, depth: float | None, memory: dict) -> dict:
    """What a new campaign's uplift fields hold for the kind typed (its mechanic and depth
    band): the pooled uplift and interval of past campaigns of that kind and how many, else the
    default guess. The page's script (static/js/app.js) moves the uplift fields the person has
    not typed in to these values, so the pre-fill follows the mechanic and the depth."""
    return uplift_memory(selectors.pooled_uplift(access.organization, plan.mechanic, depth, memory=memory),
                         plan.mechanic, selectors.campaign_kind(plan.mechanic, depth)[1])


DEPTH_BANDS = {"<15": gettext_lazy("under 15 %"), "15-30": gettext_lazy("15 to 30 %"), ">30": gettext_lazy("over 30 %")}


def uplift_memory(pooled: dict | None, mechanic: str, band: str | None) -> dict:
    """The uplift fields' values for a kind from its pooled memory (None: the default guess,
    no interval), as the form shows them (percent), with the kind's name."""
    field = CampaignForm.base_fields["uplift"]
    kind = str(Mechanic(mechanic).label) + (f" ({DEPTH_BANDS[band]})" if band in DEPTH_BANDS else "")
    if pooled is None:
        return {"n": 0, "kind": kind, "uplift": field.prepare_value(NEW_CAMPAIGN_UPLIFT), "low": "", "high": ""}
    return {"n": pooled["n"], "kind": kind,
            **{name: field.prepare_value(Decimal(str(round(float(pooled[key]), 4))))
               for name, key in (("uplift", "uplift"), ("low", "uplift_lo80"), ("high", "uplift_hi80"))}}


@org_view(methods=("POST",), writes=False, campaign=Campaign)
def campaign_whatif(request: HttpRequest, access: Access, campaign: Campaign) -> HttpResponse:
    """The result partial for a saved campaign's form as typed: the typed plan stands in for
    the saved one (counted once in the capacity it needs). Nothing is saved."""
    form = CampaignForm(request.POST, instance=Campaign(organization=access.organization), organization=access.organization)
    context = {"form": form}
    if form.is_valid():
        context.update(_form_result(access, form, None, campaign))
    return render(request, "campaigns/campaign_detail.html#result", context, status=400 if form.errors else 200)


@org_view(methods=("POST",), writes=False, scenario=SCENARIO)
def scenario_whatif(request: HttpRequest, access: Access, scenario: Scenario) -> HttpResponse:
    """The result partial for a scenario's form as typed, on its campaign's dates, channel and
    baseline, like the scenario's page on load. Nothing is saved."""
    form = ScenarioForm(request.POST, instance=scenario, organization=access.organization)
    context = {"form": form}
    if form.is_valid():
        context.update(_form_result(access, form, scenario.campaign))
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


@org_view(methods=("GET", "POST"), campaign=Campaign)
def scenario_compare(request: HttpRequest, access: Access, campaign: Campaign) -> HttpResponse:
    if request.method == "POST":
        access.require(can_edit_campaigns)
    form = ScenarioNewForm(request.POST or None, campaign=campaign)
    if form.is_valid():
        scenario = services.scenario_from_campaign(campaign=campaign, name=form.cleaned_data["name"])
        return redirect("campaigns:scenario", org_slug=access.organization.slug, scenario_id=scenario.pk)
    comparison = selectors.scenario_comparison(
        campaign, cost_to_deliver=lambda plan: getattr(delivery_cost(plan, replaces=campaign), "cost_to_deliver", None))
    currency = access.organization.currency
    chart = charts.scenario_bars([r["name"] for r in comparison.rows], [r["incremental_margin"] for r in comparison.rows],
                                 comparison.best, currency) if comparison.rows else ""
    return render(request, "campaigns/scenario_compare.html", {
        "campaign": campaign, "comparison": comparison, "chart": chart, "can_edit": access.can(can_edit_campaigns),
        "form": form,
    }, status=400 if form.errors else 200)


@org_view(methods=("GET", "POST"), scenario=SCENARIO)
def scenario_detail(request: HttpRequest, access: Access, scenario: Scenario) -> HttpResponse:
    if request.method == "POST":
        access.require(can_edit_campaigns)
    campaign = scenario.campaign
    form = ScenarioForm(request.POST or None, instance=scenario, organization=access.organization)
    if request.method == "POST" and form.is_valid():
        services.scenario_save(scenario=form.save(commit=False), products=list(form.cleaned_data["products"]))
        messages.success(request, _("Scenario saved."))
        return redirect("campaigns:scenarios", org_slug=access.organization.slug, campaign_id=campaign.pk)
    context = {"form": form, "campaign": campaign, "scenario": scenario, "can_edit": access.can(can_edit_campaigns)}
    if form.is_bound and form.is_valid():
        context.update(_form_result(access, form, campaign))
    elif not form.is_bound:
        context.update(_result(access, selectors.scenario_economics(scenario), scenario))
    return render(request, "campaigns/scenario_detail.html", context, status=400 if form.errors else 200)


@org_view(methods=("POST",), scenario=SCENARIO)
def scenario_choose(request: HttpRequest, access: Access, scenario: Scenario) -> HttpResponse:
    access.require(can_edit_campaigns)
    try:
        services.scenario_choose(scenario=scenario, by=access.membership)
    except services.LiveEconomicsLocked as refused:
        messages.error(request, str(refused))
        return redirect("campaigns:scenarios", org_slug=access.organization.slug, campaign_id=scenario.campaign_id)
    messages.success(request, _("“%(name)s” is now the campaign's plan.") % {"name": scenario.name})
    return redirect("campaigns:detail", org_slug=access.organization.slug, campaign_id=scenario.campaign_id)


@org_view(methods=("POST",), scenario=SCENARIO)
def scenario_delete(request: HttpRequest, access: Access, scenario: Scenario) -> HttpResponse:
    access.require(can_edit_campaigns)
    scenario.delete()
    return redirect("campaigns:scenarios", org_slug=access.organization.slug, campaign_id=scenario.campaign_id)


@org_view(methods=("GET", "POST"))
def catalogue(request: HttpRequest, access: Access) -> HttpResponse:
    if request.method == "POST":
        access.require(can_edit_costs)
    form = ProductForm(request.POST or None, organization=access.organization)
    if request.method == "POST" and form.is_valid():
        services.costs_save(instance=form.save(commit=False), organization=access.organization)
        messages.success(request, _("Product added."))
        return redirect("campaigns:catalogue", org_slug=access.organization.slug)
    return render(request, "campaigns/catalogue.html", {
        "form": form, "channel_form": ChannelForm(),
        "products": access.scoped(Product), "channels": access.scoped(Channel).select_related("cost_profile"),
        "can_edit": access.can(can_edit_costs),
    }, status=400 if form.errors else 200)


@org_view(methods=("GET", "POST"), product=Product)
def product_detail(request: HttpRequest, access: Access, product: Product) -> HttpResponse:
    if request.method == "POST":
        access.require(can_edit_costs)
    form = ProductForm(request.POST or None, instance=product, organization=access.organization)
    if request.method == "POST" and form.is_valid():
        services.costs_save(instance=form.save(commit=False), organization=access.organization)
        messages.success(request, _("Product saved."))
        return redirect("campaigns:catalogue", org_slug=access.organization.slug)
    return render(request, "campaigns/edit_form.html", {
        "form": form, "title": product.name, "can_edit": access.can(can_edit_costs),
    }, status=400 if form.errors else 200)


@org_view(methods=("POST",))
def channel_new(request: HttpRequest, access: Access) -> HttpResponse:
    access.require(can_edit_costs)
    form = ChannelForm(request.POST)
    if form.is_valid() and not access.scoped(Channel).filter(name=form.cleaned_data["name"]).exists():
        channel = services.channel_create(organization=access.organization, **form.cleaned_data)
        return redirect("campaigns:channel", org_slug=access.organization.slug, channel_id=channel.pk)
    messages.error(request, _("Give the channel a new name and a kind."))
    return redirect("campaigns:catalogue", org_slug=access.organization.slug)


@org_view(methods=("GET", "POST"), channel=Channel)
def channel_detail(request: HttpRequest, access: Access, channel: Channel) -> HttpResponse:
    if request.method == "POST":
        access.require(can_edit_costs)
    profile = selectors.cost_profile_for(channel)
    profile.organization = access.organization
    form = CostProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.costs_save(instance=form.save(commit=False), organization=access.organization)
        messages.success(request, _("Costs of %(channel)s saved.") % {"channel": channel})
        return redirect("campaigns:catalogue", org_slug=access.organization.slug)
    return render(request, "campaigns/edit_form.html", {
        "form": form, "title": _("Costs per order on %(channel)s") % {"channel": channel},
        "can_edit": access.can(can_edit_costs),
        "intro": _("Everything one order costs beyond the goods: the costs a promotion forgets."),
    }, status=400 if form.errors else 200)


@org_view(methods=("GET", "POST"))
def promotion_settings(request: HttpRequest, access: Access) -> HttpResponse:
    """The shop's département, which sets its legal sales periods."""
    if request.method == "POST":
        access.require(can_edit_costs)
    instance = access.scoped(PromotionSettings).first() or PromotionSettings(organization=access.organization)
    form = PromotionSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.promotion_settings_save(organization=access.organization, departement=form.cleaned_data["departement"])
        messages.success(request, _("Sales periods settings saved."))
        return redirect("campaigns:catalogue", org_slug=access.organization.slug)
    return render(request, "campaigns/edit_form.html", {
        "form": form, "title": _("Legal sales periods"), "can_edit": access.can(can_edit_costs),
        "intro": _("The soldes' dates depend on the département of your shop front; an online shop follows the "
                   "national dates."),
    }, status=400 if form.errors else 200)
