"""The shared KPI engine: daily actuals in, KPIs per day, ISO week, month and quarter out.

Pure pandas (no Django, no clock). Every KPI of a period is computed from the period's
*sums* — revenue, margin, orders, spend… are added up first and divided last — so a week's
margin rate is the week's margin over the week's revenue, never an average of daily rates.
A ratio whose denominator is zero or unknown is NaN ("not defined"), never 0 or infinity.

Daily actuals (:data:`ACTUAL_COLUMNS`) come from imports (:func:`daily_actuals_from_orders`)
and from quick entry; columns other than ``date`` may be missing or null, and KPIs that
need them are then NaN. Amounts are in the organisation's currency.

Costs: :class:`CostProfile` holds the organisation's per-order cost components. The
campaigns' economics engine can take over the goods cost by filling the optional
``goods_cost`` column (cost of goods sold excl. VAT, e.g. Σ units × catalogue unit cost):
where it is set it replaces ``goods_cost_rate × revenue``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from kpis.importers.assemble import orders_from_lines

ACTUAL_COLUMNS: Mapping[str, str] = {
    "date": "the day",
    "campaign": "campaign the row is attributed to (its id or slug); null for no campaign",
    "channel": "sales channel; null when unknown",
    "orders": "orders placed that day, cancelled orders and stock adjustments excluded",
    "units": "units in those orders (net of returned lines)",
    "paid_incl_vat": "what customers paid for those orders incl. VAT: after discounts, shipping included",
    "discounts": "discounts granted on those orders, incl. VAT",
    "refunds": "amount refunded on those orders incl. VAT (booked on the order's day)",
    "returned_orders": "orders among them with a refund or return",
    "new_customers": "customers whose first order ever is in this row (each customer counts once, ever)",
    "returning_customers": "distinct customers in this row who had ordered on an earlier day",
    "ad_spend": "marketing spend excl. VAT",
    "support_contacts": "customer-service contacts handled",
    "hours_worked": "hours worked by the team",
    "orders_shipped": "orders whose order-to-ship time is counted in order_to_ship_hours",
    "order_to_ship_hours": "hours from order to shipment, summed over orders_shipped",
    "goods_cost": "optional: cost of goods sold excl. VAT, when the catalogue knows it",
    "capacity_orders": "optional: orders the team could deliver that day (the capacity engine's bottleneck)",
    "stock_units": "optional: units in stock at the end of the day (a level, not summed)",
}
_LEVELS = ("stock_units",)
_SUMMED = tuple(c for c in ACTUAL_COLUMNS if c not in ("date", "campaign", "channel", "stock_units"))

PeriodKind = Literal["day", "week", "month", "quarter"]
PERIODS: tuple[PeriodKind, ...] = ("day", "week", "month", "quarter")
ScopeKind = Literal["organisation", "campaign", "channel"]


@dataclasses.dataclass(frozen=True)
class CostProfile:
    """An organisation's costs, all excl. VAT except where a rate applies to an incl.-VAT amount.

    ``goods_cost_rate``: cost of goods as a share of revenue excl. VAT (used where the actuals
    have no ``goods_cost``). ``cost_per_order``: picking, packing, shipping label, fixed
    payment fee. ``payment_fee_rate``: share of the amount paid incl. VAT. ``cost_per_return``:
    handling and return shipping of one returned order. ``cost_per_support_contact``.
    """

    vat_rate: float = 0.20
    goods_cost_rate: float = 0.0
    cost_per_order: float = 0.0
    payment_fee_rate: float = 0.0
    cost_per_return: float = 0.0
    cost_per_support_contact: float = 0.0

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"{field.name} must be a finite number ≥ 0, got {value!r}")


@dataclasses.dataclass(frozen=True)
class KpiDefinition:
    key: str
    label_en: str
    label_fr: str
    formula: str
    unit: Literal["currency", "share", "count", "hours", "per_hour", "multiple", "days"]
    direction: Literal["higher", "lower"]
    owner: Literal["marketing", "operations", "shared"]


KPI_DEFINITIONS: tuple[KpiDefinition, ...] = (
    KpiDefinition("orders", "Orders", "Commandes",
                  "Orders placed, cancelled orders and stock adjustments excluded.",
                  "count", "higher", "shared"),
    KpiDefinition("revenue_excl_vat", "Revenue (excl. VAT)", "Chiffre d'affaires HT",
                  "(Amount paid incl. VAT − refunds) ÷ (1 + VAT rate).",
                  "currency", "higher", "marketing"),
    KpiDefinition("margin", "Margin per operation", "Marge par opération",
                  "Revenue excl. VAT − cost of goods − per-order costs × orders − payment fees "
                  "− return costs × returned orders − support costs − marketing spend.",
                  "currency", "higher", "shared"),
    KpiDefinition("margin_per_order", "Margin per order", "Marge par commande",
                  "Margin ÷ orders.", "currency", "higher", "shared"),
    KpiDefinition("margin_rate", "Margin rate", "Taux de marge",
                  "Margin ÷ revenue excl. VAT.", "share", "higher", "operations"),
    KpiDefinition("cac", "Customer acquisition cost", "Coût d'acquisition client",
                  "Marketing spend excl. VAT ÷ new customers.", "currency", "lower", "marketing"),
    KpiDefinition("repeat_purchase_rate", "Repeat-purchase rate", "Taux de réachat",
                  "Returning customers ÷ (new + returning customers), identified customers only.",
                  "share", "higher", "marketing"),
    KpiDefinition("roas", "Return on ad spend", "ROAS",
                  "Revenue excl. VAT ÷ marketing spend excl. VAT.", "multiple", "higher", "marketing"),
    KpiDefinition("return_rate", "Return rate", "Taux de retour",
                  "Returned or refunded orders ÷ orders.", "share", "lower", "operations"),
    KpiDefinition("support_cost_per_order", "Support cost per order", "Coût du support par commande",
                  "Support contacts × cost per contact ÷ orders.", "currency", "lower", "operations"),
    KpiDefinition("order_to_ship_hours", "Processing speed (order to shipment)",
                  "Vitesse de traitement (commande → expédition)",
                  "Hours from order to shipment summed over shipped orders ÷ shipped orders.",
                  "hours", "lower", "operations"),
    KpiDefinition("orders_per_hour_worked", "Orders per hour worked", "Commandes par heure travaillée",
                  "Orders ÷ hours worked.", "per_hour", "higher", "operations"),
    KpiDefinition("capacity_utilisation", "Volume against deliverable capacity",
                  "Volume face à la capacité livrable",
                  "Orders ÷ orders the team could deliver with its planned hours (the capacity "
                  "engine's bottleneck resource, day by day).", "share", "lower", "shared"),
    KpiDefinition("stock_cover_days", "Stock cover", "Couverture de stock",
                  "Units in stock at the end of the period ÷ units sold per day in the period.",
                  "days", "higher", "operations"),
)  # fmt: skip

KPI_KEYS: tuple[str, ...] = tuple(d.key for d in KPI_DEFINITIONS)

# KPIs that add up over time: their targets are weekly and scale with the period's length.
ADDITIVE_KPIS: frozenset[str] = frozenset({"orders", "revenue_excl_vat", "margin"})

# The article's three pairs: where the marketing side and the operations side meet.
KPI_PAIRS: tuple[tuple[str, str], ...] = (
    ("revenue_excl_vat", "margin"),
    ("repeat_purchase_rate", "cac"),
    ("orders", "capacity_utilisation"),
)


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
    "units", "capacity_orders", "days_with_units",
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
    """The first day of the day, ISO week, month or quarter ``day`` falls in."""
    return _period_start(pd.Series([pd.Timestamp(day)]), period).iloc[0].date()


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return numerator / denominator.where(denominator > 0)


def _kpis_from_sums(s: pd.DataFrame) -> pd.DataFrame:
    identified = s["new_customers"] + s["returning_customers"]
    kpis = pd.DataFrame(
        {
            "orders": s["orders"],
            "revenue_excl_vat": s["revenue_excl_vat"],
            "margin": s["margin"],
            "margin_per_order": _ratio(s["margin"], s["orders"]),
            "margin_rate": _ratio(s["margin"], s["revenue_excl_vat"]),
            "cac": _ratio(s["ad_spend"], s["new_customers"]),
            "repeat_purchase_rate": _ratio(s["returning_customers"], identified),
            "roas": _ratio(s["revenue_excl_vat"], s["ad_spend"]),
            "return_rate": _ratio(s["returned_orders"], s["orders"]),
            "support_cost_per_order": _ratio(s["support_cost"], s["orders"]),
            "order_to_ship_hours": _ratio(s["order_to_ship_hours"], s["orders_shipped"]),
            "orders_per_hour_worked": _ratio(s["orders"], s["hours_worked"]),
            "capacity_utilisation": _ratio(s["orders"], s["capacity_orders"]),
            "stock_cover_days": _ratio(s["stock_units"], _ratio(s["units"], s["days_with_units"])),
        },
        index=s.index,
    )
    return kpis[list(KPI_KEYS)]


def _empty_kpis() -> pd.DataFrame:
    return pd.DataFrame(columns=["scope", "scope_id", "period", "period_start", "kpi", "value"])


def daily_actuals_from_orders(
    lines: pd.DataFrame,
    *,
    campaign_by_discount_code: Mapping[str, str] | None = None,
    first_order_dates: Mapping[str, object] | pd.Series | None = None,
) -> pd.DataFrame:
    """Daily actuals (one row per day, campaign and channel) from normalised order lines.

    ``campaign_by_discount_code`` attributes an order to a campaign by its promo code
    (case-insensitive). ``first_order_dates`` (customer_key → date) is what the organisation
    already knows of its customers' first orders, so that an April import counts March's
    customers as returning; it may include the imported orders themselves.

    Besides the :data:`ACTUAL_COLUMNS` that orders can give, rows carry ``guest_orders``
    (orders without a customer id), ``cancelled_orders`` and ``adjustment_orders`` (orders
    made only of negative lines), which are counted but not in ``orders``. Such an order with
    a negative total (a credit note, a return ticket) adds its amount to ``refunds`` and
    counts as a returned order; with a positive total (a voided order) it brings no money.
    Spend, support contacts and hours worked are not in order files: they come from quick
    entry.
    """
    orders = orders_from_lines(lines)
    if orders.empty:
        return pd.DataFrame(columns=[*_DAILY_COLUMNS])
    orders["date"] = orders["ordered_at"].dt.normalize()
    codes = {str(k).strip().casefold(): v for k, v in (campaign_by_discount_code or {}).items()}
    orders["campaign"] = orders["discount_code"].str.strip().str.casefold().map(codes)
    kind = np.select(
        [orders["cancelled"].to_numpy(), orders["is_adjustment_order"].to_numpy()],
        ["cancelled", "adjustment"],
        "sale",
    )
    sale = kind == "sale"
    sales = orders.loc[sale]

    first = sales.groupby("customer_key")["date"].min()
    if first_order_dates is not None:
        known = pd.to_datetime(pd.Series(first_order_dates, dtype=object)).dt.normalize()
        first = pd.concat([first, known]).groupby(level=0).min()
    first_date = pd.to_datetime(orders["customer_key"].map(first.to_dict()))  # a dict: an empty Series fails
    # A customer is new once: on their first order of the import, if no earlier order is known.
    rank = sales.sort_values(["ordered_at", "order_id"]).groupby("customer_key").cumcount()
    is_first_in_import = pd.Series(False, index=orders.index)
    is_first_in_import.loc[rank.index[rank.to_numpy() == 0]] = True
    orders["new"] = sale & is_first_in_import.to_numpy() & (first_date == orders["date"]).to_numpy()
    returning = sale & (first_date < orders["date"]).to_numpy()
    orders["returning_key"] = orders["customer_key"].where(returning)
    shipped = sale & orders["shipped_at"].notna().to_numpy()
    hours = (orders["shipped_at"] - orders["ordered_at"]).dt.total_seconds() / 3600

    money = orders[["units", "order_total", "discount_amount", "refunded_amount"]].fillna(0.0)
    # A cancelled or adjustment order with a negative total is money given back (a credit
    # note, a return ticket); one with a positive total was never paid. Neither is a sale.
    credit = ~sale & (money["order_total"] < 0).to_numpy()
    money.loc[~sale, ["units", "discount_amount", "refunded_amount"]] = 0.0
    money.loc[credit, "refunded_amount"] = -money.loc[credit, "order_total"]
    money.loc[~sale, "order_total"] = 0.0
    frame = pd.DataFrame(
        {
            "date": orders["date"],
            "campaign": orders["campaign"],
            "channel": orders["channel"],
            "orders": sale.astype(int),
            "units": money["units"],
            "paid_incl_vat": money["order_total"],
            "discounts": money["discount_amount"],
            "refunds": money["refunded_amount"],
            "returned_orders": (
                (sale & (orders["refunded_amount"].fillna(0) > 0).to_numpy()) | credit
            ).astype(int),
            "new_customers": orders["new"].astype(int),
            "returning_key": orders["returning_key"],
            "guest_orders": (sale & orders["customer_key"].isna().to_numpy()).astype(int),
            "cancelled_orders": (kind == "cancelled").astype(int),
            "adjustment_orders": (kind == "adjustment").astype(int),
            "orders_shipped": shipped.astype(int),
            "order_to_ship_hours": hours.where(shipped, 0.0).clip(lower=0.0),
        }
    )
    keys = ["date", "campaign", "channel"]
    grouped = frame.groupby(keys, dropna=False, sort=True)
    daily = grouped.sum(numeric_only=True)
    daily["returning_customers"] = grouped["returning_key"].nunique()
    daily = daily.reset_index()
    daily["date"] = daily["date"].dt.date
    return daily[list(_DAILY_COLUMNS)]


_DAILY_COLUMNS = (
    "date", "campaign", "channel", "orders", "units", "paid_incl_vat", "discounts", "refunds",
    "returned_orders", "new_customers", "returning_customers", "guest_orders",
    "cancelled_orders", "adjustment_orders", "orders_shipped", "order_to_ship_hours",
)  # fmt: skip


def cohort_retention(orders: pd.DataFrame) -> pd.DataFrame:
    """Cohort retention by first-order month.

    ``orders`` needs ``customer_key`` and ``ordered_at`` (order lines work too); cancelled
    orders (``cancelled``) and stock adjustments (``is_adjustment_order``) are left out when
    those columns exist, guests always. Returns ``cohort_month`` (first day), ``months_since_first``
    (0 = the cohort's month, up to the data's last month), ``cohort_customers``,
    ``active_customers`` (cohort customers who ordered in that month) and ``retention``.
    """
    keep = orders["customer_key"].notna()
    for flag in ("cancelled", "is_adjustment_order"):
        if flag in orders.columns:
            keep &= ~orders[flag].astype(bool)
    kept = orders.loc[keep, ["customer_key", "ordered_at"]]
    columns = [
        "cohort_month",
        "months_since_first",
        "cohort_customers",
        "active_customers",
        "retention",
    ]
    if kept.empty:
        return pd.DataFrame(columns=columns)
    stamp = pd.to_datetime(kept["ordered_at"])
    month = (stamp.dt.year * 12 + stamp.dt.month - 1).to_numpy()
    active = pd.DataFrame(
        {"customer": kept["customer_key"].to_numpy(), "month": month}
    ).drop_duplicates()
    active["cohort"] = active.groupby("customer")["month"].transform("min")
    active["offset"] = active["month"] - active["cohort"]
    counts = active.groupby(["cohort", "offset"]).size()
    sizes = counts.xs(0, level="offset")
    last = int(month.max())
    grid = pd.MultiIndex.from_tuples(
        [(c, k) for c in sizes.index for k in range(last - c + 1)], names=["cohort", "offset"]
    )
    table = counts.reindex(grid, fill_value=0).rename("active_customers").reset_index()
    table["cohort_customers"] = table["cohort"].map(sizes)
    table["retention"] = table["active_customers"] / table["cohort_customers"]
    table["cohort_month"] = pd.to_datetime(
        {"year": table["cohort"] // 12, "month": table["cohort"] % 12 + 1, "day": 1}
    ).dt.date
    table = table.rename(columns={"offset": "months_since_first"})
    return table[columns]


POST_MORTEM_MEASURES: tuple[str, ...] = ("orders", "revenue_excl_vat", "margin", "uplift", "capacity_utilisation")


def post_mortem(
    planned: Mapping[str, float], days: pd.DataFrame, *, baseline_orders: float
) -> pd.DataFrame:
    """What a campaign's plan promised against what its days did.

    ``planned``: the what-if's ``orders``, ``revenue_excl_vat``, ``margin`` (over the whole
    period), ``uplift`` and ``capacity_utilisation``. ``days``: one row per day of the period
    so far with ``orders``, ``revenue_excl_vat``, ``margin`` and ``capacity_orders``
    (NaN where unknown). Actual uplift is the orders against the baseline pro rata of the
    days elapsed; capacity used is orders over deliverable orders. Returns ``measure,
    planned, actual, gap`` (gap = actual − planned, NaN when either is unknown).
    """
    elapsed = len(days)
    share = elapsed / planned["days"] if planned.get("days") else 1.0
    orders = float(days["orders"].sum(min_count=1)) if elapsed else np.nan
    capacity = days["capacity_orders"].sum(min_count=1) if "capacity_orders" in days else np.nan
    actual = {
        "orders": orders,
        "revenue_excl_vat": float(days["revenue_excl_vat"].sum(min_count=1)) if elapsed else np.nan,
        "margin": float(days["margin"].sum(min_count=1)) if elapsed else np.nan,
        "uplift": orders / (baseline_orders * share) - 1.0 if baseline_orders > 0 and elapsed else np.nan,
        "capacity_utilisation": orders / capacity if capacity and capacity > 0 else np.nan,
    }
    pro_rata = {"orders", "revenue_excl_vat", "margin"}
    rows = []
    for measure in POST_MORTEM_MEASURES:
        plan = float(planned.get(measure, np.nan))
        if measure in pro_rata:
            plan *= share
        rows.append((measure, plan, actual[measure], actual[measure] - plan))
    return pd.DataFrame(rows, columns=["measure", "planned", "actual", "gap"])
