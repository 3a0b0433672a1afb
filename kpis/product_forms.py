"""The products sold but missing from the catalogue, typed in with their costs in one form."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from kpis.selectors import MissingProduct
from kpis.services.products import NewProduct

MISSING_SHOWN = 100  # the best-selling first; a form of thousands of rows would pass no request limit
_MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0")),
                                                                MaxValueValidator(Decimal("1000000000"))]}


class MissingProductsForm(forms.Form):
    """One name, price (prefilled with the average price sold) and unit cost per product;
    every cost must be typed: the products are added all together or not at all."""

    def __init__(self, *args, missing: Sequence[MissingProduct], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.missing = list(missing)
        for k, product in enumerate(self.missing):
            self.fields[f"name_{k}"] = forms.CharField(label=_("Name"), max_length=160, initial=product.sku)
            self.fields[f"price_{k}"] = forms.DecimalField(label=_("Price incl. VAT"), initial=product.average_price,
                                                           **_MONEY)
            self.fields[f"cost_{k}"] = forms.DecimalField(label=_("Unit cost excl. VAT"), **_MONEY)

    def rows(self) -> list[dict]:
        return [{"product": p, "name": self[f"name_{k}"], "price": self[f"price_{k}"], "cost": self[f"cost_{k}"]}
                for k, p in enumerate(self.missing)]

    def products(self) -> list[NewProduct]:
        data = self.cleaned_data
        return [NewProduct(p.sku, data[f"name_{k}"], data[f"price_{k}"], data[f"cost_{k}"])
                for k, p in enumerate(self.missing)]
