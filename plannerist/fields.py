"""Form fields and validators shared by the apps.

The bounds every form applies to what a person types, in one place: dates between
:data:`EARLIEST_DATE` and :data:`LATEST_DATE`, periods of at most :data:`MAX_PERIOD_DAYS`
days, numbers finite and at most :data:`MAX_MAGNITUDE` in size. Beyond them no shop's plan
makes sense, and the engines' date ranges and float arithmetic stop being safe.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from plannerist.validation import EARLIEST_DATE, LATEST_DATE, MAX_MAGNITUDE, MAX_PERIOD_DAYS

DATE_INPUT = forms.DateInput(attrs={"type": "date", "min": EARLIEST_DATE.isoformat(),
                                    "max": LATEST_DATE.isoformat()}, format="%Y-%m-%d")


def validate_plausible_date(value: dt.date) -> None:
    """A date between 2000-01-01 and 2100-12-31."""
    if value is not None and not (EARLIEST_DATE <= value <= LATEST_DATE):
        raise ValidationError(
            _("Choose a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": date_format(EARLIEST_DATE), "latest": date_format(LATEST_DATE)},
        )


def validate_period(start: dt.date, end: dt.date, *, max_days: int = MAX_PERIOD_DAYS) -> None:
    """A period that ends on or after its start and lasts at most ``max_days`` days."""
    if end < start:
        raise ValidationError(_("The period ends before it starts."), code="period_reversed")
    if (end - start).days + 1 > max_days:
        raise ValidationError(
            _("Choose a period of at most %(days)d days."), code="period_too_long", params={"days": max_days}
        )


def validate_plausible_number(value: float | Decimal | int) -> None:
    """A finite number no larger than :data:`MAX_MAGNITUDE` either way (no NaN, no 1e308)."""
    if value is None:
        return
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        finite = False
    if not finite or abs(value) > MAX_MAGNITUDE:
        raise ValidationError(
            _("Type a number between −%(limit)s and %(limit)s."),
            code="number_out_of_range", params={"limit": f"{MAX_MAGNITUDE:,.0f}".replace(",", " ")},
        )


class DateField(forms.DateField):
    """A date typed in a date box, refused outside 2000–2100."""

    widget = DATE_INPUT
    default_validators = [validate_plausible_date]


def bound_inputs(form: forms.BaseForm) -> None:
    """Bound every date and number field of ``form``, model forms' generated fields included:
    call it at the end of the form's ``__init__``."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            validator = validate_plausible_date
            field.widget.attrs.setdefault("min", EARLIEST_DATE.isoformat())
            field.widget.attrs.setdefault("max", LATEST_DATE.isoformat())
        elif isinstance(field, forms.FloatField | forms.DecimalField | forms.IntegerField):
            validator = validate_plausible_number
        else:
            continue
        if validator not in field.validators:
            field.validators.append(validator)


class PercentField(forms.DecimalField):
    """A share typed as a percentage: the user types 20, the model stores 0.20."""

    def __init__(self, *, min_percent: float | None = 0, max_percent: float | None = 100, **kwargs):
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("max_digits", 8)
        super().__init__(min_value=min_percent, max_value=max_percent, **kwargs)
        self.widget.attrs.setdefault("step", "any")
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value):
        percent = super().clean(value)
        return None if percent is None else (percent / Decimal(100)).quantize(Decimal("0.0001"))

    def prepare_value(self, value):
        if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
            text = format(Decimal(str(value)) * 100, "f")
            return text.rstrip("0").rstrip(".") if "." in text else text
        return value


def week_field(label: str, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, **kwargs)


def parse_week(text: str, *, field_label: str = "") -> list[float]:
    """Seven numbers separated by spaces or semicolons (decimal comma accepted)."""
    parts = [p for p in text.replace(";", " ").split() if p]
    try:
        values = [float(p.replace(",", ".")) for p in parts]
    except ValueError:
        raise forms.ValidationError(_("Type seven numbers, Monday to Sunday.")) from None
    if len(values) != 7 or any(v < 0 for v in values):
        raise forms.ValidationError(_("Type seven numbers, Monday to Sunday, none negative."))
    return values
