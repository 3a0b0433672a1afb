"""KPI pages: the shared numbers, quick entry, imports, targets, signals, the post-mortem."""

from __future__ import annotations

import datetime as dt
import functools

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseStopPolling

from campaigns.models import Campaign
from campaigns.selectors import economics_of
from forecasting.selectors import measured_campaign
from kpis import charts, engine, pages, selectors, services
from kpis.engine import periods
from kpis.forms import (
    DiscountCodeForm,
    PeriodForm,
    TargetsForm,
    ThresholdsForm,
)
from plannerist.tenancy import Access, can_enter_actuals, can_set_targets, org_view
from sales import services as sales_services
from sales.models import DiscountCode

PERIODS_SHOWN = 8


@org_view()
def kpi_list(request: HttpRequest, access: Access) -> HttpResponse:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    org = access.organization
    period = form.chosen()
    current_start = engine.period_start_of(org.today(), period)
    table = selectors.kpi_table(org.id, period=period, count=PERIODS_SHOWN + 1)
    targets = selectors.targets_of(org.id)
    span = selectors.actuals_span(org.id)
    done, _current = periods.complete_periods(table, current_start, period=period, span=span)
    return render(request, "kpis/kpi_list.html", {
        "period": period,
        "rows": pages.kpi_rows(table, targets, current_start=current_start, period=period, span=span),
        "partial": periods.partial_period(table, current_start, period=period, span=span),
        # Counted only when a margin is unknown and the page says why (the template calls it).
        "missing_count": functools.cache(functools.partial(selectors.missing_product_count, org.id)),
        "starts": list(done.index),
        "current_start": current_start,
        "trend_chart": charts.trend(done, targets, currency=org.currency, period=period),
        "signals": selectors.open_signals(org.id),
        "cohorts": pages.cohort_grid(selectors.stored_cohorts(org.id, since=current_start - dt.timedelta(days=365),
                                                              months=pages.COHORT_MONTHS)),
        "cohort_months": range(1, pages.COHORT_MONTHS + 1),
        "state": selectors.recompute_state(org.id),
        "targets_form": TargetsForm(targets=targets),
        "can_set_targets": access.can(can_set_targets),
        "can_enter": access.can(can_enter_actuals),
    })


@org_view()
def recompute_status(request: HttpRequest, access: Access) -> HttpResponse:
    """The "computed at / stale since / running" line; polled while a recompute is pending."""
    state = selectors.recompute_state(access.organization.id)
    response = render(request, "kpis/kpi_list.html#status", {"state": state})
    if request.htmx and (state is None or not state.pending):
        return HttpResponseStopPolling(response.content)
    return response


@org_view(methods=("POST",))
def targets(request: HttpRequest, access: Access) -> HttpResponse:
    access.require(can_set_targets)
    form = TargetsForm(request.POST, targets=selectors.targets_of(access.organization.id))
    if form.is_valid():
        services.kpi_targets_save(organization=access.organization, targets=form.targets())
        messages.success(request, _("Targets saved."))
    else:
        messages.error(request, _("Targets not saved: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("kpis:list", org_slug=access.organization.slug)


@org_view(methods=("GET", "POST"))
def thresholds(request: HttpRequest, access: Access) -> HttpResponse:
    form = ThresholdsForm(request.POST or None, instance=selectors.thresholds_of(access.organization))
    if request.method == "POST":
        access.require(can_set_targets)
        if form.is_valid():
            services.signal_thresholds_save(thresholds=form.save(commit=False))
            messages.success(request, _("Signal thresholds saved."))
            return redirect("kpis:list", org_slug=access.organization.slug)
    return render(request, "kpis/edit_form.html", {
        "form": form, "title": _("When a signal is raised"), "can_edit": access.can(can_set_targets),
    }, status=400 if form.errors else 200)


@org_view(methods=("GET", "POST"))
def discount_codes(request: HttpRequest, access: Access) -> HttpResponse:
    form = DiscountCodeForm(request.POST or None, organization=access.organization)
    if request.method == "POST":
        access.require(can_enter_actuals)
        if form.is_valid():
            sales_services.discount_code_add(organization=access.organization, code=form.cleaned_data["code"],
                                             campaign_id=form.cleaned_data["campaign"].pk)
            messages.success(request, _("Code saved: its orders count for the campaign."))
            return redirect("kpis:codes", org_slug=access.organization.slug)
    return render(request, "kpis/discount_codes.html", {
        "form": form, "codes": access.scoped(DiscountCode).annotate(campaign_name=Subquery(
            Campaign.objects.filter(pk=OuterRef("campaign_id")).values("name"))).order_by("code"),
        "can_edit": access.can(can_enter_actuals),
    }, status=400 if form.errors else 200)


@org_view(methods=("POST",), discount_code=DiscountCode)
def discount_code_delete(request: HttpRequest, access: Access, discount_code: DiscountCode) -> HttpResponse:
    access.require(can_enter_actuals)
    sales_services.discount_code_remove(discount_code=discount_code)
    messages.success(request, _("Code removed."))
    return redirect("kpis:codes", org_slug=access.organization.slug)


@org_view(campaign=Campaign)
def campaign_review(request: HttpRequest, access: Access, campaign: Campaign) -> HttpResponse:
    """The post-mortem: what the what-if promised against what the campaign's days did."""
    today = access.organization.today()
    economics = economics_of(campaign)
    days = selectors.campaign_days(campaign, today=today)
    planned = pages.planned_figures(campaign, economics, today=today)
    # Measured against what its days would have done without it (the stored counterfactual,
    # docs/forecasting.md § 3) when the promotion memory holds it; else against the plan's baseline.
    measured = measured_campaign(access.organization.id, campaign.pk) if campaign.end < today else None
    baseline_orders = float(measured["baseline_orders"]) if measured else float(economics.baseline.orders)
    table = engine.post_mortem(planned, days, baseline_orders=baseline_orders)
    return render(request, "kpis/campaign_review.html", {
        "campaign": campaign,
        "rows": pages.post_mortem_rows(table),
        "days": len(days),
        "planned_days": planned["days"],
        "counterfactual": measured is not None, "baseline_orders": baseline_orders,
        "chart": charts.post_mortem(days, planned, currency=access.organization.currency),
        "attributed": selectors.kpi_table(access.organization.id, period="month", count=24,
                                          scope="campaign", scope_id=str(campaign.pk))["orders"].sum(),
        "state": selectors.recompute_state(access.organization.id),
    })
