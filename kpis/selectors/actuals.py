"""Daily actuals read for the KPI engine, with the organisation's costs, and the KPIs computed
from them. See :mod:`kpis.selectors` for which rows are totals and which are breakdowns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from django.db.models import Max, Min, OuterRef, Subquery

from campaigns.models import CostProfile as ChannelCostProfile
from campaigns.selectors import catalogue_frame, order_inputs
from kpis import engine
from kpis.selectors.products import goods_cost_by_day
from plannerist.models import Organization
from sales.models import Channel, DailyActual

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


def actuals_span(organization_id: int) -> tuple[dt.date, dt.date] | None:
    """The first and the last day holding the organisation's actuals (one query), or None."""
    span = DailyActual.objects.filter(organization_id=organization_id).aggregate(first=Min("date"), last=Max("date"))
    return None if span["first"] is None else (span["first"], span["last"])


def actuals_spans(organization_ids: Sequence[int]) -> dict[int, tuple[dt.date, dt.date]]:
    """:func:`actuals_span` of many organisations (one query); those without actuals left out.

    Each end is a subquery reading the first or last entry of the (organisation, date) index:
    two index seeks per organisation, where a grouped MIN/MAX reads every row (two years of
    100 clients: 73,000)."""
    days = DailyActual.objects.filter(organization_id=OuterRef("pk")).values("date")
    rows = (
        Organization.objects.filter(pk__in=organization_ids)
        .annotate(first=Subquery(days.order_by("date")[:1]), last=Subquery(days.order_by("-date")[:1]))
        .values_list("pk", "first", "last")
    )
    return {org_id: (first, last) for org_id, first, last in rows if first is not None}


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
        # Days without order lines are costed at the catalogue's rate: known once it has a product.
        goods_cost_known=bool(len(catalogue)) and float(catalogue["weight"].sum()) > 0,
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
    periods: Sequence[engine.PeriodKind] = engine.PERIODS,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """KPIs in the engine's long form, per organisation, campaign and channel.

    The organisation's totals get the capacity engine's deliverable orders per day (volume
    against capacity) and, on ``today``, the units in stock (stock cover): stock history is
    not kept, so earlier periods have no stock cover.
    """
    today = today or organization.today()
    actuals = daily_actuals_frame(organization.id, start=start, end=end)
    if actuals.empty:
        return engine.compute_kpis(actuals, engine.CostProfile(), periods=())
    costs = cost_profile(organization)
    is_total = actuals["campaign"].isna() & actuals["channel"].isna()
    totals = _with_goods_cost(organization, _with_capacity_and_stock(organization, actuals.loc[is_total], today))
    parts = [
        engine.compute_kpis(totals, costs, periods=periods, scopes=("organisation",)),
        engine.compute_kpis(actuals.loc[~is_total], costs, periods=periods, scopes=("campaign", "channel")),
    ]
    parts = [part for part in parts if not part.empty]
    if not parts:
        return engine.compute_kpis(actuals, costs, periods=())
    return pd.concat(parts, ignore_index=True)


def _with_goods_cost(organization: Organization, totals: pd.DataFrame) -> pd.DataFrame:
    """The totals of the days with imported order lines get their goods cost and its
    coverage from the lines and the catalogue; other days keep the catalogue's rate."""
    if totals.empty:
        return totals
    by_day = goods_cost_by_day(organization.id).set_index("date")
    if by_day.empty:
        return totals
    return totals.assign(
        cost_coverage=totals["date"].map(by_day["cost_coverage"]).astype("float64"),
        goods_cost=totals["date"].map(by_day["goods_cost"]).astype("float64"),
    )


def _with_capacity_and_stock(organization: Organization, totals: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    from capacity.models import StockItem
    from capacity.selectors import deliverable_orders

    if totals.empty:
        return totals
    first, last = totals["date"].min().date(), totals["date"].max().date()
    capacity = deliverable_orders(organization, first, last, today=today)
    totals = totals.assign(capacity_orders=totals["date"].map(capacity) if len(capacity) else np.nan)
    on_hand = list(StockItem.objects.filter(organization=organization).values_list("on_hand", flat=True))
    if not on_hand or today < first:
        return totals
    day = pd.Timestamp(min(today, last))  # today's stock, on the latest day with actuals
    return totals.assign(stock_units=np.where(totals["date"] == day, float(sum(on_hand)), np.nan))
