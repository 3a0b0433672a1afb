from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
