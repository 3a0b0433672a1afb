"""The guided first run's forms: the business, typed products, products from an order file's
SKUs, the channel with its cost presets, the first promotion."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from campaigns.forms import CostProfileForm
from campaigns.presets import Preset, preset, preset_groups
from cockpit.services import TypedProduct
from kpis.product_forms import MissingProductsForm
from kpis.services.products import NewProduct
from plannerist import countries
from plannerist.fields import DateField, PercentField, bound_inputs
from plannerist.models import Organization
from sales.models import Channel

TYPED_ROWS = 5
_MONEY = {"max_digits": 12, "decimal_places": 2, "required": False,
          "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000000000"))]}
_PERCENT_FIELDS = {"payment_fee_rate", "commission_rate", "return_rate", "return_recovery"}


class BusinessForm(forms.ModelForm):
    """The business step: prefilled with what the organisation holds (its country's currency
    and zone when it was created from a country)."""

    vat_rate = PercentField(label=_("VAT rate (%)"), help_text=_("The standard rate of your products: 20 % in France."))

    class Meta:
        model = Organization
        fields = ["name", "country", "currency", "timezone", "vat_rate", "prices_include_vat"]
        help_texts = {
            "currency": _("The currency of your books and of your order exports (EUR, GBP, ZAR…)."),
            "timezone": _("The shop's days are counted in it (Europe/Paris)."),
            "prices_include_vat": _("Tick it when the prices you type and import are what customers pay, VAT included."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].help_text = _("Two letters, e.g. FR: its public holidays close the capacity calendar.")
        bound_inputs(self)

    def clean(self):
        data = super().clean()
        country = (data.get("country") or "").upper()
        if country and not data.get("currency"):
            data["currency"] = countries.currency_of(country) or ""
        if country and not data.get("timezone"):
            data["timezone"] = countries.time_zone_of(country) or ""
        return data


class TypedProductsForm(forms.Form):
    """A few products typed by hand: name, price incl. VAT and unit cost per row (rows left
    empty are ignored), VAT prefilled from the organisation's rate."""

    vat_rate = PercentField(label=_("VAT rate of these products (%)"))

    def __init__(self, *args, organization: Organization, rows: int = TYPED_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows_count = rows
        self.fields["vat_rate"].initial = organization.vat_rate
        for k in range(rows):
            self.fields[f"name_{k}"] = forms.CharField(label=_("Product"), max_length=160, required=False)
            self.fields[f"price_{k}"] = forms.DecimalField(label=_("Price incl. VAT"), **_MONEY)
            self.fields[f"cost_{k}"] = forms.DecimalField(label=_("Unit cost excl. VAT"), **_MONEY)
        bound_inputs(self)

    def rows(self) -> list[dict]:
        return [{"number": k + 1, "cells": [self[f"name_{k}"], self[f"price_{k}"], self[f"cost_{k}"]]}
                for k in range(self.rows_count)]

    def clean(self):
        data = super().clean()
        typed = 0
        for k in range(self.rows_count):
            name, price, cost = data.get(f"name_{k}"), data.get(f"price_{k}"), data.get(f"cost_{k}")
            if not (name or price is not None or cost is not None):
                continue
            typed += 1
            for field, value in ((f"name_{k}", name), (f"price_{k}", price), (f"cost_{k}", cost)):
                if value in (None, "") and field not in self.errors:
                    self.add_error(field, _("Row %(n)d: type its name, price and unit cost, or leave the row empty.")
                                   % {"n": k + 1})
        if not typed and not self.errors:
            raise forms.ValidationError(_("Type at least one product: its name, price and unit cost."))
        return data

    def products(self) -> list[TypedProduct]:
        data = self.cleaned_data
        return [TypedProduct(data[f"name_{k}"].strip(), data[f"price_{k}"], data[f"cost_{k}"], data["vat_rate"])
                for k in range(self.rows_count) if data.get(f"name_{k}")]


class SoldProductsForm(MissingProductsForm):
    """The products an imported order file sold, with their average price: the cost is typed
    beside each, or left empty and given as a share of the price for all the others at once."""

    cost_share = PercentField(
        label=_("Unit cost of the products left empty, as a share of their price excl. VAT (%)"), required=False,
        help_text=_("E.g. 40 when your goods cost you about 40 % of what you sell them for, VAT aside."),
    )

    def __init__(self, *args, vat_rate: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.vat_rate = vat_rate
        for k in range(len(self.missing)):
            self.fields[f"cost_{k}"].required = False

    def clean(self):
        data = super().clean()
        if data.get("cost_share") is None:
            empty = [k + 1 for k in range(len(self.missing)) if data.get(f"cost_{k}") is None
                     and f"cost_{k}" not in self.errors]
            if empty:
                raise forms.ValidationError(
                    _("Type the unit cost of rows %(rows)s, or a share of the price for the products left empty.")
                    % {"rows": ", ".join(str(n) for n in empty[:10]) + ("…" if len(empty) > 10 else "")})
        return data

    def products(self) -> list[NewProduct]:
        data = self.cleaned_data
        share = data.get("cost_share")
        rows = []
        for k, product in enumerate(self.missing):
            price = data[f"price_{k}"]
            cost = data.get(f"cost_{k}")
            if cost is None:
                cost = (price / (1 + self.vat_rate) * share).quantize(Decimal("0.01"))
            rows.append(NewProduct(product.sku, data[f"name_{k}"], price, cost))
        return rows


class PresetSelect(forms.Select):
    """A select whose options carry the cost fields they fill (``data-values``, rates in %), read
    by ``static/js/app.js``; without JS the *Apply* button sends the choice and the page refills."""

    def __init__(self, presets: Sequence[Preset], attrs=None):
        super().__init__(attrs={"data-preset": "", **(attrs or {})})
        self.presets = {p.key: p for p in presets}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        item = self.presets.get(value)
        if item is not None:
            option["attrs"]["data-values"] = json.dumps(shown_values(item))
            option["attrs"]["title"] = f"{item.source} ({item.read_on})"
        return option


def shown_values(item: Preset) -> dict[str, str]:
    """A preset's values as the cost form shows them (rates in %)."""
    return {field: format(value * 100 if field in _PERCENT_FIELDS else value, "f").rstrip("0").rstrip(".") or "0"
            for field, value in item.values.items()}


class ChannelStepForm(forms.Form):
    """The channel's name and kind, and the presets that fill its costs."""

    name = forms.CharField(label=_("Channel name"), max_length=80, initial=_("Online shop"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Channel.Kind.choices, initial=Channel.Kind.WEB_SHOP)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        for name, label, presets in preset_groups():
            self.fields[name] = forms.ChoiceField(
                label=label, required=False, choices=[("", _("none / type my own"))] + [(p.key, p.label) for p in presets],
                widget=PresetSelect(presets),
                help_text=_("Fills the fields below with published prices; change them to yours."),
            )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Channel.objects.filter(organization=self.organization, name=name).exists():
            raise forms.ValidationError(_("A channel is already called “%(name)s”.") % {"name": name})
        return name


def preset_initial(query) -> dict[str, Decimal]:
    """The cost fields the presets named in ``query`` (a GET) fill, for the page without JS."""
    initial: dict[str, Decimal] = {}
    for name, _label, _presets in preset_groups():
        item = preset(query.get(name, ""))
        if item is not None:
            initial.update(item.values)
    return initial


class ChannelCostsForm(CostProfileForm):
    """The channel's costs per order, each field with its one-line help (see ``COST_HELP``)."""


class FirstPromotionForm(forms.Form):
    """The first promotion in four boxes, prefilled: a percentage off the whole catalogue on the
    first channel, over two weeks from next Monday; the campaign page then shows its margin,
    break-even and cost to deliver."""

    name = forms.CharField(label=_("Name"), max_length=120, initial=_("My first promotion"))
    discount_rate = PercentField(label=_("Discount (%)"), initial=Decimal("0.2"))
    start = DateField(label=_("Start"))
    end = DateField(label=_("End"))

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        start = today + dt.timedelta(days=7 - today.weekday())
        self.fields["start"].initial = start
        self.fields["end"].initial = start + dt.timedelta(days=13)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The promotion ends before it starts."))
        return data
