"""A campaign's change history in the page's words: field names as the form labels them,
choices by their label, rates as percentages, amounts and dates as the rest of the UI.

The audit log keeps raw values (``planned``, ``0.06``, ``2026-12-01``) so that it stays true
whatever the language; they are put in words here, when the page is rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from campaigns.models import Campaign, CampaignChange
from plannerist.templatetags.plannerist import money, num, pct

# Shares kept as fractions (0.06), shown as percentages (6 %).
SHARE_FIELDS = {"discount_rate", "get_discount", "uplift", "uplift_low", "uplift_high", "return_rate_override"}
MONEY_FIELDS = {"discount_amount", "ad_spend", "creative_cost", "setup_cost"}
NUMBER_FIELDS = {"baseline_orders", "buy", "get", "support_contacts_override"}
DATE_FIELDS = {"start", "end"}


@dataclasses.dataclass(frozen=True)
class HistoryRow:
    changed_at: dt.datetime
    changed_by: object
    field: str  # the field's name as the page shows it
    old: str
    new: str


def field_label(field: str) -> str:
    """``uplift`` → "Expected uplift"; the log's own entries (created, products, scenario) too."""
    own = {"created": _("campaign created"), "products": _("products in scope"), "scenario": _("scenario chosen")}
    if field in own:
        return capfirst(own[field])
    try:
        return capfirst(Campaign._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


def _percentage(value: Decimal) -> str:
    hundredths = value * 100
    return pct(value, 0 if hundredths == hundredths.to_integral_value() else 1)


def value_text(field: str, value: str, *, currency: str) -> str:
    """One logged value as the page writes it; the raw text when it cannot be read as such."""
    if value == "":
        return "—"
    try:
        if field in SHARE_FIELDS:
            return _percentage(Decimal(value))
        if field in MONEY_FIELDS:
            return money(Decimal(value), currency)
        if field in NUMBER_FIELDS:
            number = Decimal(value)
            return num(number, 0 if number == number.to_integral_value() else 2)
        if field in DATE_FIELDS:
            return date_format(dt.date.fromisoformat(value), "j M Y")
    except (InvalidOperation, ValueError):
        return value
    try:
        choices = dict(Campaign._meta.get_field(field).flatchoices)
    except FieldDoesNotExist:
        return value
    return str(choices.get(value, value))


def history_rows(changes: Iterable[CampaignChange], *, currency: str) -> list[HistoryRow]:
    return [
        HistoryRow(changed_at=change.changed_at, changed_by=change.changed_by, field=field_label(change.field),
                   old=value_text(change.field, change.old, currency=currency),
                   new=value_text(change.field, change.new, currency=currency))
        for change in changes
    ]
