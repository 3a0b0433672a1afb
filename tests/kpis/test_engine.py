"""The KPI engine against hand calculations on a small fixture; no Django."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.engine import (
    ACTUAL_COLUMNS,
    KPI_DEFINITIONS,
    KPI_KEYS,
    CostProfile,
    cohort_retention,
    compute_kpis,
)
from sales.engine import daily_actuals_from_orders
from sales.readers import LINE_COLUMNS, orders_from_lines

COSTS = CostProfile(
    vat_rate=0.20,
    goods_cost_rate=0.40,
    cost_per_order=2.0,
    payment_fee_rate=0.01,
    cost_per_return=5.0,
    cost_per_support_contact=3.0,
)
COLUMNS = ["date", "campaign", "channel", "orders", "units", "paid_incl_vat", "discounts", "refunds",
           "returned_orders", "new_customers", "returning_customers", "ad_spend", "support_contacts",
           "hours_worked", "orders_shipped", "order_to_ship_hours"]  # fmt: skip
# Hand calculation, per row: revenue = (paid − refunds) / 1.2; margin = revenue − 40 % goods
# − 2 × orders − 1 % × paid − 5 × returned − 3 × contacts − ad spend.
#   r1: revenue 500, margin 500 − 200 − 20 − 6 − 0 − 6 − 50 = 218
#   r2: revenue 180, margin 180 − 72 − 10 − 2.4 − 5 − 3 − 0 = 87.6
#   r3: revenue   0, margin −30 (spend, no sale)
#   r4: revenue 100, margin 100 − 40 − 4 − 1.2 − 0 − 0 − 10 = 44.8
ROWS = [
    (dt.date(2026, 3, 30), "noel", "web", 10, 15, 600.0, 60.0, 0.0, 0, 4, 2, 50.0, 2, 5.0, 10, 240.0),
    (dt.date(2026, 3, 31), None, "shop", 5, 5, 240.0, 0.0, 24.0, 1, 1, 3, 0.0, 1, 4.0, 4, 48.0),
    (dt.date(2026, 4, 1), "noel", "web", 0, 0, 0.0, 0.0, 0.0, 0, 0, 0, 30.0, 0, 2.0, 0, 0.0),
    (dt.date(2026, 4, 6), "noel", "web", 2, 2, 120.0, 0.0, 0.0, 0, 2, 0, 10.0, 0, 1.0, 2, 20.0),
]  # fmt: skip


@pytest.fixture
def actuals() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=COLUMNS)


@pytest.fixture
def kpis(actuals) -> pd.DataFrame:
    return compute_kpis(actuals, COSTS)


def kpi(
    kpis: pd.DataFrame, period: str, start: dt.date, key: str, scope=("organisation", "")
) -> float:
    found = kpis[
        (kpis["scope"] == scope[0])
        & (kpis["scope_id"] == scope[1])
        & (kpis["period"] == period)
        & (kpis["period_start"] == start)
        & (kpis["kpi"] == key)
    ]["value"]
    assert len(found) == 1, (period, start, key, scope)
    return found.iat[0]


MONDAY = dt.date(2026, 3, 30)


CAPACITY_AND_STOCK = ("capacity_utilisation", "stock_cover_days")


def test_every_kpi_of_a_day_by_hand(kpis):
    day = {key: kpi(kpis, "day", MONDAY, key) for key in KPI_KEYS if key not in CAPACITY_AND_STOCK}
    assert all(np.isnan(kpi(kpis, "day", MONDAY, key)) for key in CAPACITY_AND_STOCK)  # no columns, no value
    assert day == pytest.approx(
        {
            "orders": 10,
            "revenue_excl_vat": 500.0,
            "cost_coverage": 1.0,
            "margin": 218.0,
            "margin_per_order": 21.8,
            "margin_rate": 218 / 500,
            "cac": 50 / 4,
            "repeat_purchase_rate": 2 / 6,
            "roas": 500 / 50,
            "return_rate": 0.0,
            "support_cost_per_order": 6 / 10,
            "order_to_ship_hours": 24.0,
            "orders_per_hour_worked": 2.0,
        }
    )


def test_iso_week_sums_first_then_divides(kpis):
    week = {key: kpi(kpis, "week", MONDAY, key) for key in KPI_KEYS if key not in CAPACITY_AND_STOCK}
    margin = 218 + 87.6 - 30
    assert week == pytest.approx(
        {
            "orders": 15,
            "revenue_excl_vat": 680.0,
            "cost_coverage": 1.0,
            "margin": margin,
            "margin_per_order": margin / 15,
            "margin_rate": margin / 680,
            "cac": 80 / 5,
            "repeat_purchase_rate": 5 / 10,
            "roas": 680 / 80,
            "return_rate": 1 / 15,
            "support_cost_per_order": 9 / 15,
            "order_to_ship_hours": 288 / 14,
            "orders_per_hour_worked": 15 / 11,
        }
    )
    daily_rates = [kpi(kpis, "day", d, "margin_rate") for d in (MONDAY, dt.date(2026, 3, 31))]
    assert week["margin_rate"] != pytest.approx(np.mean(daily_rates))  # never a mean of ratios


def test_months_split_an_iso_week(kpis):
    march, april = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
    assert kpi(kpis, "month", march, "margin") == pytest.approx(218 + 87.6)
    assert kpi(kpis, "month", march, "cac") == pytest.approx(50 / 5)
    assert kpi(kpis, "month", march, "roas") == pytest.approx(680 / 50)
    assert kpi(kpis, "month", april, "margin") == pytest.approx(-30 + 44.8)
    assert kpi(kpis, "month", april, "margin_per_order") == pytest.approx(14.8 / 2)
    assert kpi(kpis, "month", april, "margin_rate") == pytest.approx(14.8 / 100)
    assert kpi(kpis, "month", april, "cac") == pytest.approx(40 / 2)
    assert kpi(kpis, "week", dt.date(2026, 4, 6), "orders") == 2


def test_campaign_and_channel_scopes(kpis):
    noel = ("campaign", "noel")
    assert kpi(kpis, "week", MONDAY, "margin", noel) == pytest.approx(218 - 30)
    assert kpi(kpis, "week", MONDAY, "cac", noel) == pytest.approx(80 / 4)
    assert kpi(kpis, "week", MONDAY, "roas", noel) == pytest.approx(500 / 80)
    assert kpi(kpis, "day", dt.date(2026, 3, 31), "margin", ("channel", "shop")) == pytest.approx(
        87.6
    )
    assert kpi(
        kpis, "day", dt.date(2026, 3, 31), "return_rate", ("channel", "shop")
    ) == pytest.approx(0.2)
    assert not (
        (kpis["scope"] == "campaign") & (kpis["period_start"] == dt.date(2026, 3, 31))
    ).any()


def test_undefined_ratios_are_nan_not_zero_or_infinite(kpis):
    spend_only = dt.date(2026, 4, 1)
    assert kpi(kpis, "day", spend_only, "margin") == pytest.approx(-30.0)
    assert kpi(kpis, "day", spend_only, "roas") == 0.0
    for key in ("margin_per_order", "margin_rate", "cac", "return_rate", "repeat_purchase_rate",
                "order_to_ship_hours", "support_cost_per_order"):  # fmt: skip
        assert np.isnan(kpi(kpis, "day", spend_only, key)), key
    assert np.isfinite(kpis["value"].dropna()).all()


def test_snapshot_key_is_unique_and_the_organisation_scope_id_is_not_null(kpis):
    key = ["scope", "scope_id", "period", "period_start", "kpi"]
    assert not kpis.duplicated(key).any()
    assert kpis["scope_id"].notna().all()
    assert set(kpis["kpi"]) == set(KPI_KEYS)
    assert list(kpis.columns) == [*key, "value"]


def test_goods_cost_from_the_catalogue_replaces_the_rate(actuals):
    priced = actuals.assign(goods_cost=[150.0, None, None, None])
    kpis = compute_kpis(priced, COSTS)
    assert kpi(kpis, "day", MONDAY, "margin") == pytest.approx(218 + 200 - 150)
    assert kpi(kpis, "day", dt.date(2026, 3, 31), "margin") == pytest.approx(87.6)


def test_missing_columns_give_undefined_kpis_not_zero():
    sales_only = pd.DataFrame({"date": [MONDAY], "orders": [4], "paid_incl_vat": [120.0]})
    kpis = compute_kpis(sales_only, CostProfile(vat_rate=0.2, goods_cost_known=True), scopes=("organisation",))
    assert kpi(kpis, "day", MONDAY, "revenue_excl_vat") == pytest.approx(100.0)
    assert kpi(kpis, "day", MONDAY, "margin") == pytest.approx(100.0)
    for key in ("cac", "roas", "return_rate", "order_to_ship_hours", "orders_per_hour_worked",
                "support_cost_per_order", "repeat_purchase_rate"):  # fmt: skip
        assert np.isnan(kpi(kpis, "day", MONDAY, key)), key


# ---------------------------------------------------------------- what each KPI rests on (issue 12 item 7)


def test_without_any_known_goods_cost_the_margins_are_unknown_not_the_revenue():
    sales_only = pd.DataFrame({"date": [MONDAY], "orders": [4], "paid_incl_vat": [120.0]})
    kpis = compute_kpis(sales_only, CostProfile(vat_rate=0.2), scopes=("organisation",))
    assert kpi(kpis, "day", MONDAY, "revenue_excl_vat") == pytest.approx(100.0)
    assert kpi(kpis, "day", MONDAY, "cost_coverage") == 0.0
    for key in ("margin", "margin_per_order", "margin_rate"):
        assert np.isnan(kpi(kpis, "day", MONDAY, key)), key


def test_margins_need_95_percent_of_revenue_with_a_known_cost():
    days = pd.DataFrame({
        "date": [MONDAY, MONDAY + dt.timedelta(days=1)], "orders": [10, 10], "paid_incl_vat": [1200.0, 1200.0],
        "goods_cost": [400.0, 380.0], "cost_coverage": [1.0, 0.94],
    })
    kpis = compute_kpis(days, CostProfile(vat_rate=0.2), periods=("day", "week"), scopes=("organisation",))
    assert kpi(kpis, "day", MONDAY, "margin") == pytest.approx(600.0)
    assert kpi(kpis, "day", MONDAY, "cost_coverage") == pytest.approx(1.0)
    tuesday = MONDAY + dt.timedelta(days=1)
    assert kpi(kpis, "day", tuesday, "cost_coverage") == pytest.approx(0.94)
    assert np.isnan(kpi(kpis, "day", tuesday, "margin")) and np.isnan(kpi(kpis, "day", tuesday, "margin_rate"))
    # The week: (1,000 + 940) ÷ 2,000 = 97 % of revenue costed, so its margin is shown.
    assert kpi(kpis, "week", MONDAY, "cost_coverage") == pytest.approx(0.97)
    assert kpi(kpis, "week", MONDAY, "margin") == pytest.approx(2000 - 780)


def test_cac_roas_and_support_cost_are_unknown_without_spend_or_contacts_entered():
    days = pd.DataFrame({"date": [MONDAY], "orders": [10], "paid_incl_vat": [1200.0], "new_customers": [4],
                         "ad_spend": [0.0], "support_contacts": [0.0]})
    kpis = compute_kpis(days, CostProfile(cost_per_support_contact=3.0), scopes=("organisation",))
    for key in ("cac", "roas", "support_cost_per_order"):
        assert np.isnan(kpi(kpis, "day", MONDAY, key)), key


def test_row_order_does_not_matter(actuals, kpis):
    shuffled = compute_kpis(actuals.sample(frac=1, random_state=3), COSTS)
    pd.testing.assert_frame_equal(kpis, shuffled)


def test_cost_profile_refuses_negative_costs():
    with pytest.raises(ValueError, match="cost_per_order"):
        CostProfile(cost_per_order=-1)


def test_actuals_need_a_date():
    with pytest.raises(ValueError, match="date"):
        compute_kpis(pd.DataFrame({"orders": [1]}), COSTS)


def test_kpi_definitions_are_complete():
    assert len(set(KPI_KEYS)) == len(KPI_DEFINITIONS)
    for definition in KPI_DEFINITIONS:
        assert definition.label_en and definition.label_fr and definition.formula
        assert definition.unit in {"currency", "share", "count", "hours", "per_hour", "multiple", "days"}
        assert definition.direction in {"higher", "lower"}
        assert definition.owner in {"marketing", "operations", "shared"}
    assert {"orders", "paid_incl_vat", "ad_spend", "order_to_ship_hours"} <= set(ACTUAL_COLUMNS)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 60),  # day offset
            st.integers(0, 50),  # orders
            st.floats(0, 5000, allow_nan=False),  # paid
            st.floats(0, 300, allow_nan=False),  # ad spend
        ),
        min_size=1,
        max_size=30,
    )
)
def test_period_totals_are_the_sums_of_their_days(rows):
    actuals = pd.DataFrame(
        {
            "date": [dt.date(2026, 1, 1) + dt.timedelta(days=d) for d, *_ in rows],
            "orders": [o for _, o, _, _ in rows],
            "paid_incl_vat": [p for _, _, p, _ in rows],
            "ad_spend": [a for *_, a in rows],
        }
    )
    kpis = compute_kpis(actuals, COSTS, scopes=("organisation",))
    for key in ("orders", "revenue_excl_vat", "margin"):
        per_period = kpis[kpis["kpi"] == key].groupby("period")["value"].sum()
        assert per_period["week"] == pytest.approx(per_period["day"], abs=1e-6)
        assert per_period["month"] == pytest.approx(per_period["day"], abs=1e-6)


# --- From order lines to daily actuals ------------------------------------------------------


def order_lines(rows: list[dict]) -> pd.DataFrame:
    """Normalised lines with sensible defaults for what a test does not care about."""
    defaults = {
        "source_file": "t.csv", "source_row": 2, "line_no": 1, "sku": "S", "product_name": "P",
        "quantity": 1.0, "unit_price_incl_vat": 10.0, "line_total_incl_vat": 10.0,
        "is_adjustment": False, "discount_code": None, "discount_amount": 0.0,
        "shipping_incl_vat": 0.0, "refunded_amount": 0.0, "customer_key": None,
        "cancelled": False, "currency": "EUR", "channel": "web", "shipped_at": pd.NaT,
    }  # fmt: skip
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"])
    frame["shipped_at"] = pd.to_datetime(frame["shipped_at"])
    return frame[list(LINE_COLUMNS)]


@pytest.fixture
def lines() -> pd.DataFrame:
    return order_lines(
        [
            {"order_id": "1", "ordered_at": "2026-04-01 10:00", "customer_key": "ann", "order_total": 30.0,
             "quantity": 3.0, "discount_code": "Noel20", "discount_amount": 6.0,
             "shipped_at": "2026-04-02 10:00"},
            {"order_id": "2", "ordered_at": "2026-04-01 12:00", "customer_key": None, "order_total": 20.0,
             "quantity": 2.0, "shipped_at": "2026-04-01 18:00"},
            {"order_id": "3", "ordered_at": "2026-04-02 09:00", "customer_key": "ann", "order_total": 15.0,
             "refunded_amount": 15.0},
            {"order_id": "4", "ordered_at": "2026-04-02 09:30", "customer_key": "bob", "order_total": 12.0,
             "cancelled": True},
            {"order_id": "5", "ordered_at": "2026-04-02 11:00", "customer_key": "cid", "order_total": 40.0,
             "discount_code": "NOEL20", "channel": "shop"},
            {"order_id": "5", "ordered_at": "2026-04-02 11:00", "customer_key": "cid", "order_total": 40.0,
             "discount_code": "NOEL20", "channel": "shop", "line_no": 2},
            {"order_id": "C6", "ordered_at": "2026-04-02 15:00", "customer_key": "ann", "order_total": -10.0,
             "quantity": -1.0, "cancelled": True},
            {"order_id": "7", "ordered_at": "2026-04-02 16:00", "order_total": 0.0, "quantity": -4.0,
             "unit_price_incl_vat": 0.0, "line_total_incl_vat": 0.0, "is_adjustment": True},
        ]
    )  # fmt: skip


def test_daily_actuals_from_order_lines(lines):
    daily = daily_actuals_from_orders(orders_from_lines(lines), campaign_by_discount_code={"noel20": "christmas"})
    day = daily.set_index(["date", "campaign", "channel"])
    first = day.loc[(dt.date(2026, 4, 1), "christmas", "web")]
    assert first[["orders", "units", "paid_incl_vat", "discounts"]].tolist() == [1, 3, 30, 6]
    assert first[["new_customers", "orders_shipped", "order_to_ship_hours"]].tolist() == [1, 1, 24]
    guest = daily[(daily["date"] == dt.date(2026, 4, 1)) & daily["campaign"].isna()].iloc[0]
    assert guest[["guest_orders", "new_customers", "order_to_ship_hours"]].tolist() == [1, 0, 6]
    second = daily[(daily["date"] == dt.date(2026, 4, 2)) & daily["campaign"].isna()].iloc[0]
    # Order 3 only: the cancelled 4, the credit note C6 and the write-off 7 are not sales.
    assert second["orders"] == 1
    assert second["returning_customers"] == 1  # ann bought on the 1st
    assert second["cancelled_orders"] == 2 and second["adjustment_orders"] == 1
    assert second["refunds"] == pytest.approx(15.0 + 10.0)  # a refund and a credit note
    assert second["returned_orders"] == 2
    assert second["paid_incl_vat"] == 15.0  # the cancelled order's 12 was never paid
    shop = day.loc[(dt.date(2026, 4, 2), "christmas", "shop")]
    assert shop[["orders", "units", "new_customers"]].tolist() == [1, 2, 1]
    assert daily["new_customers"].sum() == 2  # ann and cid; bob only cancelled


def test_known_first_orders_make_customers_returning(lines):
    known = {"cid": dt.date(2026, 3, 1), "ann": dt.date(2026, 4, 1)}
    daily = daily_actuals_from_orders(orders_from_lines(lines), first_order_dates=known)
    assert daily["new_customers"].sum() == 1  # ann, whose known first order is this import's
    assert daily["returning_customers"].sum() == 2  # ann on the 2nd, cid


def test_daily_actuals_feed_the_engine(lines):
    daily = daily_actuals_from_orders(orders_from_lines(lines))
    kpis = compute_kpis(
        daily, CostProfile(vat_rate=0.2), periods=("week",), scopes=("organisation",)
    )
    orders = kpis[kpis["kpi"] == "orders"]["value"].sum()
    revenue = kpis[kpis["kpi"] == "revenue_excl_vat"]["value"].sum()
    assert orders == 4
    assert revenue == pytest.approx((30 + 20 + 15 + 40 - 15 - 10) / 1.2)


def test_no_lines_no_actuals():
    assert daily_actuals_from_orders(orders_from_lines(pd.DataFrame(columns=list(LINE_COLUMNS)))).empty


# --- Cohort retention ----------------------------------------------------------------------------


def test_cohort_retention_by_first_order_month():
    orders = pd.DataFrame(
        {
            "customer_key": ["a", "a", "b", "c", "c", "d", None, "e"],
            "ordered_at": pd.to_datetime(
                [
                    "2026-01-05",
                    "2026-03-02",
                    "2026-01-20",
                    "2026-02-01",
                    "2026-02-11",
                    "2026-01-09",
                    "2026-01-09",
                    "2026-03-03",
                ]
            ),  # fmt: skip
            "cancelled": [False, False, False, False, False, True, False, False],
        }
    )
    table = cohort_retention(orders).set_index(["cohort_month", "months_since_first"])
    january, february, march = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
    # a and b: d only cancelled, and a guest is nobody's cohort.
    assert table.loc[(january, 0), "cohort_customers"] == 2
    assert table.loc[(january, 1), "active_customers"] == 0
    assert table.loc[(january, 2), "retention"] == 0.5  # a came back in March
    assert table.loc[(february, 0), "active_customers"] == 1  # c twice in February is one customer
    assert table.loc[(february, 1), "retention"] == 0.0
    assert table.loc[(march, 0), "cohort_customers"] == 1
    assert len(table) == 3 + 2 + 1  # each cohort up to the data's last month


def test_volume_against_capacity_and_stock_cover_by_hand(actuals):
    # Week of 30 March: 15 orders (r1 + r2; r3 has none) against 8 + 8 + 8 deliverable.
    # Stock is a level: the week's last known one (r3's 90 units; r1's 300 is older), over
    # 20 units sold in the 3 days with units → 90 ÷ (20 / 3) = 13.5 days of cover.
    with_levels = actuals.assign(capacity_orders=[8.0, 8.0, 8.0, 4.0], stock_units=[300.0, np.nan, 90.0, np.nan])
    kpis = compute_kpis(with_levels, COSTS, periods=("week",), scopes=("organisation",))
    assert kpi(kpis, "week", MONDAY, "capacity_utilisation") == pytest.approx(15 / 24)
    assert kpi(kpis, "week", MONDAY, "stock_cover_days") == pytest.approx(13.5)
    assert np.isnan(kpi(kpis, "week", dt.date(2026, 4, 6), "stock_cover_days"))  # no stock known that week
    assert kpi(kpis, "week", dt.date(2026, 4, 6), "capacity_utilisation") == pytest.approx(2 / 4)
