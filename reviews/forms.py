"""Validation of every weekly-review input: the week, decisions, notes, the export format."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from plannerist.fields import bound_inputs, validate_plausible_date
from plannerist.models import Membership, Organization, Role, User
from reviews.models import PackSchedule, ReviewDecision, WeeklyReview

_ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")


class WeekForm(forms.Form):
    """An ISO week as ``2026-W47`` (what ``<input type="week">`` sends); a week that has
    not started yet is refused. Optional unless ``required``: empty means ``default``."""

    week = forms.CharField(
        label=_("ISO week"), max_length=8, required=False,
        widget=forms.TextInput(attrs={"type": "week", "placeholder": "2026-W47", "pattern": r"\d{4}-W\d{2}"}),
        help_text=_("Year and week number, e.g. 2026-W47."),
    )

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["week"].required = required

    def clean_week(self) -> dt.date | None:
        text = self.cleaned_data["week"].strip()
        if not text:
            return None
        match = _ISO_WEEK.fullmatch(text)
        try:
            if match is None:
                raise ValueError
            monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise forms.ValidationError(
                _("“%(week)s” is not an ISO week: write the year and the week number, e.g. 2026-W47."),
                code="invalid", params={"week": text},
            ) from None
        if monday > timezone.localdate():
            raise forms.ValidationError(_("That week has not started yet."), code="future")
        validate_plausible_date(monday)
        return monday

    def week_start(self, default: dt.date) -> dt.date:
        return self.cleaned_data.get("week") or default


class DecisionForm(forms.ModelForm):
    """A decision; its owner is one of the organisation's members, its campaign one of its campaigns."""

    class Meta:
        model = ReviewDecision
        fields = ["action", "text", "owner", "due", "campaign"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
            "due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        bound_inputs(self)
        self.fields["owner"].queryset = User.objects.filter(memberships__organization=organization).order_by("email")
        self.fields["campaign"].queryset = Campaign.objects.filter(organization=organization).order_by("-start", "name")
        self.fields["campaign"].help_text = _("Optional: the campaign the decision is about.")

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if len(text) > 2000:
            raise forms.ValidationError(_("Keep the decision under 2,000 characters."))
        return text


class NotesForm(forms.ModelForm):
    class Meta:
        model = WeeklyReview
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 5})}


class DecisionDoneForm(forms.Form):
    done = forms.BooleanField(required=False)


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "XLSX"), ("pdf", "PDF")], required=False)

    def chosen(self) -> str:
        return self.cleaned_data.get("format") or "csv"


class SendForm(forms.Form):
    """Who gets the pack besides the organisation's owners (who always do)."""

    members = forms.ModelMultipleChoiceField(
        label=_("Also send to"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The organisation's owners always receive the pack."),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        owners = Membership.objects.filter(organization=organization, role=Role.OWNER).values("user_id")
        self.fields["members"].queryset = (
            User.objects.filter(memberships__organization=organization).exclude(pk__in=owners).exclude(email="")
            .order_by("email")
        )


class PackScheduleForm(forms.ModelForm):
    class Meta:
        model = PackSchedule
        fields = ["weekday", "hour", "active"]
        widgets = {"hour": forms.NumberInput(attrs={"min": 0, "max": 23})}
        help_texts = {"hour": _("On the organisation's clock, 0 to 23.")}

    def clean_hour(self) -> int:
        hour = self.cleaned_data["hour"]
        if not 0 <= hour <= 23:
            raise forms.ValidationError(_("An hour of the day: 0 to 23."))
        return hour
