from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import (
    PLAN_FIELDS,
    Campaign,
    CostProfile,
    Mechanic,
    Product,
    PromotionSettings,
    Scenario,
    Scope,
)
from plannerist.fields import PercentField, bound_inputs, validate_period
from sales.models import Channel


class PlanForm(forms.ModelForm):
    """The promotion's parameters, shared by campaigns and scenarios; rates typed in %."""

    discount_rate = PercentField(label=_("Discount (%)"), required=False)
    get_discount = PercentField(label=_("Discount on the extra units (%)"), required=False,
                                help_text=_("100 % = free: “2 for 1” is buy 1, get 1 at 100 %."))
    uplift = PercentField(label=_("Expected uplift in orders (%)"), min_percent=-100, max_percent=10000,
                          help_text=_("+50 % means half as many orders again as without the campaign."))
    uplift_low = PercentField(label=_("Uplift, low (%)"), required=False, min_percent=-100, max_percent=10000)
    uplift_high = PercentField(label=_("Uplift, high (%)"), required=False, min_percent=-100, max_percent=10000)
    return_rate_override = PercentField(label=_("Return rate during the campaign (%)"), required=False)
    scope_categories = forms.MultipleChoiceField(label=_("Categories in scope"), required=False,
                                                 widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        products = Product.objects.filter(organization=organization, active=True)
        self.fields["products"].queryset = products
        self.fields["products"].widget = forms.CheckboxSelectMultiple(choices=self.fields["products"].choices)
        categories = sorted({c for c in products.values_list("category", flat=True) if c})
        self.fields["scope_categories"].choices = [(c, c) for c in categories]
        bound_inputs(self)

    def clean(self):
        data = super().clean()
        # Fields the chosen mechanic hides may come back empty: keep them neutral.
        data["discount_rate"] = data.get("discount_rate") or Decimal("0")
        if data.get("get_discount") is None:
            data["get_discount"] = Decimal("1")
        scope = data.get("scope")
        if scope == Scope.PRODUCTS and not data.get("products"):
            self.add_error("products", _("Choose at least one product, or another scope."))
        if scope == Scope.CATEGORIES and not data.get("scope_categories"):
            self.add_error("scope_categories", _("Choose at least one category, or another scope."))
        if data.get("mechanic") == Mechanic.BUY_X_GET_Y and not data.get("get"):
            self.add_error("get", _("A “buy X, get Y” gives at least one unit."))
        if data.get("mechanic") == Mechanic.AMOUNT_OFF and not data.get("discount_amount"):
            self.add_error("discount_amount", _("Type the amount taken off each unit."))
        return data


class CampaignForm(PlanForm):
    class Meta:
        model = Campaign
        fields = ["name", "objective", "channel", "start", "end", "baseline_orders", *PLAN_FIELDS]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "objective": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(organization=organization).select_related("cost_profile")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The campaign ends before it starts."))
        elif start and end:
            try:
                validate_period(start, end)
            except forms.ValidationError as error:
                self.add_error("end", error)
        return data


class ScenarioForm(PlanForm):
    class Meta:
        model = Scenario
        fields = ["name", *PLAN_FIELDS]

    def clean_name(self) -> str:
        return _scenario_name_free(self.cleaned_data["name"], self.instance.campaign, exclude=self.instance.pk)


class ScenarioNewForm(forms.Form):
    """A new scenario from the campaign's current plan: only its name is typed."""

    name = forms.CharField(
        label=_("New scenario from the current plan"), required=False,
        max_length=Scenario._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 2-for-1 on three products")}),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_name(self) -> str:
        name = self.cleaned_data["name"] or _("Variant %(n)d") % {"n": self.campaign.scenarios.count() + 1}
        return _scenario_name_free(name, self.campaign)


def _scenario_name_free(name: str, campaign: Campaign, *, exclude: int | None = None) -> str:
    if campaign.scenarios.filter(name=name).exclude(pk=exclude).exists():
        raise forms.ValidationError(_("A scenario is already called “%(name)s”.") % {"name": name})
    return name


class ProductForm(forms.ModelForm):
    vat_rate = PercentField(label=_("VAT (%)"))

    class Meta:
        model = Product
        fields = ["sku", "name", "category", "price", "vat_rate", "unit_cost", "units_per_month", "active"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        if not self.instance.pk:  # a new product starts from the organisation's rate
            self.initial["vat_rate"] = organization.vat_rate
        bound_inputs(self)

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip()
        taken = Product.objects.filter(organization=self.organization, sku=sku).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another product already has this SKU."))
        return sku


class ChannelForm(forms.ModelForm):
    class Meta:
        model = Channel
        fields = ["name", "kind"]


# One line of help per cost field: what to type, where to find it.
COST_HELP = {
    "units_per_order": _("Average number of items in one order (your order export says it: units ÷ orders)."),
    "shipping_fee": _("What the customer pays for delivery, incl. VAT (0 when shipping is free)."),
    "shipping_cost": _("What the carrier charges you per order, excl. VAT (your carrier's price for a typical parcel)."),
    "packaging_cost": _("Box, filling, tape and label of one order, excl. VAT."),
    "payment_fee_rate": _("The payment provider's percentage of each order (Stripe, PayPal, SumUp…)."),
    "payment_fee_fixed": _("The provider's fixed fee per payment, e.g. 0.25 €."),
    "commission_rate": _("A marketplace's commission on each sale (0 on your own shop)."),
    "return_rate": _("Share of orders sent back: returned orders ÷ orders."),
    "return_cost": _("What one return costs you: the return label and the time to check the goods."),
    "return_recovery": _("Share of returned goods you can sell again (100 % if they come back as new)."),
    "support_contacts": _("Customer messages per order: e-mails and calls ÷ orders (0.1 = one in ten orders)."),
    "support_cost_per_contact": _("What answering one message costs: minutes spent × hourly cost."),
}


class CostProfileForm(forms.ModelForm):
    payment_fee_rate = PercentField(label=_("Payment fee (%)"))
    commission_rate = PercentField(label=_("Commission (%)"))
    return_rate = PercentField(label=_("Return rate (%)"))
    return_recovery = PercentField(label=_("Goods recovered on a return (%)"))

    class Meta:
        model = CostProfile
        fields = [
            "units_per_order", "shipping_fee", "shipping_cost", "packaging_cost", "payment_fee_rate",
            "payment_fee_fixed", "commission_rate", "return_rate", "return_cost", "return_recovery",
            "support_contacts", "support_cost_per_contact",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, text in COST_HELP.items():
            self.fields[name].help_text = text
        bound_inputs(self)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Campaign.Status.choices)
    seen = forms.DateTimeField(required=False, widget=forms.HiddenInput)  # the page's campaign.updated_at
    comment = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}),
                              label=_("Comment"))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class PromotionSettingsForm(forms.ModelForm):
    class Meta:
        model = PromotionSettings
        fields = ["departement"]
