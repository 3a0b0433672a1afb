"""KPIs per day, ISO week, month and quarter from daily actuals: each period's sums first, the
ratios last (see :mod:`kpis.engine`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kpis.engine.definitions import (
    ACTUAL_COLUMNS,
    KPI_KEYS,
    MARGIN_KPIS,
    MIN_COST_COVERAGE,
    PERIODS,
    CostProfile,
    PeriodKind,
    ScopeKind,
)

_LEVELS = ("stock_units",)
_SUMMED = tuple(c for c in ACTUAL_COLUMNS if c not in ("date", "campaign", "channel", "stock_units", "cost_coverage"))


def compute_kpis(
    actuals: pd.DataFrame,
    costs: CostProfile,
    *,
    periods: Sequence[PeriodKind] = PERIODS,
    scopes: Sequence[ScopeKind] = ("organisation", "campaign", "channel"),
) -> pd.DataFrame:
    """KPIs in long form: ``scope, scope_id, period, period_start, kpi, value``.

    ``scope_id`` is ``""`` for the organisation (not null, so that a unique key over
    organisation, scope, scope_id, period, period_start and kpi also holds in PostgreSQL),
    else the campaign or channel. ``period_start`` is the day, the ISO week's Monday or the
    month's or the quarter's first day. One row per KPI of :data:`KPI_DEFINITIONS`; ``value`` NaN when the
    KPI is not defined for that period (no orders, no spend…).
    """
    if "date" not in actuals.columns:
        raise ValueError("daily actuals need a 'date' column")
    if actuals.empty or not periods:
        return _empty_kpis()
    rows = _amounts(actuals, costs)
    scoped = []
    for scope in scopes:
        if scope == "organisation":
            scoped.append(rows.assign(scope="organisation", scope_id=""))
        elif scope in ("campaign", "channel"):
            keyed = rows.loc[rows[scope].notna()]
            scoped.append(keyed.assign(scope=scope, scope_id=keyed[scope].astype("str")))
        else:
            raise ValueError(f"unknown scope {scope!r}")
    rows = pd.concat(scoped, ignore_index=True)
    sums = []
    for period in periods:
        start = _period_start(rows["date"], period)
        grouped = rows.assign(period=period, period_start=start).sort_values("date").groupby(
            ["scope", "scope_id", "period", "period_start"], sort=True
        )
        summed = grouped[list(_AMOUNTS)].sum(min_count=1)
        summed[list(_LEVELS)] = grouped[list(_LEVELS)].last()  # the period's last known level
        sums.append(summed)
    if not sums:
        return _empty_kpis()
    totals = pd.concat(sums)
    kpis = _kpis_from_sums(totals)
    long = kpis.melt(ignore_index=False, var_name="kpi", value_name="value").reset_index()
    long["period_start"] = long["period_start"].dt.date
    return long[["scope", "scope_id", "period", "period_start", "kpi", "value"]]


_AMOUNTS = (
    "orders", "revenue_excl_vat", "margin", "ad_spend", "new_customers", "returning_customers",
    "returned_orders", "support_cost", "order_to_ship_hours", "orders_shipped", "hours_worked",
    "units", "capacity_orders", "days_with_units", "costed_revenue",
)  # fmt: skip


def _amounts(actuals: pd.DataFrame, costs: CostProfile) -> pd.DataFrame:
    """Per-row additive amounts: margins are linear in the actuals, so rows can be summed."""
    data = {"date": pd.to_datetime(actuals["date"]).dt.normalize()}
    for column in ("campaign", "channel"):
        data[column] = (
            actuals[column] if column in actuals.columns else pd.Series(np.nan, index=actuals.index)
        )
    for column in _SUMMED:
        data[column] = (
            pd.to_numeric(actuals[column], errors="raise").astype(float)
            if column in actuals.columns
            else pd.Series(np.nan, index=actuals.index)
        )
    a = pd.DataFrame(data)
    # In the margin a cost nobody recorded is no cost, and a day with spend but no sales
    # still loses its spend; the revenue KPI itself stays unknown when nothing was recorded.
    zero = a.fillna({c: 0.0 for c in _SUMMED})
    revenue_or_zero = (zero["paid_incl_vat"] - zero["refunds"]) / (1 + costs.vat_rate)
    revenue = revenue_or_zero.where(a["paid_incl_vat"].notna() | a["refunds"].notna())
    goods = a["goods_cost"].where(a["goods_cost"].notna(), costs.goods_cost_rate * revenue_or_zero)
    coverage = (
        pd.to_numeric(actuals["cost_coverage"], errors="raise").astype(float).to_numpy()
        if "cost_coverage" in actuals.columns
        else np.full(len(a), np.nan)
    )
    fallback = np.where(a["goods_cost"].notna(), 1.0, 1.0 if costs.goods_cost_known else 0.0)
    coverage = pd.Series(np.where(np.isnan(coverage), fallback, np.clip(coverage, 0.0, 1.0)), index=a.index)
    support_cost = zero["support_contacts"] * costs.cost_per_support_contact
    margin = (
        revenue_or_zero
        - goods
        - costs.cost_per_order * zero["orders"]
        - costs.payment_fee_rate * zero["paid_incl_vat"]
        - costs.cost_per_return * zero["returned_orders"]
        - support_cost
        - zero["ad_spend"]
    )
    return pd.DataFrame(
        {
            "date": a["date"],
            "campaign": a["campaign"],
            "channel": a["channel"],
            "orders": a["orders"],
            "revenue_excl_vat": revenue,
            "margin": margin,
            "ad_spend": a["ad_spend"],
            "new_customers": a["new_customers"],
            "returning_customers": a["returning_customers"],
            "returned_orders": a["returned_orders"],
            "support_cost": support_cost.where(a["support_contacts"].notna()),
            "order_to_ship_hours": a["order_to_ship_hours"],
            "orders_shipped": a["orders_shipped"],
            "hours_worked": a["hours_worked"],
            "units": a["units"],
            "capacity_orders": a["capacity_orders"],
            "days_with_units": a["units"].notna().astype(float),
            "costed_revenue": (coverage * revenue).where(revenue.notna()),
            "stock_units": (
                pd.to_numeric(actuals["stock_units"], errors="raise").astype(float)
                if "stock_units" in actuals.columns
                else pd.Series(np.nan, index=actuals.index)
            ),
        }
    )


def _period_start(dates: pd.Series, period: PeriodKind) -> pd.Series:
    if period == "day":
        return dates
    if period == "week":
        return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")  # the ISO week's Monday
    if period == "month":
        return dates - pd.to_timedelta(dates.dt.day - 1, unit="D")
    if period == "quarter":
        return pd.to_datetime({"year": dates.dt.year, "month": (dates.dt.month - 1) // 3 * 3 + 1, "day": 1})
    raise ValueError(f"unknown period {period!r}")


def period_start_of(day: dt.date, period: PeriodKind) -> dt.date:
    """The first day of the day, ISO week, month or quarter ``day`` falls in (plain date
    arithmetic, as :func:`_period_start` does for a column: a page asks for one day)."""
    if period == "day":
        return day
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    raise ValueError(f"unknown period {period!r}")


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return numerator / denominator.where(denominator > 0)


def _kpis_from_sums(s: pd.DataFrame) -> pd.DataFrame:
    """Each KPI from the sums it rests on; NaN when they do not hold it. A spend or support
    cost of 0 is read as none entered (quick entry stores no blank): CAC, ROAS and support
    cost per order are then unknown, not 0. Margins are unknown below
    :data:`MIN_COST_COVERAGE` of revenue with a known goods cost (a period without revenue
    has no goods to cost: its margin is the costs it bore)."""
    identified = s["new_customers"] + s["returning_customers"]
    coverage = _ratio(s["costed_revenue"], s["revenue_excl_vat"])
    costed = ~(coverage < MIN_COST_COVERAGE - 1e-12)
    spend = s["ad_spend"].where(s["ad_spend"] > 0)
    kpis = pd.DataFrame(
        {
            "orders": s["orders"],
            "revenue_excl_vat": s["revenue_excl_vat"],
            "cost_coverage": coverage,
            "margin": s["margin"],
            "margin_per_order": _ratio(s["margin"], s["orders"]),
            "margin_rate": _ratio(s["margin"], s["revenue_excl_vat"]),
            "cac": _ratio(spend, s["new_customers"]),
            "repeat_purchase_rate": _ratio(s["returning_customers"], identified),
            "roas": _ratio(s["revenue_excl_vat"], spend),
            "return_rate": _ratio(s["returned_orders"], s["orders"]),
            "support_cost_per_order": _ratio(s["support_cost"].where(s["support_cost"] > 0), s["orders"]),
            "order_to_ship_hours": _ratio(s["order_to_ship_hours"], s["orders_shipped"]),
            "orders_per_hour_worked": _ratio(s["orders"], s["hours_worked"]),
            "capacity_utilisation": _ratio(s["orders"], s["capacity_orders"]),
            "stock_cover_days": _ratio(s["stock_units"], _ratio(s["units"], s["days_with_units"])),
        },
        index=s.index,
    )
    kpis[list(MARGIN_KPIS)] = kpis[list(MARGIN_KPIS)].where(costed, np.nan, axis=0)
    return kpis[list(KPI_KEYS)]


def _empty_kpis() -> pd.DataFrame:
    return pd.DataFrame(columns=["scope", "scope_id", "period", "period_start", "kpi", "value"])
