"""Daily actuals: their order figures rebuilt from the imported orders, and the figures typed
in by quick entry. See :mod:`sales.services`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

import pandas as pd
from django.db import transaction

from plannerist.models import Organization
from sales import engine, selectors
from sales.models import MONEY_QUANTUM, DailyActual
from sales.services.common import as_decimal
from sales.signals import actuals_changed_send

_ACTUAL_ORDER_FIELDS = (
    "orders", "units", "paid_incl_vat", "discounts", "refunds", "returned_orders",
    "new_customers", "returning_customers", "orders_shipped", "order_to_ship_hours",
)  # fmt: skip
_MONEY_FIELDS = ("paid_incl_vat", "discounts", "refunds")  # full precision: see sales.models.MONEY_DECIMALS


@transaction.atomic
def daily_actuals_rebuild(*, organization: Organization, days: Sequence[dt.date]) -> None:
    """Recompute the order figures of ``days`` from every imported order of those days.

    Writes the organisation's totals (no campaign, no channel) and one row per campaign the
    orders are linked to; a campaign row whose orders are gone is zeroed, not deleted, as it
    may hold typed-in spend. The caller sends :data:`sales.signals.actuals_changed` (the
    KPIs recompute and the forecast refits on it, after commit).
    """
    tz = organization.timezone
    orders = selectors.orders_on_days(organization.id, days, tz)
    first = selectors.first_order_dates(organization.id, orders["customer_key"].dropna(), tz)
    frame = _orders_frame(orders)
    totals = engine.daily_actuals_from_orders(frame.assign(campaign=pd.NA), first_order_dates=first)
    by_campaign = engine.daily_actuals_from_orders(frame, first_order_dates=first)
    figures = {(row.date, None): row for row in totals.itertuples(index=False)}
    figures.update(
        {(row.date, int(row.campaign)): row for row in by_campaign.itertuples(index=False) if pd.notna(row.campaign)}
    )
    existing = {
        (actual.date, actual.campaign_id): actual
        for actual in DailyActual.objects.filter(organization=organization, date__in=list(days), channel=None)
    }
    to_create, to_update = [], []
    for key in sorted(set(existing) | set(figures), key=lambda k: (k[0], k[1] or 0)):
        actual = existing.get(key) or DailyActual(organization=organization, date=key[0], campaign_id=key[1])
        values = _actual_values(figures.get(key))
        for field, value in values.items():
            setattr(actual, field, value)
        (to_update if actual.pk else to_create).append(actual)
    DailyActual.objects.bulk_create(to_create, batch_size=1000)
    DailyActual.objects.bulk_update(to_update, list(_ACTUAL_ORDER_FIELDS), batch_size=1000)


def _actual_values(row) -> dict[str, Decimal | None]:
    if row is None:
        return {field: (None if field == "order_to_ship_hours" else Decimal("0")) for field in _ACTUAL_ORDER_FIELDS}
    values = {
        field: as_decimal(getattr(row, field), MONEY_QUANTUM if field in _MONEY_FIELDS else "0.01")
        for field in _ACTUAL_ORDER_FIELDS
    }
    # The model keeps the average; the engine gives the sum over shipped orders.
    values["order_to_ship_hours"] = (
        as_decimal(row.order_to_ship_hours / row.orders_shipped) if row.orders_shipped > 0 else None
    )
    return values


def _orders_frame(stored: pd.DataFrame) -> pd.DataFrame:
    """Stored orders in the shape the readers give (:func:`sales.readers.orders_from_lines`),
    each with the campaign its import linked it to."""
    return pd.DataFrame(
        {
            "order_id": stored["order_id"],
            "ordered_at": stored["ordered_at"],
            "units": stored["units"],
            "discount_amount": stored["discounts"],
            "shipping_incl_vat": stored["shipping_incl_vat"],
            "order_total": stored["paid_incl_vat"],
            "refunded_amount": stored["refunds"],
            "customer_key": stored["customer_key"],
            "cancelled": stored["cancelled"].astype(bool),
            "is_adjustment_order": stored["is_adjustment"].astype(bool),
            "currency": stored["currency"],
            "channel": None,
            "shipped_at": stored["shipped_at"],
            "campaign": stored["campaign_id"].astype("Int64") if len(stored) else pd.Series(dtype="Int64"),
        }
    )


# ---------------------------------------------------------------- typed-in figures

TYPED_FIELDS = (
    "orders", "units", "paid_incl_vat", "discounts", "refunds", "returned_orders", "new_customers",
    "returning_customers", "ad_spend", "support_contacts", "hours_worked", "orders_shipped",
    "order_to_ship_hours",
)  # fmt: skip


@transaction.atomic
def daily_actual_save(*, organization: Organization, date: dt.date, values: Mapping[str, object]) -> DailyActual:
    """Quick entry: the day's organisation totals, replacing what was typed for that day."""
    actual, _ = DailyActual.objects.get_or_create(organization=organization, date=date, campaign_id=None, channel=None)
    for field in TYPED_FIELDS:
        if field in values:
            setattr(actual, field, values[field])
    actual.full_clean(exclude=["organization", "campaign_id", "channel"], validate_constraints=False)
    actual.save()
    actuals_changed_send(organization=organization)
    return actual
