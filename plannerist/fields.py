"""Form fields shared by the apps."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


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
