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
