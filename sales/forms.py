"""Validation of what the shop sold, as typed or uploaded: quick entry and order imports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from sales.models import DailyActual
from sales.readers import DEFAULT_LIMITS, MAPPING_FIELDS, OrderFile, parse_column_mapping
from sales.readers.detect import FIELD_NAMES
from sales.readers.tabular import REQUIRED_FIELDS

FORMAT_DETECTED = "auto"
FORMATS = [
    (FORMAT_DETECTED, _("Detect it from the file (order lines: the columns are asked once per layout)")),
    ("shopify", _("Shopify orders export (CSV)")),
    ("woocommerce", _("WooCommerce orders export (CSV)")),
    ("generic", _("Plannerist template (CSV or XLSX)")),
    ("lines", _("Order lines of any layout (with a column mapping)")),
]
CENT = Decimal("0.01")


class QuickEntryForm(forms.ModelForm):
    """The day's totals in under a minute: the fields a solopreneur knows at night."""

    class Meta:
        model = DailyActual
        fields = [
            "date", "orders", "paid_incl_vat", "ad_spend", "new_customers", "returning_customers",
            "refunds", "returned_orders", "discounts", "units", "support_contacts", "hours_worked",
            "orders_shipped", "order_to_ship_hours",
        ]  # fmt: skip
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "date":
                field.required = False
                field.widget.attrs.update({"inputmode": "decimal", "step": "any", "min": "0"})
        self.fields["date"].initial = timezone.localdate()
        # Imported money is kept to the millionth (sales.models.MONEY_DECIMALS): show 12.50, not
        # 12.500000, and every decimal only when there are more than two.
        for name in ("paid_incl_vat", "discounts", "refunds"):
            value = self.initial.get(name)
            if isinstance(value, Decimal):
                self.initial[name] = value.quantize(CENT) if value == value.quantize(CENT) else value.normalize()

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future: type the figures of a day that has happened."))
        return date

    def values(self) -> dict:
        """The figures of the boxes sent: an empty box clears the day's figure (0, or no average
        shipping time), so a figure typed by mistake can be taken back; a figure the request
        does not send at all keeps its stored value."""
        values = {}
        for name, value in self.cleaned_data.items():
            if name == "date" or self.add_prefix(name) not in self.data:
                continue
            if value is None:
                field = DailyActual._meta.get_field(name)
                value = None if field.null else field.default
            values[name] = value
        return values


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f] or super().clean(None)


PRICES_INCL_VAT, PRICES_EXCL_VAT = "incl-vat", "excl-vat"
PRICES = [(PRICES_INCL_VAT, _("incl. VAT")), (PRICES_EXCL_VAT, _("excl. VAT"))]


class ImportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS)
    files = MultipleFileField(label=_("Files"))
    columns = forms.CharField(label=_("Column mapping (order lines only)"), required=False)
    cancel_prefix = forms.CharField(
        label=_("Cancelled orders' id prefix (order lines only)"), required=False, max_length=10,
        help_text=_("E.g. C when a cancelled invoice is numbered C536379."),
    )
    prices = forms.ChoiceField(
        label=_("Prices in the files"), choices=PRICES, required=False,
        help_text=_("Excl. VAT: VAT is added at the organisation's rate."),
    )

    def __init__(self, *args, prices_include_vat: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.prices_include_vat = prices_include_vat
        self.fields["prices"].initial = PRICES_INCL_VAT if prices_include_vat else PRICES_EXCL_VAT
        # Built per form, in the request's language (a class-level % would freeze the first one).
        self.fields["files"].help_text = _(
            "One file or several, read as one import. At most %(mb)d MB per file and %(rows)s rows in all."
        ) % {"mb": DEFAULT_LIMITS.max_bytes // (1024 * 1024), "rows": number_format(DEFAULT_LIMITS.max_rows,
                                                                                    force_grouping=True)}
        self.fields["columns"].help_text = _(
            "field=Column, comma-separated; fields: %(fields)s. "
            "E.g. order=InvoiceNo,date=InvoiceDate,sku=StockCode,quantity=Quantity,unit_price=UnitPrice,"
            "customer=CustomerID") % {"fields": ", ".join(MAPPING_FIELDS)}

    def clean_files(self) -> list[OrderFile]:
        files = self.cleaned_data["files"]
        too_big = [f.name for f in files if f.size > DEFAULT_LIMITS.max_bytes]
        if too_big:
            raise forms.ValidationError(
                _("%(files)s: larger than %(mb)d MB. Split the export by period and import the parts together.")
                % {"files": ", ".join(too_big), "mb": DEFAULT_LIMITS.max_bytes // (1024 * 1024)}
            )
        return [OrderFile(f.name, f.read()) for f in files]

    def clean_prices(self) -> bool:
        """Whether the files' prices include VAT; the organisation's setting when not said."""
        prices = self.cleaned_data["prices"]
        return self.prices_include_vat if not prices else prices == PRICES_INCL_VAT

    def clean_columns(self) -> dict[str, str]:
        try:
            return parse_column_mapping(self.cleaned_data["columns"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("format") == "lines" and not cleaned.get("columns") and "columns" not in self.errors:
            self.add_error("columns", _("Order lines need a column mapping: say which column holds what."))
        return cleaned


FIELD_LABELS = {
    "order": _("Order or ticket number"),
    "date": _("Date of the order"),
    "sku": _("Product code (SKU)"),
    "description": _("Product name"),
    "quantity": _("Quantity"),
    "unit_price": _("Unit price"),
    "customer": _("Customer"),
    "channel": _("Sales channel"),
    "discount_code": _("Discount code"),
    "currency": _("Currency"),
}
ONE_OF = ("sku", "description")  # a line names its product by one at least


class ColumnMappingForm(forms.Form):
    """Which of the file's columns holds each field: one select per field, the column guessed
    from its name pre-selected; each column holds one field at most."""

    def __init__(self, *args, columns: list[str], guess: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —")), *((c, c) for c in columns)]
        for name in FIELD_NAMES:
            label = FIELD_LABELS[name]
            required = name in REQUIRED_FIELDS
            self.fields[name] = forms.ChoiceField(
                label=label, choices=choices, required=required, initial=guess.get(name, ""),
                help_text=_("Required.") if required else _("Product code or name: one at least.")
                if name in ONE_OF else "",
                error_messages={
                    "required": _("%(field)s: choose the column that holds it.") % {"field": label},
                    "invalid_choice": _("%(field)s: “%%(value)s” is not a column of the file.") % {"field": label},
                },
            )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ONE_OF) and not any(name in self.errors for name in ONE_OF):
            self.add_error("sku", _("%(field)s: choose the column of the product code or of its name.")
                           % {"field": FIELD_LABELS["sku"]})
        used: dict[str, str] = {}
        for name in FIELD_NAMES:
            column = cleaned.get(name)
            if not column:
                continue
            if column in used:
                self.add_error(name, _("%(field)s: the column “%(column)s” already holds “%(other)s”.") % {
                    "field": FIELD_LABELS[name], "column": column, "other": FIELD_LABELS[used[column]]})
            else:
                used[column] = name
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {name: column for name, column in self.cleaned_data.items() if column}
