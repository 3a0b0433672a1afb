"""Reads for KPIs: ORM rows turned into the KPI engine's inputs.

Convention for :class:`~kpis.models.DailyActual`: the row with neither campaign nor channel
is the organisation's total for the day; rows with a campaign (or a channel) are breakdowns
of it. The organisation scope is therefore computed from the totals only and the campaign
and channel scopes from their own rows, so that nothing is counted twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from django.db.models import Min
from django.utils import timezone

from campaigns.models import Channel
from campaigns.models import CostProfile as ChannelCostProfile
from campaigns.selectors import catalogue_frame, order_inputs
from kpis import engine
from kpis.models import DailyActual, DiscountCode, ImportedOrder
from plannerist.models import Organization

_ACTUAL_FIELDS = (
    "orders", "units", "paid_incl_vat", "discounts", "refunds", "returned_orders",
    "new_customers", "returning_customers", "ad_spend", "support_contacts", "hours_worked",
    "orders_shipped", "order_to_ship_hours",
)  # fmt: skip


def daily_actuals_frame(
    organization_id: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """The organisation's daily actuals in the engine's :data:`~kpis.engine.ACTUAL_COLUMNS`.

    ``campaign`` and ``channel`` are ids as strings (null for the totals). The model stores
    the *average* order-to-ship hours; the engine sums them, so they are multiplied back by
    the shipped orders here.
    """
    rows = DailyActual.objects.filter(organization_id=organization_id)
    if start is not None:
        rows = rows.filter(date__gte=start)
    if end is not None:
        rows = rows.filter(date__lte=end)
    records = list(rows.values_list("date", "campaign_id", "channel_id", *_ACTUAL_FIELDS))
    frame = pd.DataFrame.from_records(records, columns=["date", "campaign", "channel", *_ACTUAL_FIELDS])
    for column in _ACTUAL_FIELDS:
        frame[column] = frame[column].astype("float64")
    frame["order_to_ship_hours"] = frame["order_to_ship_hours"] * frame["orders_shipped"]
    for column in ("campaign", "channel"):
        frame[column] = frame[column].map(lambda v: None if pd.isna(v) else str(int(v))).astype(object)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def cost_profile(organization: Organization) -> engine.CostProfile:
    """The KPI engine's costs, from the campaigns' economics inputs.

    Each channel's average order comes from :func:`campaigns.selectors.order_inputs` over the
    weighted catalogue; the organisation's profile is the plain average over its channels
    that have a cost profile (each channel weighs the same, as sales per channel are not
    known yet). Without any, costs are zero but the catalogue still sets the goods-cost rate.
    Per-order costs are packaging, shipping and the fixed payment fee; the commission is
    added to the payment-fee rate (both are shares of what the customer pays).
    """
    catalogue = catalogue_frame(organization)
    profiles = list(ChannelCostProfile.objects.filter(organization=organization).order_by("channel_id"))
    if not profiles:
        profiles = [ChannelCostProfile(organization=organization, channel=Channel(organization=organization))]
    inputs = [order_inputs(organization, profile, catalogue) for profile in profiles]

    def mean(values: Iterable[float]) -> float:
        return float(np.mean([float(v) for v in values]))

    def goods_rate(order) -> float:
        price = float(order.unit_price)
        excl = price / (1.0 + float(order.vat_rate)) if order.prices_include_vat else price
        return float(order.unit_cost) / excl if excl > 0 else 0.0

    return engine.CostProfile(
        vat_rate=mean(o.vat_rate for o in inputs),
        goods_cost_rate=mean(goods_rate(o) for o in inputs),
        cost_per_order=mean(
            float(o.packaging_cost) + float(o.shipping_cost) + float(o.payment_fee_fixed) for o in inputs
        ),
        payment_fee_rate=mean(float(o.payment_fee_rate) + float(o.commission_rate) for o in inputs),
        cost_per_return=mean(o.return_cost for o in inputs),
        cost_per_support_contact=mean(o.support_cost_per_contact for o in inputs),
    )


def organisation_kpis(
    organization: Organization,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    periods: Sequence[engine.PeriodKind] = ("day", "week", "month"),
) -> pd.DataFrame:
    """KPIs in the engine's long form, per organisation, campaign and channel."""
    actuals = daily_actuals_frame(organization.id, start=start, end=end)
    costs = cost_profile(organization)
    totals = actuals["campaign"].isna() & actuals["channel"].isna()
    parts = [
        engine.compute_kpis(actuals.loc[totals], costs, periods=periods, scopes=("organisation",)),
        engine.compute_kpis(actuals.loc[~totals], costs, periods=periods, scopes=("campaign", "channel")),
    ]
    parts = [part for part in parts if not part.empty]
    if not parts:
        return engine.compute_kpis(actuals, costs, periods=())
    return pd.concat(parts, ignore_index=True)


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
    return _local(series, tz) if len(series) else pd.Series(dtype="datetime64[us]")


ORDER_FRAME_FIELDS = (
    "id", "order_id", "ordered_at", "campaign_id", "discount_code", "customer_key",
    "is_new_customer", "units", "paid_incl_vat", "discounts", "refunds", "shipping_incl_vat",
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
        frame[column] = _local(frame[column], tz)
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
        days.update(_local(pd.Series(list(stamps), dtype=object), tz).dt.date)
    return days


def _local(stamps: pd.Series, tz: str) -> pd.Series:
    """Aware datetimes → naive wall-clock times of ``tz`` (what the engines work in)."""
    converted = pd.to_datetime(stamps, utc=True)
    return converted.dt.tz_convert(tz).dt.tz_localize(None).astype("datetime64[us]")


def _chunks(values: Sequence, size: int = 2000):
    for i in range(0, len(values), size):
        yield values[i : i + size]
