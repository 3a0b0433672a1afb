"""A campaign's scenarios: the comparison side by side (and a new one from the campaign), a
scenario's page and its what-if partial as typed, making one the campaign's plan, deleting one.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaigns import charts, selectors, services
from campaigns.forms import ScenarioForm, ScenarioNewForm
from campaigns.models import Campaign, Scenario
from campaigns.sources import delivery_cost
from campaigns.whatif import form_result, plan_result
from plannerist.tenancy import Access, can_edit_campaigns, org_view

SCENARIO = (Scenario, "campaign__organization")


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
        context.update(form_result(access, form, campaign))
    elif not form.is_bound:
        context.update(plan_result(access, selectors.scenario_economics(scenario), scenario))
    return render(request, "campaigns/scenario_detail.html", context, status=400 if form.errors else 200)


@org_view(methods=("POST",), writes=False, scenario=SCENARIO)
def scenario_whatif(request: HttpRequest, access: Access, scenario: Scenario) -> HttpResponse:
    """The result partial for a scenario's form as typed, on its campaign's dates, channel and
    baseline, like the scenario's page on load. Nothing is saved."""
    form = ScenarioForm(request.POST, instance=scenario, organization=access.organization)
    context = {"form": form}
    if form.is_valid():
        context.update(form_result(access, form, scenario.campaign))
    return render(request, "campaigns/campaign_detail.html#result", context, status=400 if form.errors else 200)


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
