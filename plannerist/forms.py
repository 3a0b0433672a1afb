from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plannerist.models import Role


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class PortfolioForm(forms.Form):
    """The portfolio's filters (GET)."""

    q = forms.CharField(required=False, max_length=100, label=_("Organisation"))
    status = forms.ChoiceField(required=False, label=_("Show"), choices=[
        ("", _("all")), ("attention", _("needing attention")),
    ])
    sort = forms.ChoiceField(required=False, label=_("Sort by"), choices=[
        ("name", _("name")), ("signals", _("open signals")), ("due", _("decisions due")),
        ("review", _("oldest review first")),
    ])
