"""Products sold but missing from the catalogue: listed after an import, added with their costs."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kpis import selectors
from kpis.product_forms import MISSING_SHOWN, MissingProductsForm
from kpis.services.products import missing_products_add
from plannerist.tenancy import Access, can_edit_costs, org_view
from sales.models import ImportBatch


def missing_products_context(access: Access, *, batch: ImportBatch | None = None, data=None) -> dict:
    """What the missing-products block shows (the import page includes it too)."""
    missing, count = selectors.missing_products(access.organization.id, batch=batch, limit=MISSING_SHOWN)
    return {"missing_form": MissingProductsForm(data, missing=missing), "missing_count": count,
            "missing_batch": batch, "can_edit_costs": access.can(can_edit_costs)}


@org_view(methods=("GET", "POST"))
def missing_products(request: HttpRequest, access: Access) -> HttpResponse:
    """Every product sold that the catalogue lacks (``?batch=`` narrows to one import)."""
    value = request.GET.get("batch", "")
    if value and not value.isdigit():
        return HttpResponse(_("batch: %(value)s is not an import number") % {"value": value[:40]}, status=400,
                            content_type="text/plain; charset=utf-8")
    batch = access.get(ImportBatch, pk=int(value)) if value else None
    context = missing_products_context(access, batch=batch, data=request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        access.require(can_edit_costs)
        form = context["missing_form"]
        if form.is_valid() and form.missing:
            try:
                added = missing_products_add(organization=access.organization, products=form.products())
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("%(n)s products added to the catalogue: the margins are recomputed.")
                                 % {"n": len(added)})
                return redirect(request.get_full_path())
        status = 400
    return render(request, "kpis/missing_products.html", context, status=status)

