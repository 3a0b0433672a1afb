"""Daily actuals: their order figures rebuilt from the imported orders, and the figures typed
in by quick entry. See :mod:`kpis.services`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import transaction

from forecasting.services import refit_request
from kpis import engine, selectors
from kpis.models import MONEY_QUANTUM, DailyActual
from kpis.services._common import _decimal
from kpis.services.recompute import recompute_request
from plannerist.models import Organization

_CAMPAIGN_TAG = "campaign:"
_ACTUAL_ORDER_FIELDS = (
    "orders", "units", "paid_incl_vat", "discounts", "refunds", "returned_orders",
    "new_customers", "returning_customers", "orders_shipped", "order_to_ship_hours",
)  # fmt: skip
_MONEY_FIELDS = ("paid_incl_vat", "discounts", "refunds")  # full precision: see kpis.models.MONEY_DECIMALS


@transaction.atomic
def daily_actuals_rebuild(*, organization: Organization, days: Sequence[dt.date]) -> None:
    """Recompute the order figures of ``days`` from every imported order of those days.

    Writes the organisation's totals (no campaign, no channel) and one row per campaign the
    orders are linked to; a campaign row whose orders are gone is zeroed, not deleted, as it
    may hold typed-in spend.
    """
    tz = organization.timezone
    orders = selectors.orders_on_days(organization.id, days, tz)
    first = selectors.first_order_dates(organization.id, orders["customer_key"].dropna(), tz)
    lines = _lines_of(orders)
    tags = {f"{_CAMPAIGN_TAG}{int(cid)}": int(cid) for cid in orders["campaign_id"].dropna().unique()}
    totals = engine.daily_actuals_from_orders(lines, first_order_dates=first)
    by_campaign = engine.daily_actuals_from_orders(lines, campaign_by_discount_code=tags, first_order_dates=first)
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
    refit_request(organization=organization)  # the forecast rests on the daily orders: refit after commit


def _actual_values(row) -> dict[str, Decimal | None]:
    if row is None:
        return {field: (None if field == "order_to_ship_hours" else Decimal("0")) for field in _ACTUAL_ORDER_FIELDS}
    values = {
        field: _decimal(getattr(row, field), MONEY_QUANTUM if field in _MONEY_FIELDS else "0.01")
        for field in _ACTUAL_ORDER_FIELDS
    }
    # The model keeps the average; the engine gives the sum over shipped orders.
    values["order_to_ship_hours"] = (
        _decimal(row.order_to_ship_hours / row.orders_shipped) if row.orders_shipped > 0 else None
    )
    return values


def _lines_of(orders: pd.DataFrame) -> pd.DataFrame:
    """Stored orders as one line each, in the importers' normalised columns."""
    return pd.DataFrame(
        {
            "order_id": orders["order_id"],
            "ordered_at": orders["ordered_at"],
            "quantity": orders["units"],
            "line_total_incl_vat": np.nan,
            "is_adjustment": orders["is_adjustment"].astype(bool),
            "discount_code": orders["campaign_id"].map(
                lambda cid: None if pd.isna(cid) else f"{_CAMPAIGN_TAG}{int(cid)}"
            ),
            "discount_amount": orders["discounts"],
            "shipping_incl_vat": orders["shipping_incl_vat"],
            "order_total": orders["paid_incl_vat"],
            "refunded_amount": orders["refunds"],
            "customer_key": orders["customer_key"],
            "cancelled": orders["cancelled"].astype(bool),
            "currency": orders["currency"],
            "channel": None,
            "shipped_at": orders["shipped_at"],
            "source_file": "",
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
    actual, _ = DailyActual.objects.get_or_create(organization=organization, date=date, campaign=None, channel=None)
    for field in TYPED_FIELDS:
        if field in values:
            setattr(actual, field, values[field])
    actual.full_clean(exclude=["organization", "campaign", "channel"], validate_constraints=False)
    actual.save()
    recompute_request(organization=organization)
    refit_request(organization=organization)
    return actual
