"""Validation of every KPI input: quick entry, imports, targets, thresholds, filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from kpis.engine import KPI_DEFINITIONS
from kpis.models import SignalThresholds
from plannerist.fields import PercentField
from sales.models import DailyActual, DiscountCode
from sales.readers import DEFAULT_LIMITS, MAPPING_FIELDS, OrderFile, parse_column_mapping

FORMATS = [
    ("shopify", _("Shopify orders export (CSV)")),
    ("woocommerce", _("WooCommerce orders export (CSV)")),
    ("generic", _("Plannerist template (CSV or XLSX)")),
    ("lines", _("Order lines of any layout (with a column mapping)")),
]
CENT = Decimal("0.01")
PERIODS = [("week", _("Week")), ("month", _("Month")), ("quarter", _("Quarter"))]


def kpi_label(definition) -> str:
    return definition.label_fr if (get_language() or "").startswith("fr") else definition.label_en


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
        # Imported money is kept to the millionth (kpis.models.MONEY_DECIMALS): show 12.50, not
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


class TargetsForm(forms.Form):
    """One optional target per KPI; shares typed in %."""

    def __init__(self, *args, targets: dict[str, float], **kwargs):
        super().__init__(*args, **kwargs)
        for definition in KPI_DEFINITIONS:
            label = kpi_label(definition)
            if definition.unit == "share":
                field = PercentField(label=label, required=False, min_percent=None, max_percent=None)
            else:
                field = forms.FloatField(label=label, required=False)
                field.widget.attrs.update({"step": "any", "inputmode": "decimal"})
            field.initial = targets.get(definition.key)
            self.fields[definition.key] = field

    def targets(self) -> dict[str, float | None]:
        return {key: None if value is None else float(value) for key, value in self.cleaned_data.items()}


class ThresholdsForm(forms.ModelForm):
    margin_drop = PercentField(label=_("Margin per order falling by more than (%)"))
    utilisation_limit = PercentField(label=_("Forecast utilisation above (%)"), max_percent=1000)
    headroom_utilisation = PercentField(label=_("Room to amplify while the forecast stays below (%)"), max_percent=1000)
    return_rate_floor = PercentField(label=_("Ignore return rates below (%)"))

    class Meta:
        model = SignalThresholds
        fields = ["margin_drop", "utilisation_limit", "headroom_utilisation", "return_spike", "return_rate_floor",
                  "lookback_weeks", "horizon_weeks"]


class DiscountCodeForm(forms.Form):
    """A promo code and the campaign its orders count for (a code names its campaign by id:
    :class:`sales.models.DiscountCode`)."""

    code = forms.CharField(label=_("discount code"), max_length=DiscountCode._meta.get_field("code").max_length)
    campaign = forms.ModelChoiceField(label=_("campaign"), queryset=Campaign.objects.none())

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["campaign"].queryset = Campaign.objects.filter(organization=organization).order_by("-start")

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if DiscountCode.objects.filter(organization=self.organization, code__iexact=code).exists():
            raise forms.ValidationError(_("The code %(code)s already points to a campaign.") % {"code": code})
        return code


class PeriodForm(forms.Form):
    """The KPI page's filter (GET): which periods, how many."""

    period = forms.ChoiceField(choices=PERIODS, required=False)

    def chosen(self) -> str:
        return self.cleaned_data.get("period") or "week"
