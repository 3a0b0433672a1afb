"""The sample business: added to the user's account from the portfolio or the guide, removed
with everything it holds in one click."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cockpit import services
from cockpit.models import SampleBusiness
from plannerist.tenancy import Access, can_delete_organization, org_view


@login_required
def sample_add(request: HttpRequest) -> HttpResponse:
    """POST: a sample business for the user, opened on its dashboard (the worker fills it)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    existing = SampleBusiness.objects.filter(added_by=request.user).select_related("organization").first()
    if existing is not None:
        return redirect("dashboard", org_slug=existing.organization.slug)
    organization = services.sample_add(user=request.user, name=_("Sample: Lumière & Cire"))
    messages.success(request, _("A sample business was added to your account: invented data to try everything on."))
    return redirect("dashboard", org_slug=organization.slug)


@org_view(methods=("POST",))
def sample_remove(request: HttpRequest, access: Access) -> HttpResponse:
    """Remove the sample business (404 for a real organisation: nothing here removes one)."""
    access.require(can_delete_organization)
    if not SampleBusiness.objects.filter(organization=access.organization).exists():
        raise Http404
    services.sample_remove(organization=access.organization)
    messages.success(request, _("The sample business and all its data were removed."))
    return redirect("home")
