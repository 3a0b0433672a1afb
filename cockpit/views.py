"""The portfolio (the user's home page), a new organisation, and an organisation's dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cockpit import selectors
from cockpit.engine.attention import APPROVAL_WITHIN_DAYS, STALE_AFTER_DAYS
from cockpit.first_run import first_run_state
from cockpit.forms import PortfolioForm
from kpis.engine import KPI_DEFINITIONS, KPI_PAIRS
from kpis.engine.peaks import PEAK_WEEKS
from kpis.forms import PERIODS, PeriodForm, kpi_label
from plannerist import selectors as plannerist_selectors
from plannerist import services as plannerist_services
from plannerist.accounts import mail_language
from plannerist.forms import OrganizationCreateForm
from plannerist.tenancy import Access, can_manage_members, org_view

# What "needs attention" looks at, said when nothing does.
ATTENTION_CHECKS = {"stale_days": STALE_AFTER_DAYS, "approval_days": APPROVAL_WITHIN_DAYS, "peak_weeks": PEAK_WEEKS}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The portfolio: what needs attention across the user's organisations, the most pressing
    first, then every organisation with its lights."""
    form = PortfolioForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    portfolio = selectors.portfolio(
        request.user, now=timezone.now(), query=form.cleaned_data["q"],
        status=form.cleaned_data["status"], sort=form.cleaned_data["sort"] or "name",
    )
    context = {**portfolio, "form": form, "pairs": _pair_titles(), "checks": ATTENTION_CHECKS,
               "invitations": plannerist_selectors.invitations_for(request.user)}
    if request.htmx:
        return render(request, "cockpit/home.html#portfolio", context)
    return render(request, "cockpit/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organization_new(request: HttpRequest) -> HttpResponse:
    """A new organisation, owned by the user (a new account's first, a consultant's next
    client), opened on its guided first run."""
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = plannerist_services.organization_create_named(
                owner=request.user, language=mail_language(), **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("%(name)s is created: you are its owner.") % {"name": organization.name})
            return redirect("first_run", org_slug=organization.slug)
    first = not plannerist_selectors.memberships_of(request.user)
    return render(request, "cockpit/organization_new.html", {"form": form, "first": first},
                  status=400 if form.errors else 200)


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
    today = access.organization.today()
    if request.htmx:
        context = {**selectors.pairs_context(access, period=form.chosen(), today=today), "period_choices": PERIODS}
        return render(request, "cockpit/dashboard.html#pairs", context)
    context = selectors.dashboard_context(access, period=form.chosen(), today=today)
    context["period_choices"] = PERIODS  # the form's choices, for the period switch
    context["first_run"] = first_run_state(access.organization)  # the guide's checklist until done
    context["can_skip_guide"] = access.can(can_manage_members)
    return render(request, "cockpit/dashboard.html", context)
