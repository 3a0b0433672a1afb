"""KPI pages: the shared numbers, quick entry, imports, targets, signals, the post-mortem."""

from __future__ import annotations

import datetime as dt

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
    ImportForm,
    PeriodForm,
    QuickEntryForm,
    TargetsForm,
    ThresholdsForm,
)
from kpis.product_views import missing_products_context
from plannerist.tenancy import Access, can_enter_actuals, can_set_targets, org_view
from sales.models import DailyActual, DiscountCode, ImportBatch
from sales.readers import template_csv, template_xlsx

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
        "missing_count": selectors.missing_product_count(org.id),
        "starts": list(done.index),
        "current_start": current_start,
        "trend_chart": charts.trend(done, targets, currency=org.currency, period=period),
        "signals": selectors.open_signals(org.id),
        "cohorts": pages.cohort_grid(selectors.cohort_retention(org, since=current_start - dt.timedelta(days=365))),
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
def quick_entry(request: HttpRequest, access: Access) -> HttpResponse:
    """Today's numbers (or another day's, ``?date=``) in under a minute."""
    day = request.GET.get("date") or access.organization.today().isoformat()
    instance = access.scoped(DailyActual).filter(date=day, campaign_id=None, channel=None).first() \
        if _is_iso_date(day) else None
    form = QuickEntryForm(request.POST or None, instance=instance,
                          initial=None if instance else {"date": day if _is_iso_date(day) else None})
    if request.method == "POST":
        access.require(can_enter_actuals)
        if form.is_valid():
            date = form.cleaned_data["date"]
            services.daily_actual_save(organization=access.organization, date=date, values=form.values())
            messages.success(request, _("Figures of %(date)s saved.") % {"date": date.strftime("%d/%m/%Y")})
            return redirect("kpis:list", org_slug=access.organization.slug)
    recent = access.scoped(DailyActual).filter(campaign_id=None, channel=None).order_by("-date")[:7]
    return render(request, "kpis/quick_entry.html", {
        "form": form, "recent": recent, "can_edit": access.can(can_enter_actuals),
    }, status=400 if form.errors else 200)


def _is_iso_date(text: str) -> bool:
    from plannerist.validation import InputError, date

    try:
        date(text, "date")
    except InputError:
        return False
    return True


@org_view(methods=("GET", "POST"))
def imports(request: HttpRequest, access: Access) -> HttpResponse:
    """Upload → preview with every error → confirm (see :func:`import_confirm`)."""
    form = ImportForm(request.POST or None, request.FILES or None,
                      prices_include_vat=access.organization.prices_include_vat)
    context = {"form": form, "batches": access.scoped(ImportBatch).select_related("created_by")[:10],
               "can_edit": access.can(can_enter_actuals)}
    status = 200
    if request.method == "POST":
        access.require(can_enter_actuals)
        if form.is_valid():
            outcome = services.import_preview(
                organization=access.organization, files=form.cleaned_data["files"], format=form.cleaned_data["format"],
                by=request.user, mapping=form.cleaned_data["columns"] or None,
                cancel_prefix=form.cleaned_data["cancel_prefix"] or None,
                prices_include_vat=form.cleaned_data["prices"],
            )
            if outcome.ok and outcome.batch.status == ImportBatch.Status.READING:  # large: the worker reads it
                return redirect("kpis:import", org_slug=access.organization.slug, batch_id=outcome.batch.pk)
            context.update({"outcome": outcome, "summary": outcome.result.summary})
        status = 400 if form.errors or not context.get("outcome") or not context["outcome"].ok else 200
    return render(request, "kpis/imports.html", context, status=status)


@org_view(methods=("POST",), batch=ImportBatch)
def import_confirm(request: HttpRequest, access: Access, batch: ImportBatch) -> HttpResponse:
    access.require(can_enter_actuals)
    services.import_confirm(batch=batch)
    return redirect("kpis:import", org_slug=access.organization.slug, batch_id=batch.pk)


@org_view(methods=("POST",), batch=ImportBatch)
def import_cancel(request: HttpRequest, access: Access, batch: ImportBatch) -> HttpResponse:
    """Cancel a preview: its read lines are deleted with it."""
    access.require(can_enter_actuals)
    if services.import_cancel(batch=batch):
        messages.success(request, _("Import cancelled: nothing was kept."))
    return redirect("kpis:imports", org_slug=access.organization.slug)


@org_view(batch=ImportBatch)
def import_detail(request: HttpRequest, access: Access, batch: ImportBatch) -> HttpResponse:
    """The import's outcome; while it runs, the progress partial polls this same URL."""
    context = {"batch": batch, "can_edit": access.can(can_enter_actuals)}
    if batch.status == ImportBatch.Status.DONE:
        context.update(missing_products_context(access, batch=batch))
    elif batch.status == ImportBatch.Status.PENDING:
        context["summary"] = services.import_summary(batch)
    if request.htmx:
        response = render(request, "kpis/import_detail.html#progress", context)
        return response if batch.is_working else HttpResponseStopPolling(response.content)
    return render(request, "kpis/import_detail.html", context)


@org_view()
def import_template(request: HttpRequest, access: Access) -> HttpResponse:
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="plannerist-orders-template.xlsx"'
        return response
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="plannerist-orders-template.csv"'
    return response


@org_view(methods=("GET", "POST"))
def discount_codes(request: HttpRequest, access: Access) -> HttpResponse:
    form = DiscountCodeForm(request.POST or None, organization=access.organization)
    if request.method == "POST":
        access.require(can_enter_actuals)
        if form.is_valid():
            services.discount_code_add(organization=access.organization, code=form.cleaned_data["code"],
                                       campaign=form.cleaned_data["campaign"])
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
    services.discount_code_remove(discount_code=discount_code)
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
