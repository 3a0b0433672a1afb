"""Locale-aware display of amounts, shares and counts (``1 234,56 €`` in French)."""

from __future__ import annotations

import math

from django import template
from django.utils import formats
from django.utils.translation import get_language, gettext

register = template.Library()

_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


def _is_missing(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


@register.filter
def money(value: object, currency: str = "EUR") -> str:
    """An amount with its currency, two decimals, in the active language's format."""
    if _is_missing(value):
        return "—"
    amount = float(value)
    text = formats.number_format(round(abs(amount), 2), 2, use_l10n=True, force_grouping=True)
    symbol = _SYMBOLS.get(currency, currency)
    sign = "−" if amount < 0 else ""
    if (get_language() or "fr").startswith("fr"):
        return f"{sign}{text}\u00a0{symbol}"
    return f"{sign}{symbol}{text}"


@register.filter
def money0(value: object, currency: str = "EUR") -> str:
    """An amount rounded to the unit, for totals."""
    if _is_missing(value):
        return "—"
    return money(round(float(value)), currency).replace(
        formats.get_format("DECIMAL_SEPARATOR") + "00", ""
    )


@register.filter
def pct(value: object, digits: int = 1) -> str:
    """A share shown as a percentage: 0.2 → ``20,0 %`` (fr) / ``20.0%`` (en)."""
    if _is_missing(value):
        return "—"
    # number_format truncates: round first so that 0.9797 shows as 98 %, not 97 %.
    shown = round(float(value) * 100, int(digits))
    text = formats.number_format(shown, digits, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0%" if (get_language() or "fr").startswith("fr") else f"{text}%"


@register.filter
def signed_pct(value: object, digits: int = 0) -> str:
    if _is_missing(value):
        return "—"
    return ("+" if float(value) >= 0 else "−") + pct(abs(float(value)), digits)


@register.filter
def num(value: object, digits: int = 0) -> str:
    if _is_missing(value):
        return "—"
    return formats.number_format(round(float(value), int(digits)), digits, use_l10n=True, force_grouping=True)


@register.filter
def field_label(form, name: str) -> str:
    """The label of a form's field, for error summaries."""
    field = form.fields.get(name)
    return str(field.label) if field is not None and field.label else name


@register.simple_tag
def kpi_value(value: object, unit: str, currency: str = "EUR") -> str:
    """A KPI in its unit: money, share, count, hours, per hour, multiple or days."""
    if _is_missing(value):
        return "—"
    if unit == "currency":
        return money(value, currency)
    if unit == "share":
        return pct(value, 1)
    if unit == "hours":
        return f"{num(value, 1)}\u00a0h"
    if unit == "days":
        return f"{num(value, 0)}\u00a0j" if (get_language() or "fr").startswith("fr") else f"{num(value, 0)}\u00a0d"
    if unit in ("per_hour", "multiple"):
        return num(value, 2) + ("\u00a0×" if unit == "multiple" else "")
    return num(value, 0)


@register.filter
def isodate(value: object):
    """``"2026-12-18"`` (as JSON keeps dates) → a date, for the ``date`` filter."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


@register.filter
def translated(text: object) -> str:
    """A text the code holds in English (a KPI's formula from the pure engine), in the active
    language: its msgid is the text as Python writes it (``95 %``, not a template's ``95 %%``)."""
    return gettext(str(text)) if text else ""
