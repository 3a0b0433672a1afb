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
from kpis import engine, rules
from kpis.models import (
    DailyActual,
    DiscountCode,
    ImportedOrder,
    KpiSnapshot,
    KpiTarget,
    RecomputeState,
    Signal,
    SignalThresholds,
)
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
    periods: Sequence[engine.PeriodKind] = engine.PERIODS,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """KPIs in the engine's long form, per organisation, campaign and channel.

    The organisation's totals get the capacity engine's deliverable orders per day (volume
    against capacity) and, on ``today``, the units in stock (stock cover): stock history is
    not kept, so earlier periods have no stock cover.
    """
    today = today or timezone.localdate()
    actuals = daily_actuals_frame(organization.id, start=start, end=end)
    if actuals.empty:
        return engine.compute_kpis(actuals, engine.CostProfile(), periods=())
    costs = cost_profile(organization)
    is_total = actuals["campaign"].isna() & actuals["channel"].isna()
    totals = _with_capacity_and_stock(organization, actuals.loc[is_total], today)
    parts = [
        engine.compute_kpis(totals, costs, periods=periods, scopes=("organisation",)),
        engine.compute_kpis(actuals.loc[~is_total], costs, periods=periods, scopes=("campaign", "channel")),
    ]
    parts = [part for part in parts if not part.empty]
    if not parts:
        return engine.compute_kpis(actuals, costs, periods=())
    return pd.concat(parts, ignore_index=True)


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


# ---------------------------------------------------------------- targets, thresholds, signals


def targets_of(organization_id: int) -> dict[str, float]:
    return dict(KpiTarget.objects.filter(organization_id=organization_id).values_list("kpi", "value"))


def thresholds_of(organization: Organization) -> SignalThresholds:
    """The organisation's thresholds; unsaved defaults when none were set."""
    found = SignalThresholds.objects.filter(organization=organization).first()
    return found or SignalThresholds(organization=organization)


def rule_thresholds(thresholds: SignalThresholds) -> rules.Thresholds:
    return rules.Thresholds(
        margin_drop=float(thresholds.margin_drop),
        utilisation_limit=float(thresholds.utilisation_limit),
        headroom_utilisation=float(thresholds.headroom_utilisation),
        return_spike=float(thresholds.return_spike),
        return_rate_floor=float(thresholds.return_rate_floor),
        lookback_weeks=int(thresholds.lookback_weeks),
    )


def capacity_outlook(organization: Organization, *, today: dt.date):
    """The capacity engine's view of the organisation's signal horizon (planned campaigns);
    None when it has described neither a resource nor a stock item (nothing to forecast)."""
    from capacity.models import Resource, StockItem
    from capacity.selectors import outlook

    if not (Resource.objects.filter(organization=organization).exists()
            or StockItem.objects.filter(organization=organization).exists()):
        return None
    return outlook(organization, today=today, weeks=int(thresholds_of(organization).horizon_weeks))


FORECAST_KPIS = ("forecast_utilisation", "forecast_due_hours", "forecast_capacity_hours", "forecast_extra_cost")


def forecast_rows(look) -> pd.DataFrame:
    """The outlook per ISO week, in the snapshots' long form under the scope ``forecast``:
    ``forecast_orders`` for the whole shop (``scope_id`` ""), and per resource (``scope_id``
    its name) the hours due, the hours planned, their ratio and the extra-hours cost."""
    if look is None:
        return pd.DataFrame(columns=["scope", "scope_id", "period", "period_start", "kpi", "value"])
    plan = look.plan
    weeks = pd.Series(pd.to_datetime(plan.dates)).dt.to_period("W-SUN").dt.start_time.dt.date.to_numpy()
    frames = [pd.DataFrame({"scope_id": "", "period_start": weeks, "kpi": "forecast_orders", "value": plan.orders})]
    for r, name in enumerate(plan.resources):
        frames.append(pd.DataFrame({
            "scope_id": name[:64], "period_start": weeks, "due": plan.due_minutes[:, r] / 60.0,
            "capacity": plan.capacity_minutes[:, r] / 60.0, "extra": plan.extra_cost[:, r],
        }).groupby(["scope_id", "period_start"], as_index=False).sum().assign(
            forecast_utilisation=lambda f: f["due"] / f["capacity"].where(f["capacity"] > 0)
        ).rename(columns={"due": "forecast_due_hours", "capacity": "forecast_capacity_hours",
                          "extra": "forecast_extra_cost"}).melt(
            id_vars=["scope_id", "period_start"], value_vars=list(FORECAST_KPIS), var_name="kpi", value_name="value"))
    rows = pd.concat(frames, ignore_index=True).groupby(["scope_id", "period_start", "kpi"], as_index=False)["value"].sum(
        min_count=1)
    return rows.assign(scope="forecast", period="week")[["scope", "scope_id", "period", "period_start", "kpi", "value"]]


def signal_findings(organization: Organization, kpis: pd.DataFrame, *, today: dt.date, look) -> list[rules.Finding]:
    """The rules over ``kpis`` (the engine's long form, as just computed) and the capacity
    engine's outlook (None when the organisation describes no resource or stock item)."""
    from campaigns.selectors import in_scope_mask
    from capacity.selectors import campaigns_in, scope_product_ids

    thresholds = thresholds_of(organization)
    resources = []
    plan = look.plan if look is not None else None
    summary = plan.summary() if plan is not None else None
    for r, name in enumerate(plan.resources if plan is not None else ()):
        over = np.flatnonzero(plan.working[:, r] & (plan.utilization[:, r] > 1.0))
        resources.append(rules.ResourceOutlook(
            name=name,
            peak_utilisation=float(summary["peak_utilization"].iloc[r]),
            first_overloaded=plan.dates[over[0]].astype(dt.date) if over.size else None,
            overloaded_days=int(over.size),
        ))
    lookback = dt.timedelta(weeks=int(thresholds.lookback_weeks))
    horizon_end = look.period.end if look is not None else today + dt.timedelta(weeks=int(thresholds.horizon_weeks))
    campaigns = campaigns_in(organization, today - lookback, horizon_end, include_drafts=False)
    catalogue = pd.DataFrame.from_records(
        list(organization.products.values_list("id", "sku", "category")), columns=["id", "sku", "category"]
    )
    windows = [
        rules.CampaignWindow(
            id=c.pk, name=c.name, start=c.start, end=c.end,
            skus=None if c.scope == "catalogue" else frozenset(
                catalogue.loc[in_scope_mask(c, catalogue, scope_product_ids(c)), "sku"]
            ),
        )
        for c in campaigns
    ]
    stockouts = [rules.StockOut(row.sku, row.stockout_date) for row in (look.stock if look else ()) if row.stockout_date]
    weekly = kpis.loc[kpis["period"] == "week"]
    return rules.evaluate(
        weekly, today=today, targets=targets_of(organization.id), thresholds=rule_thresholds(thresholds),
        resources=resources, campaigns=windows, stockouts=stockouts,
    )


def open_signals(organization_id: int, *, limit: int | None = None) -> list[Signal]:
    """The organisation's open signals, the most pressing first: stop, then adjust, then
    amplify (at most ``limit`` of them)."""
    from django.db.models import Case, IntegerField, Value, When

    severity = Case(
        *(When(action=action, then=Value(rank)) for rank, action in enumerate(("stop", "adjust", "amplify"))),
        default=Value(3), output_field=IntegerField(),
    )
    signals = (Signal.objects.filter(organization_id=organization_id).select_related("campaign")
               .order_by(severity, "rule", "subject", "id"))
    return list(signals if limit is None else signals[:limit])


def signal_count(organization_id: int) -> int:
    return Signal.objects.filter(organization_id=organization_id).count()


# ---------------------------------------------------------------- pages


def kpi_table(organization_id: int, *, period: str, count: int, scope: str = "organisation",
              scope_id: str = "") -> pd.DataFrame:
    """The last ``count`` periods of one scope's snapshots: rows are period starts (oldest
    first), columns the KPI keys (one query)."""
    starts = (
        KpiSnapshot.objects.filter(organization_id=organization_id, scope=scope, scope_id=scope_id, period=period)
        .values_list("period_start", flat=True).distinct().order_by("-period_start")[:count]
    )
    rows = KpiSnapshot.objects.filter(
        organization_id=organization_id, scope=scope, scope_id=scope_id, period=period, period_start__in=starts
    ).values_list("period_start", "kpi", "value")
    return wide(rows, columns=engine.KPI_KEYS)


def wide(records, *, columns) -> pd.DataFrame:
    """``(row, column, value)`` triples → a frame indexed by sorted rows, with ``columns``.
    Plain dicts: a pivot_table costs tens of milliseconds on a page."""
    nested: dict = {}
    for row, column, value in records:
        nested.setdefault(row, {})[column] = np.nan if value is None else value
    frame = pd.DataFrame.from_dict(nested, orient="index", dtype="float64").reindex(columns=list(columns))
    return frame.sort_index()


def recompute_state(organization_id: int) -> RecomputeState | None:
    return RecomputeState.objects.filter(organization_id=organization_id).first()


def campaign_days(campaign, *, today: dt.date) -> pd.DataFrame:
    """The organisation's daily KPIs over the campaign's days so far, from the snapshots:
    orders, revenue, margin and the deliverable orders behind the utilisation."""
    end = min(campaign.end, today)
    rows = KpiSnapshot.objects.filter(
        organization_id=campaign.organization_id, scope="organisation", scope_id="", period="day",
        period_start__range=(campaign.start, end),
        kpi__in=["orders", "revenue_excl_vat", "margin", "capacity_utilisation"],
    ).values_list("period_start", "kpi", "value")
    columns = ["orders", "revenue_excl_vat", "margin", "capacity_utilisation"]
    table = wide(rows, columns=columns)
    if table.empty or campaign.start > end:
        return pd.DataFrame(columns=["date", *columns, "capacity_orders"])
    table = table.rename_axis("date").reset_index()
    table["capacity_orders"] = table["orders"] / table["capacity_utilisation"].where(table["capacity_utilisation"] > 0)
    return table


def cohort_retention(organization: Organization, *, since: dt.date | None = None) -> pd.DataFrame:
    """Cohort retention by first-order month from the imported orders (identified customers
    only; guests have no cohort). One query."""
    rows = ImportedOrder.objects.filter(organization=organization, customer_key__isnull=False)
    records = list(rows.values_list("customer_key", "ordered_at", "cancelled", "is_adjustment"))
    frame = pd.DataFrame.from_records(records, columns=["customer_key", "ordered_at", "cancelled", "is_adjustment_order"])
    frame["ordered_at"] = _local(frame["ordered_at"], organization.timezone)
    table = engine.cohort_retention(frame)
    if since is not None and not table.empty:
        table = table.loc[table["cohort_month"] >= since.replace(day=1)]
    return table.reset_index(drop=True)


def snapshot_values(organization_id: int) -> dict[tuple, tuple[int, float | None]]:
    """(scope, scope_id, period, period_start, kpi) → (row id, value) of every stored snapshot."""
    rows = KpiSnapshot.objects.filter(organization_id=organization_id).values_list(
        "scope", "scope_id", "period", "period_start", "kpi", "id", "value"
    )
    return {(scope, scope_id, period, start, kpi): (pk, value) for scope, scope_id, period, start, kpi, pk, value in rows}


def forecast_table(organization_id: int, *, since: dt.date) -> pd.DataFrame:
    """The capacity forecast snapshots from the week of ``since`` on (one query)."""
    monday = since - dt.timedelta(days=since.weekday())
    rows = KpiSnapshot.objects.filter(
        organization_id=organization_id, scope="forecast", period="week", period_start__gte=monday
    ).values_list("scope_id", "period_start", "kpi", "value")
    return pd.DataFrame.from_records(list(rows), columns=["scope_id", "period_start", "kpi", "value"])


def pair_snapshots(organization_ids: list[int], *, period: str, starts: list[dt.date]) -> list[tuple]:
    """``(organization_id, period_start, kpi, value)`` of the pairs' KPIs of many
    organisations for the given period starts (one query)."""
    keys = [k for pair in engine.KPI_PAIRS for k in pair]
    return list(KpiSnapshot.objects.filter(
        organization_id__in=organization_ids, scope="organisation", scope_id="", period=period,
        period_start__in=starts, kpi__in=keys,
    ).values_list("organization_id", "period_start", "kpi", "value"))


def targets_of_many(organization_ids: list[int]) -> dict[int, dict[str, float]]:
    found: dict[int, dict[str, float]] = {i: {} for i in organization_ids}
    for org_id, kpi, value in KpiTarget.objects.filter(organization_id__in=organization_ids).values_list(
        "organization_id", "kpi", "value"
    ):
        found[org_id][kpi] = value
    return found
