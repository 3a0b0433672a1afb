from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import LoginView
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from kpis.forms import PeriodForm
from plannerist import export, selectors, services
from plannerist.forms import (
    ExportForm,
    InviteForm,
    OrganizationDeleteForm,
    PortfolioForm,
    RoleForm,
    ThrottledAuthenticationForm,
)
from plannerist.models import Membership
from plannerist.tenancy import (
    Access,
    can_delete_organization,
    can_export_organization,
    can_manage_members,
    org_view,
)


class ThrottledLoginView(LoginView):
    """Django's login, refused for a while after repeated failures (``plannerist.throttle``)."""

    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form: Form) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error("__all__", code="locked"):
            response.status_code = 429
        return response


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
    context = {"rows": rows, "form": form, "pairs": _pair_titles()}
    if request.htmx:
        return render(request, "plannerist/home.html#portfolio", context)
    return render(request, "plannerist/home.html", context)


def _pair_titles() -> list[tuple[str, str]]:
    from kpis.engine import KPI_DEFINITIONS, KPI_PAIRS
    from kpis.forms import kpi_label

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
        return render(request, "plannerist/dashboard.html#pairs", context)
    return render(request, "plannerist/dashboard.html", context)


@org_view(methods=("GET", "POST"))
def members(request: HttpRequest, access: Access) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        access.require(can_manage_members)
        if form.is_valid():
            try:
                membership, created = services.membership_invite(
                    organization=access.organization, **form.cleaned_data
                )
            except services.MembershipError as error:
                form.add_error("email", str(error))
            else:
                _announce_invitation(request, membership, created)
                return redirect("members", org_slug=access.organization.slug)
    context = {
        "form": form,
        "members": selectors.members_of(access),
        "roles": RoleForm.base_fields["role"].choices,
        "can_manage": access.can(can_manage_members),
    }
    return render(request, "plannerist/members.html", context, status=400 if form.errors else 200)


@org_view(methods=("POST",), membership=Membership)
def member_role(request: HttpRequest, access: Access, membership: Membership) -> HttpResponse:
    access.require(can_manage_members)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
    else:
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
            messages.success(request, _("Role changed for %(user)s.") % {"user": membership.user})
        except services.MembershipError as error:
            messages.error(request, str(error))
    return redirect("members", org_slug=access.organization.slug)


@org_view(methods=("POST",), membership=Membership)
def member_remove(request: HttpRequest, access: Access, membership: Membership) -> HttpResponse:
    access.require(can_manage_members)
    try:
        services.membership_remove(membership=membership)
        messages.success(request, _("%(user)s no longer has access.") % {"user": membership.user})
    except services.MembershipError as error:
        messages.error(request, str(error))
    return redirect("members", org_slug=access.organization.slug)


@org_view()
def organization_export(request: HttpRequest, access: Access) -> HttpResponse:
    """Without a format, the page offering the exports; with one, the owner's download."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    fmt = form.cleaned_data["format"]
    if not fmt:
        context = {
            "can_export": access.can(can_export_organization),
            "can_delete": access.can(can_delete_organization),
        }
        return render(request, "plannerist/organization_export.html", context)
    access.require(can_export_organization)
    result = export.organization_export(organization=access.organization, fmt=fmt)
    return FileResponse(result.file, as_attachment=True, filename=result.filename, content_type=result.content_type)


@org_view(methods=("GET", "POST"))
def organization_delete(request: HttpRequest, access: Access) -> HttpResponse:
    organization = access.organization
    form = OrganizationDeleteForm(request.POST or None, organization=organization)
    if request.method == "POST":
        access.require(can_delete_organization)
        if form.is_valid():
            services.organization_delete(organization=organization)
            messages.success(request, _("%(name)s and all its data were deleted.") % {"name": organization.name})
            return redirect("home")
    context = {"form": form, "can_delete": access.can(can_delete_organization)}
    return render(request, "plannerist/organization_delete.html", context, status=400 if form.errors else 200)


def _announce_invitation(request: HttpRequest, membership: Membership, created: bool) -> None:
    user = membership.user
    if not created:
        messages.success(request, _("%(user)s now has access.") % {"user": user})
        return
    # No mail server is assumed: the owner passes this one-time link on to the new member.
    link = request.build_absolute_uri(
        reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    messages.success(
        request,
        _("%(email)s was invited. Send them this link to choose a password: %(link)s")
        % {"email": user.email, "link": link},
    )
