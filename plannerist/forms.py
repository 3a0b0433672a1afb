from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plannerist import throttle
from plannerist.fields import PercentField, bound_inputs
from plannerist.models import Organization, Role


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ThrottledLoginMixin:
    """Refuse a login while its (username, address) pair or its address is locked; count the failures.

    The message is the same whether or not the username belongs to an account.
    """

    locked_messages = {
        throttle.Lock.USERNAME: _(
            "Too many failed attempts: logging in with this e-mail is paused for 15 minutes. "
            "Try again later, or ask an owner for a new password link."
        ),
        throttle.Lock.ADDRESS: _(
            "Too many failed attempts from your network: logging in from it is paused for 15 minutes. "
            "Try again later."
        ),
    }

    login_field = "username"

    def authenticated_user(self) -> Any:
        return self.get_user()

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get(self.login_field) or ""
        ip = throttle.client_ip(self.request)
        now = timezone.now()
        if lock := throttle.login_lock(username=username, ip=ip, now=now):
            raise ValidationError(self.locked_messages[lock], code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            if lock := throttle.login_failure_record(username=username, ip=ip, now=now):
                raise ValidationError(self.locked_messages[lock], code="locked") from None
            raise
        if self.authenticated_user() is not None:  # not when a field was left empty: nothing was checked
            throttle.login_success_record(username=username, ip=ip)
        return cleaned


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class ThrottledAllauthLoginForm(ThrottledLoginMixin, LoginForm):
    """allauth's login by e-mail (its field is ``login``), throttled as the others."""

    login_field = "login"

    def authenticated_user(self) -> Any:
        return self.user


class OrganizationDeleteForm(forms.Form):
    """Deleting an organisation is confirmed by typing its slug (the part of its address)."""

    confirm = forms.CharField(
        label=_("Organisation identifier"), max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"].strip()
        if typed != self.organization.slug:
            raise ValidationError(
                _("Type %(slug)s exactly to confirm.") % {"slug": self.organization.slug}, code="mismatch"
            )
        return typed


class ExportForm(forms.Form):
    """The format of a whole-organisation export (GET); none shows the page."""

    format = forms.ChoiceField(
        required=False, choices=[("", ""), ("json", "JSON"), ("csv", "CSV")], label=_("Format")
    )


class OrganizationCreateForm(forms.Form):
    """A new organisation from its name and country; the rest, left empty, is the country's
    (``plannerist.services.organization_create_named``)."""

    name = forms.CharField(label=_("Business name"), max_length=120)
    country = forms.CharField(
        label=_("Country"), max_length=2, initial="FR",
        help_text=_("Two letters, e.g. FR: its public holidays close the capacity calendar."),
    )
    vat_rate = PercentField(
        label=_("VAT rate (%)"), required=False,
        help_text=_("Left empty: your country's standard rate (20 % in France)."),
    )
    prices_include_vat = forms.TypedChoiceField(
        label=_("Your prices"), required=False, empty_value=None,
        coerce=lambda value: value == "yes",
        choices=[("", _("As usual in the country")), ("yes", _("include VAT")), ("no", _("are before VAT"))],
    )
    currency = forms.CharField(
        label=_("Currency"), max_length=3, required=False,
        help_text=_("Left empty: your country's (EUR in France)."),
    )
    timezone = forms.CharField(
        label=_("Time zone"), max_length=64, required=False,
        help_text=_("Left empty: your country's, when it has one (Europe/Paris)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_inputs(self)

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()

    def clean_timezone(self) -> str:
        return self.cleaned_data["timezone"].strip()
