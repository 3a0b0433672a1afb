"""Validation of every KPI input: targets, thresholds, discount codes, filters (quick entry and
imports are :mod:`sales.forms`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from kpis.engine import KPI_DEFINITIONS
from kpis.models import SignalThresholds
from plannerist.fields import PercentField
from sales.models import DiscountCode

PERIODS = [("week", _("Week")), ("month", _("Month")), ("quarter", _("Quarter"))]


def kpi_label(definition) -> str:
    return definition.label_fr if (get_language() or "").startswith("fr") else definition.label_en


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
