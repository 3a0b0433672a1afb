"""Reads on what the shop sold: what an import links orders to (campaigns by discount code,
channels by name), customers' first orders, the orders of given days, the units of an
average order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

import pandas as pd
from django.db.models import Avg, Min
from django.utils import timezone

from sales.models import Channel, DiscountCode, ImportedOrder


def campaign_by_discount_code(organization_id: int) -> dict[str, int]:
    """Case-folded promo code → campaign id."""
    rows = DiscountCode.objects.filter(organization_id=organization_id).values_list("code", "campaign_id")
    return {code.strip().casefold(): campaign_id for code, campaign_id in rows}


def channel_by_name(organization_id: int) -> dict[str, int]:
    """Case-folded channel name → channel id, to link the channel a file names."""
    rows = Channel.objects.filter(organization_id=organization_id).values_list("name", "id")
    return {name.strip().casefold(): channel_id for name, channel_id in rows}


def first_order_dates(organization_id: int, customer_keys: Iterable[str], tz: str) -> pd.Series:
    """customer_key → local time of the customer's first sale (not cancelled, no adjustment)."""
    keys = sorted(set(customer_keys))
    found: dict[str, dt.datetime] = {}
    for chunk in _chunks(keys):
        rows = (
            ImportedOrder.objects.filter(
                organization_id=organization_id, customer_key__in=chunk, cancelled=False, is_adjustment=False
            )
            .values("customer_key")
            .annotate(first=Min("ordered_at"))
            .values_list("customer_key", "first")
        )
        found.update(rows)
    series = pd.Series(found, dtype=object)
    return local_times(series, tz) if len(series) else pd.Series(dtype="datetime64[us]")


ORDER_FRAME_FIELDS = (
    "id", "order_id", "ordered_at", "campaign_id", "discount_code", "customer_key",
    "units", "paid_incl_vat", "discounts", "refunds", "shipping_incl_vat",
    "cancelled", "is_adjustment", "shipped_at", "currency",
)  # fmt: skip


def orders_on_days(organization_id: int, days: Iterable[dt.date], tz: str) -> pd.DataFrame:
    """Every imported order placed on one of ``days`` (dates and times local to ``tz``, naive)."""
    days = sorted(set(days))
    records: list[tuple] = []
    with timezone.override(tz):
        for chunk in _chunks(days):
            records += ImportedOrder.objects.filter(
                organization_id=organization_id, ordered_at__date__in=chunk
            ).values_list(*ORDER_FRAME_FIELDS)
    frame = pd.DataFrame.from_records(records, columns=list(ORDER_FRAME_FIELDS))
    for column in ("ordered_at", "shipped_at"):
        frame[column] = local_times(frame[column], tz)
    for column in ("units", "paid_incl_vat", "discounts", "refunds", "shipping_incl_vat"):
        frame[column] = frame[column].astype("float64")
    return frame


def customer_days_from(
    organization_id: int, customer_keys: Iterable[str], since: dt.datetime, tz: str
) -> set[dt.date]:
    """Local days on which these customers ordered at or after ``since``: their new/returning
    status may change when an earlier order of theirs arrives."""
    keys = sorted(set(customer_keys))
    days: set[dt.date] = set()
    for chunk in _chunks(keys):
        stamps = ImportedOrder.objects.filter(
            organization_id=organization_id, customer_key__in=chunk, ordered_at__gte=since
        ).values_list("ordered_at", flat=True)
        days.update(local_times(pd.Series(list(stamps), dtype=object), tz).dt.date)
    return days


def local_times(stamps: pd.Series, tz: str) -> pd.Series:
    """Aware datetimes → naive wall-clock times of ``tz`` (what the engines work in)."""
    converted = pd.to_datetime(stamps, utc=True)
    return converted.dt.tz_convert(tz).dt.tz_localize(None).astype("datetime64[us]")


def _chunks(values: Sequence, size: int = 2000):
    for i in range(0, len(values), size):
        yield values[i : i + size]


def units_per_order(organization_id: int) -> Decimal | None:
    """The units of the average imported order (cancelled orders and stock adjustments aside),
    to the hundredth; None without an imported order."""
    average = ImportedOrder.objects.filter(organization_id=organization_id, cancelled=False, is_adjustment=False,
                                           units__gt=0).aggregate(units=Avg("units"))["units"]
    return None if average is None else Decimal(average).quantize(Decimal("0.01"))
