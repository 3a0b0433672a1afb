"""The catalogue and costs: the products (price incl. VAT, unit cost, sales mix), each
channel's cost per order, and the shop's département that sets its legal sales periods.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaigns import selectors, services
from campaigns.forms import ChannelForm, CostProfileForm, ProductForm, PromotionSettingsForm
from campaigns.models import Product, PromotionSettings
from plannerist.tenancy import Access, can_edit_costs, org_view
from sales.models import Channel


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
