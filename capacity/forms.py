from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Product
from capacity.models import (
    Absence,
    Automation,
    CapacityPlan,
    Replenishment,
    Resource,
    StaffMember,
    StockItem,
)
from capacity.selectors import MAX_PERIOD_DAYS, Period, default_period
from plannerist.fields import (
    DATE_INPUT,
    DateField,
    PercentField,
    bound_inputs,
    parse_week,
    week_field,
)
from plannerist.models import Organization

THOUSANDTHS = Decimal("0.001")
DATE = DATE_INPUT
# A weekday weighs at most this many average days: beyond it the profile is a typing error.
MAX_WEEKDAY_WEIGHT = 100
WEEKDAY_LABELS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


class BoundedModelForm(forms.ModelForm):
    """A model form whose dates lie in 2000–2100 and whose numbers are finite and plausible."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_inputs(self)


class PeakFilterForm(forms.Form):
    """The holiday-peak page's filters (GET): period and the drafts toggle."""

    start = DateField(label=_("From"), required=False)
    end = DateField(label=_("Until"), required=False)
    drafts = forms.BooleanField(label=_("Include draft campaigns (what if we also run them?)"), required=False)
    busy = forms.BooleanField(
        label=_("Busy case: plan for the forecast's high end (9 days out of 10 stay below it)"), required=False
    )

    def __init__(self, data, *, today: dt.date):
        super().__init__(data)
        self.today = today

    def clean(self):
        data = super().clean()
        default = default_period(self.today)
        start = data.get("start") or default.start
        end = data.get("end") or (start + (default.end - default.start))
        if "start" in self.errors or "end" in self.errors:
            return data
        if end < start:
            self.add_error("end", _("The period ends before it starts."))
        elif (end - start).days + 1 > MAX_PERIOD_DAYS:
            self.add_error("end", _("Choose a period of at most %(days)d days.") % {"days": MAX_PERIOD_DAYS})
        data["start"], data["end"] = start, end
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        return Period(data["start"], data["end"], bool(data.get("drafts")), bool(data.get("busy")))


class StaffMemberForm(BoundedModelForm):
    """A person, a freelancer or planned overtime, with hours typed day by day."""

    class Meta:
        model = StaffMember
        fields = ["name", "kind", "hourly_cost", "start", "end"]
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.hours_per_weekday or [0.0] * 7
        for day, label in enumerate(WEEKDAY_LABELS):
            self.fields[f"hours_{day}"] = forms.DecimalField(
                label=label, min_value=0, max_value=24, decimal_places=2, required=False,
                initial=current[day], widget=forms.NumberInput(attrs={"step": "0.5", "class": "hours"}),
            )

    def hour_fields(self):
        return [self[f"hours_{day}"] for day in range(7)]

    def other_fields(self):
        return [self[name] for name in self.Meta.fields]

    def clean(self):
        data = super().clean()
        hours = [float(data.get(f"hours_{day}") or 0) for day in range(7)]
        if not any(hours):
            self.add_error(None, _("Give at least one day with hours."))
        self.instance.hours_per_weekday = hours
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Ends before it starts."))
        return data


class AbsenceForm(BoundedModelForm):
    class Meta:
        model = Absence
        fields = ["start", "end", "reason"]
        widgets = {"start": DATE, "end": DATE}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Ends before it starts."))
        return data


class ResourceForm(BoundedModelForm):
    efficiency = PercentField(label=_("Efficiency (%)"), min_percent=1, max_percent=100,
                              help_text=_("Share of paid hours spent on this work (breaks, interruptions)."))
    live_service_level = PercentField(label=_("Share answered in time (%)"), min_percent=1, max_percent=99.9)

    class Meta:
        model = Resource
        fields = [
            "name", "kind", "minutes_per_order", "minutes_per_unit", "minutes_per_return",
            "minutes_per_contact", "efficiency", "works_public_holidays", "extra_hourly_cost",
            "extra_max_hours_per_day", "live_channel", "live_aht_seconds", "live_answer_seconds",
            "live_service_level", "live_open_hour", "live_close_hour",
        ]

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance.organization = organization

    def clean_efficiency(self):
        return self.cleaned_data["efficiency"].quantize(THOUSANDTHS)

    def clean_live_service_level(self):
        return self.cleaned_data["live_service_level"].quantize(THOUSANDTHS)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = Resource.objects.filter(organization=self.organization, name=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("A resource is already called “%(name)s”.") % {"name": name})
        return name


class CapacityPlanForm(BoundedModelForm):
    weekday_profile = week_field(
        _("Weekday profile"), help_text=_("Seven numbers, Monday to Sunday; 1 = an average day (e.g. 1 1 1 1 1,2 0,8 0,6).")
    )
    return_rate = PercentField(label=_("Return rate (%)"))
    target_utilization = PercentField(label=_("Target utilisation (%)"), min_percent=5, max_percent=100,
                                      help_text=_("Above it, the plan asks for extra hours; 85 % leaves room for the unexpected."))

    class Meta:
        model = CapacityPlan
        fields = ["baseline_source", "baseline_weeks", "orders_per_day", "weekday_profile", "units_per_order",
                  "return_rate", "support_contacts", "target_utilization"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = self.instance.weekday_profile or [1] * 7
        self.initial.setdefault("weekday_profile", " ".join(f"{v:g}" for v in profile))
        if isinstance(self.initial.get("weekday_profile"), list):
            self.initial["weekday_profile"] = " ".join(f"{v:g}" for v in self.initial["weekday_profile"])

    def clean_target_utilization(self):
        return self.cleaned_data["target_utilization"].quantize(THOUSANDTHS)

    def clean_weekday_profile(self):
        profile = parse_week(self.cleaned_data["weekday_profile"])
        if not all(math.isfinite(v) and v <= MAX_WEEKDAY_WEIGHT for v in profile):
            raise forms.ValidationError(
                _("Type weights of at most %(max)d for each day (1 = an average day).") % {"max": MAX_WEEKDAY_WEIGHT})
        return profile


class StockItemForm(BoundedModelForm):
    class Meta:
        model = StockItem
        fields = ["product", "on_hand", "lead_time_days"]

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        products = Product.objects.filter(organization=organization)
        if self.instance.pk:
            products = products.filter(pk=self.instance.product_id)
        else:
            products = products.filter(stock__isnull=True)
        self.fields["product"].queryset = products

    def clean_on_hand(self):
        value = self.cleaned_data["on_hand"]
        if value < Decimal("0"):
            raise forms.ValidationError(_("Count what is on the shelves: zero or more."))
        return value


class ReplenishmentForm(BoundedModelForm):
    class Meta:
        model = Replenishment
        fields = ["date", "units"]
        widgets = {"date": DATE}


class AutomationForm(BoundedModelForm):
    class Meta:
        model = Automation
        fields = ["resource", "name", "start", "minutes_saved_per_order", "setup_cost"]
        widgets = {"start": DATE}

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = Resource.objects.filter(organization=organization)
