from __future__ import annotations

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from capacity import charts, selectors, services
from capacity.forms import (
    AbsenceForm,
    AutomationForm,
    CapacityPlanForm,
    PeakFilterForm,
    ReplenishmentForm,
    ResourceForm,
    StaffMemberForm,
    StockItemForm,
)
from capacity.models import Absence, Automation, Replenishment, Resource, StaffMember, StockItem
from plannerist.tenancy import Access, can_edit_capacity, org_view

STAFF = (StaffMember, "resource__organization")
ABSENCE = (Absence, "staff_member__resource__organization")
AUTOMATION = (Automation, "resource__organization")
REPLENISHMENT = (Replenishment, "stock_item__organization")


# ---------------------------------------------------------------- the holiday-peak check


def _report_context(request: HttpRequest, access: Access, filters: PeakFilterForm, bound: Form | None = None) -> dict:
    """The ``#report`` partial's context; ``bound`` is an inline form that failed validation."""
    context = {"filters": filters, "query": request.GET.urlencode(), "can_edit": access.can(can_edit_capacity)}
    if not filters.is_valid():
        return context
    report = selectors.peak_report(access.organization, filters.period(), today=access.organization.today())

    def form_for(form_class, prefix: str):
        return bound if bound is not None and bound.prefix == prefix else form_class(prefix=prefix)

    rows = []
    for item in report.resources:
        resource = item.resource
        rows.append({
            "item": item,
            "chart": charts.resource_load(report.plan, item.column, dom_id=f"chart-resource-{resource.pk}"),
            "staff_form": form_for(StaffMemberForm, f"r{resource.pk}") if context["can_edit"] else None,
            "staff": [(m, form_for(AbsenceForm, f"s{m.pk}") if context["can_edit"] else None)
                      for m in resource.staff.all()],
        })
    stock_chart = charts.stock(report.levels, [row.item.product.name for row in report.stock]) if report.stock else ""
    context.update({"report": report, "rows": rows, "stock_chart": stock_chart})
    return context


def _render_report(request: HttpRequest, access: Access, filters: PeakFilterForm, *, bound: Form | None = None) -> HttpResponse:
    context = _report_context(request, access, filters, bound)
    status = 400 if filters.errors or (bound is not None and bound.errors) else 200
    template = "capacity/peak.html#report" if request.htmx else "capacity/peak.html"
    return render(request, template, context, status=status)


def _filters(request: HttpRequest) -> PeakFilterForm:
    return PeakFilterForm(request.GET, today=request.access.organization.today())


def _after_edit(request: HttpRequest, access: Access, bound: Form | None = None) -> HttpResponse:
    """htmx: the recomputed report; without JavaScript: back to the page (or it, with errors)."""
    if request.htmx or (bound is not None and bound.errors):
        return _render_report(request, access, _filters(request), bound=bound)
    url = reverse("capacity:peak", kwargs={"org_slug": access.organization.slug})
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


@org_view()
def peak(request: HttpRequest, access: Access) -> HttpResponse:
    return _render_report(request, access, _filters(request))


@org_view(methods=("POST",), resource=Resource)
def staff_add(request: HttpRequest, access: Access, resource: Resource) -> HttpResponse:
    access.require(can_edit_capacity)
    form = StaffMemberForm(request.POST, prefix=f"r{resource.pk}")
    if form.is_valid():
        services.staff_member_add(resource=resource, staff_member=form.save(commit=False))
        return _after_edit(request, access)
    return _after_edit(request, access, form)


@org_view(methods=("POST",), staff_member=STAFF)
def staff_remove(request: HttpRequest, access: Access, staff_member: StaffMember) -> HttpResponse:
    access.require(can_edit_capacity)
    services.staff_member_remove(staff_member=staff_member)
    return _after_edit(request, access)


@org_view(methods=("POST",), staff_member=STAFF)
def absence_add(request: HttpRequest, access: Access, staff_member: StaffMember) -> HttpResponse:
    access.require(can_edit_capacity)
    form = AbsenceForm(request.POST, prefix=f"s{staff_member.pk}")
    if form.is_valid():
        services.absence_add(staff_member=staff_member, **form.cleaned_data)
        return _after_edit(request, access)
    return _after_edit(request, access, form)


@org_view(methods=("POST",), absence=ABSENCE)
def absence_remove(request: HttpRequest, access: Access, absence: Absence) -> HttpResponse:
    access.require(can_edit_capacity)
    services.absence_remove(absence=absence)
    return _after_edit(request, access)


# ---------------------------------------------------------------- settings


def _settings_url(access: Access) -> str:
    return reverse("capacity:settings", kwargs={"org_slug": access.organization.slug})


def _edit_page(request: HttpRequest, access: Access, form: Form, *, title: str, extra: dict | None = None) -> HttpResponse:
    return render(request, "capacity/edit_form.html", {
        "form": form, "title": title, "can_edit": access.can(can_edit_capacity), **(extra or {}),
    }, status=400 if form.errors else 200)


def _save(request: HttpRequest, access: Access, form: Form, message: str) -> HttpResponse | None:
    """Save a valid POSTed form and go back to the settings; None to show the form."""
    if request.method == "POST":
        access.require(can_edit_capacity)
        if form.is_valid():
            services.setting_save(instance=form.save(commit=False), organization=access.organization)
            messages.success(request, message)
            return redirect(_settings_url(access))
    return None


@org_view()
def settings_page(request: HttpRequest, access: Access) -> HttpResponse:
    plan = selectors.capacity_plan_of(access.organization)
    return render(request, "capacity/settings.html", {
        "plan": plan,
        "resources": selectors.resources_of(access.organization),
        "stock_items": access.scoped(StockItem).select_related("product").prefetch_related("replenishments"),
        "automations": access.scoped(Automation, via="resource__organization").select_related("resource"),
        "automation_form": AutomationForm(organization=access.organization),
        "can_edit": access.can(can_edit_capacity),
    })


@org_view(methods=("GET", "POST"))
def plan_edit(request: HttpRequest, access: Access) -> HttpResponse:
    form = CapacityPlanForm(request.POST or None, instance=selectors.capacity_plan_of(access.organization))
    if request.method == "POST":
        access.require(can_edit_capacity)
        if form.is_valid():
            services.capacity_plan_save(plan=form.save(commit=False))
            messages.success(request, _("Demand assumptions saved."))
            return redirect(_settings_url(access))
    return _edit_page(request, access, form, title=_("Demand assumptions"), extra={
        "intro": _("The orders expected without any campaign, and what an order brings: units, returns, support contacts."),
    })


@org_view(methods=("GET", "POST"))
def resource_new(request: HttpRequest, access: Access) -> HttpResponse:
    form = ResourceForm(request.POST or None, organization=access.organization)
    return _save(request, access, form, _("Resource saved.")) or _edit_page(
        request, access, form, title=_("New resource"))


@org_view(methods=("GET", "POST"), resource=Resource)
def resource_edit(request: HttpRequest, access: Access, resource: Resource) -> HttpResponse:
    form = ResourceForm(request.POST or None, instance=resource, organization=access.organization)
    return _save(request, access, form, _("Resource saved.")) or _edit_page(
        request, access, form, title=resource.name, extra={"delete_url": reverse(
            "capacity:resource_delete", kwargs={"org_slug": access.organization.slug, "resource_id": resource.pk})})


@org_view(methods=("POST",), resource=Resource)
def resource_delete(request: HttpRequest, access: Access, resource: Resource) -> HttpResponse:
    access.require(can_edit_capacity)
    services.resource_delete(resource=resource)
    messages.success(request, _("Resource deleted."))
    return redirect(_settings_url(access))


@org_view(methods=("GET", "POST"))
def stock_new(request: HttpRequest, access: Access) -> HttpResponse:
    form = StockItemForm(request.POST or None, organization=access.organization)
    return _save(request, access, form, _("Stock saved.")) or _edit_page(request, access, form, title=_("Track a product's stock"))


@org_view(methods=("GET", "POST"), stock_item=StockItem)
def stock_edit(request: HttpRequest, access: Access, stock_item: StockItem) -> HttpResponse:
    form = StockItemForm(request.POST or None, instance=stock_item, organization=access.organization)
    return _save(request, access, form, _("Stock saved.")) or _edit_page(
        request, access, form, title=_("Stock of %(product)s") % {"product": stock_item.product.name},
        extra={"stock_item": stock_item, "replenishment_form": ReplenishmentForm(),
               "delete_url": reverse("capacity:stock_delete",
                                     kwargs={"org_slug": access.organization.slug, "stock_item_id": stock_item.pk})})


@org_view(methods=("POST",), stock_item=StockItem)
def stock_delete(request: HttpRequest, access: Access, stock_item: StockItem) -> HttpResponse:
    access.require(can_edit_capacity)
    services.setting_delete(instance=stock_item, organization=access.organization)
    messages.success(request, _("Stock no longer tracked."))
    return redirect(_settings_url(access))


@org_view(methods=("POST",), stock_item=StockItem)
def replenishment_add(request: HttpRequest, access: Access, stock_item: StockItem) -> HttpResponse:
    access.require(can_edit_capacity)
    form = ReplenishmentForm(request.POST)
    if form.is_valid():
        services.replenishment_add(stock_item=stock_item, **form.cleaned_data)
        return redirect("capacity:stock", org_slug=access.organization.slug, stock_item_id=stock_item.pk)
    return _edit_page(request, access, StockItemForm(instance=stock_item, organization=access.organization),
                      title=_("Stock of %(product)s") % {"product": stock_item.product.name},
                      extra={"stock_item": stock_item, "replenishment_form": form})


@org_view(methods=("POST",), replenishment=REPLENISHMENT)
def replenishment_remove(request: HttpRequest, access: Access, replenishment: Replenishment) -> HttpResponse:
    access.require(can_edit_capacity)
    services.setting_delete(instance=replenishment, organization=access.organization)
    return redirect("capacity:stock", org_slug=access.organization.slug, stock_item_id=replenishment.stock_item_id)


@org_view(methods=("POST",))
def automation_new(request: HttpRequest, access: Access) -> HttpResponse:
    form = AutomationForm(request.POST, organization=access.organization)
    return _save(request, access, form, _("Automation saved.")) or _edit_page(
        request, access, form, title=_("New automation"))


@org_view(methods=("GET", "POST"), automation=AUTOMATION)
def automation_edit(request: HttpRequest, access: Access, automation: Automation) -> HttpResponse:
    form = AutomationForm(request.POST or None, instance=automation, organization=access.organization)
    return _save(request, access, form, _("Automation saved.")) or _edit_page(
        request, access, form, title=automation.name, extra={"delete_url": reverse(
            "capacity:automation_delete", kwargs={"org_slug": access.organization.slug, "automation_id": automation.pk})})


@org_view(methods=("POST",), automation=AUTOMATION)
def automation_delete(request: HttpRequest, access: Access, automation: Automation) -> HttpResponse:
    access.require(can_edit_capacity)
    services.setting_delete(instance=automation, organization=access.organization)
    messages.success(request, _("Automation deleted."))
    return redirect(_settings_url(access))
