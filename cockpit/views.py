"""The portfolio (the user's home page) and an organisation's dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cockpit import selectors
from cockpit.first_run import first_run_state
from cockpit.forms import PortfolioForm
from kpis.engine import KPI_DEFINITIONS, KPI_PAIRS
from kpis.forms import PeriodForm, kpi_label
from plannerist import selectors as plannerist_selectors
from plannerist.tenancy import Access, can_manage_members, org_view


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The portfolio: every organisation of the user, what needs attention first."""
    form = PortfolioForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    rows = selectors.portfolio(
        request.user, now=timezone.now(), query=form.cleaned_data["q"],
        status=form.cleaned_data["status"], sort=form.cleaned_data["sort"] or "name",
    )
    context = {"rows": rows, "form": form, "pairs": _pair_titles(), "invitations": plannerist_selectors.invitations_for(request.user)}
    if request.htmx:
        return render(request, "cockpit/home.html#portfolio", context)
    return render(request, "cockpit/home.html", context)


def _pair_titles() -> list[tuple[str, str]]:
    labels = {d.key: kpi_label(d) for d in KPI_DEFINITIONS}
    return [(labels[a], labels[b]) for a, b in KPI_PAIRS]


@org_view()
def dashboard(request: HttpRequest, access: Access) -> HttpResponse:
    """The three KPI pairs for the chosen period, the campaign calendar, the load against
    capacity for the next weeks and the open signals; the period swaps in place (htmx)."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    context = selectors.dashboard_context(access, period=form.chosen(), today=access.organization.today())
    if request.htmx:
        return render(request, "cockpit/dashboard.html#pairs", context)
    context["first_run"] = first_run_state(access.organization)  # the guide's checklist until done
    context["can_skip_guide"] = access.can(can_manage_members)
    return render(request, "cockpit/dashboard.html", context)
