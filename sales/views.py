"""The pages of what the shop sold: quick entry of a day's figures, order imports (upload →
preview → confirm, polled while the worker runs them) and the import template."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseStopPolling

from plannerist.tenancy import Access, can_enter_actuals, org_view
from sales import services
from sales.forms import FORMAT_DETECTED, ColumnMappingForm, ImportForm, QuickEntryForm
from sales.models import DailyActual, ImportBatch
from sales.readers import template_csv, template_xlsx
from sales.sources import import_done_blocks


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
    return render(request, "sales/quick_entry.html", {
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
            outcome = _preview(request, access, form.cleaned_data)
            if outcome.ok and outcome.batch.status == ImportBatch.Status.MAPPING:  # a new layout: which column is what
                return redirect("sales:import_mapping", org_slug=access.organization.slug, batch_id=outcome.batch.pk)
            if outcome.ok and outcome.batch.status == ImportBatch.Status.READING:  # large: the worker reads it
                return redirect("sales:import", org_slug=access.organization.slug, batch_id=outcome.batch.pk)
            context.update({"outcome": outcome, "summary": outcome.result.summary})
        status = 400 if form.errors or not context.get("outcome") or not context["outcome"].ok else 200
    return render(request, "sales/imports.html", context, status=status)


def _preview(request: HttpRequest, access: Access, cleaned: dict) -> services.ImportOutcome:
    """A detected layout goes through the saved column mappings; a chosen one is read as said."""
    options = {"organization": access.organization, "files": cleaned["files"], "by": request.user,
               "cancel_prefix": cleaned["cancel_prefix"] or None, "prices_include_vat": cleaned["prices"]}
    if cleaned["format"] == FORMAT_DETECTED:
        return services.import_upload(**options)
    return services.import_preview(format=cleaned["format"], mapping=cleaned["columns"] or None, **options)


@org_view(methods=("GET", "POST"), batch=ImportBatch)
def import_mapping(request: HttpRequest, access: Access, batch: ImportBatch) -> HttpResponse:
    """Which column of an order-lines file holds what: saved for the files of its shape, then
    the preview. Also reached from a preview read with a saved mapping, to change it."""
    options = batch.options or {}
    form = ColumnMappingForm(request.POST or None, columns=list(options.get("columns") or ()),
                             guess=options.get("mapping") or options.get("guess") or {})
    context = {"batch": batch, "form": form, "can_edit": access.can(can_enter_actuals)}
    if request.method == "POST":
        access.require(can_enter_actuals)
        if not batch.mapping_can_change:
            form.add_error(None, _("These files are no longer kept: upload them again to choose their columns."))
        elif form.is_valid():
            outcome = services.import_mapping_save(batch=batch, mapping=form.mapping(), by=request.user)
            if outcome.ok:
                return redirect("sales:import", org_slug=access.organization.slug, batch_id=outcome.batch.pk)
            context["outcome"] = outcome
    status = 400 if form.errors or context.get("outcome") else 200
    return render(request, "sales/import_mapping.html", context, status=status)


@org_view(methods=("POST",), batch=ImportBatch)
def import_confirm(request: HttpRequest, access: Access, batch: ImportBatch) -> HttpResponse:
    access.require(can_enter_actuals)
    services.import_confirm(batch=batch)
    return redirect("sales:import", org_slug=access.organization.slug, batch_id=batch.pk)


@org_view(methods=("POST",), batch=ImportBatch)
def import_cancel(request: HttpRequest, access: Access, batch: ImportBatch) -> HttpResponse:
    """Cancel a preview: its read lines are deleted with it."""
    access.require(can_enter_actuals)
    if services.import_cancel(batch=batch):
        messages.success(request, _("Import cancelled: nothing was kept."))
    return redirect("sales:imports", org_slug=access.organization.slug)


@org_view(batch=ImportBatch)
def import_detail(request: HttpRequest, access: Access, batch: ImportBatch) -> HttpResponse:
    """The import's outcome; while it runs, the progress partial polls this same URL."""
    context = {"batch": batch, "can_edit": access.can(can_enter_actuals)}
    if batch.status == ImportBatch.Status.DONE:
        context["done_templates"], done = import_done_blocks(access, batch)
        context.update(done)
    elif batch.status == ImportBatch.Status.PENDING:
        context["summary"] = services.import_summary(batch)
    if request.htmx:
        response = render(request, "sales/import_detail.html#progress", context)
        return response if batch.is_working else HttpResponseStopPolling(response.content)
    return render(request, "sales/import_detail.html", context)


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
