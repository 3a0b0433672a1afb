"""The promotion economics engine, against hand calculations, published tables and properties."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from campaigns.engine import (
    CampaignInputs,
    Mechanic,
    OrderInputs,
    discount_curve,
    evaluate,
    evaluate_scoped,
    monte_carlo,
    per_order,
    scoped_inputs,
    triangular,
    uplift_curve,
)

REPO = Path(__file__).resolve().parents[2]
BDS_TABLE = REPO.parent / "shared" / "data" / "breakeven_discount_table_bds.csv"


def example_order(**changes: object) -> OrderInputs:
    """The order of the contract's worked example (docs/economics.md § 1)."""
    order = OrderInputs(
        units=1.5,
        unit_price=30.0,
        unit_cost=9.0,
        shipping_fee=4.90,
        packaging_cost=0.80,
        shipping_cost=6.50,
        payment_fee_rate=0.014,
        payment_fee_fixed=0.25,
        commission_rate=0.0,
        return_rate=0.05,
        return_cost=8.0,
        return_recovery=0.8,
        support_contacts=0.10,
        support_cost_per_contact=3.50,
        vat_rate=0.20,
        prices_include_vat=True,
    )
    return replace(order, **changes)


def example_campaign(**changes: object) -> CampaignInputs:
    campaign = CampaignInputs(Mechanic.percent_off(0.20), uplift=0.5, fixed_costs=1000.0)
    return replace(campaign, **changes)


def bare_order(margin: float, price: float = 100.0) -> OrderInputs:
    """No VAT and no per-order cost: only price and cost, at gross margin ``margin``."""
    return OrderInputs(units=1.0, unit_price=price, unit_cost=price * (1.0 - margin), vat_rate=0.0)


def bare_break_even(margin: float, discount: float) -> float:
    campaign = CampaignInputs(Mechanic.percent_off(discount))
    return float(evaluate(bare_order(margin), 1000.0, campaign).break_even_uplift)


# The worked example ----------------------------------------------------------------------


def test_worked_example_per_order_matches_the_contract():
    result = evaluate(example_order(), 300.0, example_campaign())
    base, during = result.per_order_baseline, result.per_order_campaign
    assert float(base.paid_incl_vat) == pytest.approx(49.90, abs=1e-9)
    assert float(base.revenue) == pytest.approx(41.5833, abs=1e-4)
    assert float(base.payment_fees) == pytest.approx(0.9486, abs=1e-4)
    assert float(base.returns) == pytest.approx(1.9392, abs=1e-4)
    assert float(base.margin) == pytest.approx(17.5456, abs=1e-4)
    assert float(base.margin_rate) == pytest.approx(0.4219, abs=1e-4)
    assert float(during.paid_incl_vat) == pytest.approx(40.90, abs=1e-9)
    assert float(during.revenue) == pytest.approx(34.0833, abs=1e-4)
    assert float(during.payment_fees) == pytest.approx(0.8226, abs=1e-4)
    assert float(during.returns) == pytest.approx(1.5642, abs=1e-4)
    assert float(during.margin) == pytest.approx(10.5466, abs=1e-4)


def test_worked_example_totals_match_the_contract():
    result = evaluate(example_order(), 300.0, example_campaign())
    assert result.baseline.as_dict() == pytest.approx(
        {"orders": 300.0, "revenue": 12475.00, "margin": 5263.67}, abs=1e-4
    )
    assert result.campaign.as_dict() == pytest.approx(
        {"orders": 450.0, "revenue": 15337.50, "margin": 3745.955}, abs=1e-4
    )
    assert float(result.incremental.margin) == pytest.approx(-1517.715, abs=1e-4)
    assert float(result.break_even_uplift) == pytest.approx(0.9797, abs=1e-4)
    assert float(result.roi) == pytest.approx(-1.5177, abs=1e-4)
    assert str(result.verdict) == "loses_margin"


# Mechanics against hand calculations (worked example's order, V = 1.2) -----------------


def test_no_mechanic_leaves_the_order_unchanged():
    assert per_order(example_order(), Mechanic.none()) == per_order(example_order())


def test_percent_off_discounts_the_goods_but_not_the_shipping_fee():
    during = per_order(example_order(), Mechanic.percent_off(0.5))
    assert float(during.paid_incl_vat) == pytest.approx(1.5 * 15.0 + 4.90)
    assert float(during.goods_cost) == pytest.approx(1.5 * 9.0)


def test_amount_off_takes_the_amount_off_each_unit():
    during = per_order(example_order(), Mechanic.amount_off(5.0))
    paid = 1.5 * 25.0 + 4.90  # 42.40
    revenue = paid / 1.2  # 35.3333
    returns = 0.05 * (revenue + 8.0 - 0.8 * 13.5)  # 1.626667
    assert float(during.paid_incl_vat) == pytest.approx(paid)
    assert float(during.revenue) == pytest.approx(revenue)
    assert float(during.payment_fees) == pytest.approx(0.014 * paid + 0.25)
    assert float(during.returns) == pytest.approx(returns)
    assert float(during.margin) == pytest.approx(11.713067, abs=1e-6)


def test_amount_off_never_takes_a_unit_below_zero():
    during = per_order(example_order(), Mechanic.amount_off(45.0))
    assert float(during.paid_incl_vat) == pytest.approx(4.90)
    assert float(during.goods_cost) == pytest.approx(13.5)


def test_two_for_one_doubles_goods_cost():
    base = per_order(example_order())
    during = per_order(example_order(), Mechanic.buy_x_get_y(buy=1, get=1, get_discount=1.0))
    assert float(during.units_shipped) == pytest.approx(3.0)
    assert float(during.goods_cost) == pytest.approx(2 * float(base.goods_cost))
    assert float(during.paid_incl_vat) == pytest.approx(float(base.paid_incl_vat))
    # 41.583333 − 27 − 0.8 − 6.5 − 0.9486 − 0.05 × (41.583333 + 8 − 21.6) − 0.35
    assert float(during.margin) == pytest.approx(4.585567, abs=1e-6)


def test_buy_two_get_one_half_price_by_hand():
    during = per_order(example_order(), Mechanic.buy_x_get_y(buy=2, get=1, get_discount=0.5))
    paid = 1.5 * 30.0 + 1.5 * 0.5 * 30.0 * 0.5 + 4.90  # 61.15
    assert float(during.units_shipped) == pytest.approx(2.25)
    assert float(during.paid_incl_vat) == pytest.approx(paid)
    assert float(during.goods_cost) == pytest.approx(20.25)
    assert float(during.payment_fees) == pytest.approx(1.1061)
    assert float(during.returns) == pytest.approx(0.05 * (paid / 1.2 + 8.0 - 0.8 * 20.25))
    assert float(during.margin) == pytest.approx(19.814317, abs=1e-6)


def test_free_shipping_charges_no_fee_but_the_carrier_still_costs():
    during = per_order(example_order(), Mechanic.free_shipping())
    assert float(during.paid_incl_vat) == pytest.approx(45.0)
    assert float(during.revenue) == pytest.approx(37.5)
    assert float(during.shipping_cost) == pytest.approx(6.50)
    assert float(during.payment_fees) == pytest.approx(0.88)
    assert float(during.returns) == pytest.approx(1.735)
    assert float(during.margin) == pytest.approx(13.735)


def test_commission_applies_to_what_the_customer_pays():
    during = per_order(example_order(commission_rate=0.15))
    assert float(during.commission) == pytest.approx(0.15 * 49.90)
    assert float(during.margin) == pytest.approx(17.545567 - 0.15 * 49.90, abs=1e-6)


def test_a_mechanic_refuses_parameters_of_another_mechanic():
    with pytest.raises(ValueError, match="takes no rate"):
        Mechanic("amount_off", rate=0.2)
    with pytest.raises(ValueError, match="unknown mechanic"):
        Mechanic("bogo")


# VAT -------------------------------------------------------------------------------------


def test_prices_including_vat_are_divided_by_one_plus_vat():
    base = per_order(example_order(vat_rate=0.055))
    assert float(base.revenue) == pytest.approx(49.90 / 1.055)


def test_prices_excluding_vat_ignore_the_vat_rate():
    with_vat = per_order(example_order(prices_include_vat=False, vat_rate=0.20))
    without = per_order(example_order(prices_include_vat=False, vat_rate=0.0))
    assert float(with_vat.revenue) == pytest.approx(49.90)
    assert with_vat == without


def test_amount_off_follows_the_prices_vat_convention():
    incl = per_order(example_order(), Mechanic.amount_off(6.0))
    excl = per_order(
        example_order(prices_include_vat=False, unit_price=25.0, shipping_fee=0.0),
        Mechanic.amount_off(5.0),
    )
    # 6.00 incl. VAT off a 30.00 price is 5.00 off the 25.00 excl. VAT price.
    assert float(incl.revenue) - 4.90 / 1.2 == pytest.approx(float(excl.revenue))


# Totals, nulls and verdicts --------------------------------------------------------------


def test_campaign_overrides_apply_to_campaign_orders_only():
    campaign = example_campaign(return_rate=0.10, support_contacts=0.30)
    result = evaluate(example_order(), 300.0, campaign)
    assert float(result.per_order_baseline.support) == pytest.approx(0.35)
    assert float(result.per_order_campaign.support) == pytest.approx(1.05)
    assert float(result.per_order_campaign.returns) == pytest.approx(
        0.10 * (34.083333 + 8.0 - 10.8)
    )


def test_roi_is_null_without_fixed_costs():
    result = evaluate(example_order(), 300.0, example_campaign(fixed_costs=0.0))
    assert result.as_dict()["roi"] is None


def test_break_even_uplift_is_null_when_a_campaign_order_loses_money():
    result = evaluate(
        bare_order(0.30), 100.0, CampaignInputs(Mechanic.percent_off(0.40), uplift=3.0)
    )
    assert result.as_dict()["break_even_uplift"] is None
    assert result.as_dict()["verdict"] == "never_breaks_even"


def test_break_even_uplift_is_null_without_baseline_orders():
    result = evaluate(example_order(), 0.0, example_campaign())
    assert result.as_dict()["break_even_uplift"] is None
    assert result.as_dict()["incremental"]["margin"] == pytest.approx(-1000.0)


def test_a_campaign_above_its_break_even_uplift_is_profitable():
    result = evaluate(example_order(), 300.0, example_campaign(uplift=1.0))
    assert str(result.verdict) == "profitable"
    assert float(result.incremental.margin) > 0


def test_margin_rate_is_null_when_nothing_is_paid():
    free = per_order(example_order(shipping_fee=0.0), Mechanic.percent_off(1.0))
    assert float(free.revenue) == 0.0
    assert free.as_dict()["margin_rate"] is None


def test_waterfall_steps_add_up_to_the_margin():
    steps = per_order(example_order()).waterfall()
    assert [name for name, _ in steps][0] == "revenue"
    assert sum(amount for _, amount in steps[:-1]) == pytest.approx(steps[-1][1])


# The classic discount table: break_even_uplift = d / (m − d) ----------------------------


def _published_cells() -> list:
    if not BDS_TABLE.exists():
        return [pytest.param(0, 0, 0, marks=pytest.mark.skip(reason=f"{BDS_TABLE} is absent"))]
    cells = []
    with BDS_TABLE.open(newline="") as handle:
        for row in csv.DictReader(handle):
            discount = int(row.pop("change_pct"))
            for column, value in row.items():
                if value.strip():
                    margin = int(column.removeprefix("margin_"))
                    cells.append(
                        pytest.param(margin, discount, int(value), id=f"m{margin}-d{discount}")
                    )
    return cells


@pytest.mark.parametrize(("margin_pct", "discount_pct", "published_pct"), _published_cells())
def test_break_even_uplift_matches_the_published_discount_table(
    margin_pct, discount_pct, published_pct
):
    uplift = bare_break_even(margin_pct / 100, discount_pct / 100)
    # The table rounds d / (m − d) to whole percents.
    assert abs(uplift * 100 - published_pct) <= 1.0


def test_published_discount_table_fills_only_discounts_below_the_margin():
    if not BDS_TABLE.exists():
        pytest.skip(f"{BDS_TABLE} is absent")
    cells = [cell.values for cell in _published_cells()]
    assert len(cells) >= 100
    assert all(discount < margin for margin, discount, _ in cells)


@pytest.mark.parametrize(
    ("margin", "discount", "expected"),
    [
        (0.30, 0.10, 1 / 2),  # the contract's sanity anchor: +50 %
        (0.40, 0.10, 1 / 3),
        (0.50, 0.10, 1 / 4),
        (0.50, 0.25, 1.0),
        (0.50, 0.20, 2 / 3),
        (0.20, 0.05, 1 / 3),
        (0.25, 0.05, 1 / 4),
        (0.60, 0.20, 1 / 2),
        (0.40, 0.20, 1.0),
        (0.30, 0.15, 1.0),
        (0.35, 0.05, 1 / 6),
        (0.45, 0.15, 1 / 2),
        (0.80, 0.40, 1.0),
        (0.70, 0.60, 6.0),
    ],
)
def test_break_even_uplift_is_discount_over_margin_minus_discount(margin, discount, expected):
    assert bare_break_even(margin, discount) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("margin", "discount"), [(0.30, 0.30), (0.30, 0.40), (0.10, 0.50)])
def test_a_discount_as_deep_as_the_margin_never_breaks_even(margin, discount):
    assert np.isnan(bare_break_even(margin, discount))


# Properties ------------------------------------------------------------------------------

# Realistic ranges: the share of revenue a shop keeps, 1 − return_rate − (fee + commission)
# × V, stays positive. Past that (say every order returned), a lower price saves more fees
# than it loses in revenue and a deeper discount can raise the margin, rightly.
orders = st.builds(
    OrderInputs,
    units=st.floats(0.5, 5.0),
    unit_price=st.floats(0.0, 500.0),
    unit_cost=st.floats(0.0, 300.0),
    shipping_fee=st.floats(0.0, 20.0),
    packaging_cost=st.floats(0.0, 5.0),
    shipping_cost=st.floats(0.0, 20.0),
    payment_fee_rate=st.floats(0.0, 0.05),
    payment_fee_fixed=st.floats(0.0, 1.0),
    commission_rate=st.floats(0.0, 0.25),
    return_rate=st.floats(0.0, 0.5),
    return_cost=st.floats(0.0, 20.0),
    return_recovery=st.floats(0.0, 1.0),
    support_contacts=st.floats(0.0, 2.0),
    support_cost_per_contact=st.floats(0.0, 10.0),
    vat_rate=st.floats(0.0, 0.3),
    prices_include_vat=st.booleans(),
)
shares = st.floats(0.0, 1.0)


@given(order=orders, depths=st.lists(shares, min_size=2, max_size=2))
def test_deeper_percent_off_never_raises_margin_per_order(order, depths):
    shallow, deep = sorted(depths)
    before = float(per_order(order, Mechanic.percent_off(shallow)).margin)
    after = float(per_order(order, Mechanic.percent_off(deep)).margin)
    assert after <= before + 1e-9 * max(1.0, abs(before))


@given(order=orders, amounts=st.lists(st.floats(0.0, 600.0), min_size=2, max_size=2))
def test_deeper_amount_off_never_raises_margin_per_order(order, amounts):
    shallow, deep = sorted(amounts)
    before = float(per_order(order, Mechanic.amount_off(shallow)).margin)
    after = float(per_order(order, Mechanic.amount_off(deep)).margin)
    assert after <= before + 1e-9 * max(1.0, abs(before))


@given(
    order=orders,
    depths=st.lists(shares, min_size=2, max_size=2),
    buy=st.integers(1, 5),
    get=st.integers(1, 3),
)
def test_deeper_discount_on_the_extra_units_never_raises_margin_per_order(order, depths, buy, get):
    shallow, deep = sorted(depths)
    before = float(per_order(order, Mechanic.buy_x_get_y(buy, get, shallow)).margin)
    after = float(per_order(order, Mechanic.buy_x_get_y(buy, get, deep)).margin)
    assert after <= before + 1e-9 * max(1.0, abs(before))


@given(
    order=orders,
    rate=shares,
    baseline_orders=st.floats(1.0, 1e5),
    fixed_costs=st.floats(0.0, 1e5),
)
def test_at_the_break_even_uplift_the_incremental_margin_is_zero(
    order, rate, baseline_orders, fixed_costs
):
    campaign = CampaignInputs(Mechanic.percent_off(rate), fixed_costs=fixed_costs)
    break_even = float(evaluate(order, baseline_orders, campaign).break_even_uplift)
    assume(np.isfinite(break_even))
    at = evaluate(order, baseline_orders, replace(campaign, uplift=break_even))
    scale = abs(float(at.baseline.margin)) + abs(float(at.campaign.margin)) + fixed_costs
    assert abs(float(at.incremental.margin)) <= 1e-9 * max(scale, 1.0)


variant = st.fixed_dictionaries(
    {
        "unit_price": st.floats(0.0, 200.0),
        "unit_cost": st.floats(0.0, 150.0),
        "return_rate": shares,
        "parameter": shares,
        "uplift": st.floats(-1.0, 5.0),
        "fixed_costs": st.floats(0.0, 5000.0),
        "baseline_orders": st.floats(0.0, 1e4),
    }
)
MECHANICS = {
    "none": lambda _: Mechanic.none(),
    "percent_off": Mechanic.percent_off,
    "amount_off": lambda depth: Mechanic.amount_off(depth * 100.0),
    "buy_x_get_y": lambda depth: Mechanic.buy_x_get_y(2.0, 1.0, depth),
    "free_shipping": lambda _: Mechanic.free_shipping(),
}


@settings(max_examples=50)
@given(kind=st.sampled_from(sorted(MECHANICS)), variants=st.lists(variant, min_size=1, max_size=12))
def test_the_vectorised_call_equals_the_scalar_call_element_by_element(kind, variants):
    def scenario(values):
        order = example_order(
            unit_price=values["unit_price"],
            unit_cost=values["unit_cost"],
            return_rate=values["return_rate"],
        )
        campaign = CampaignInputs(
            MECHANICS[kind](values["parameter"]),
            uplift=values["uplift"],
            fixed_costs=values["fixed_costs"],
        )
        return order, values["baseline_orders"], campaign

    columns = {key: np.array([values[key] for values in variants]) for key in variants[0]}
    vectorised = evaluate(*scenario(columns))
    for i, values in enumerate(variants):
        scalar = evaluate(*scenario(values))
        for side in ("per_order_baseline", "per_order_campaign"):
            for key, value in getattr(scalar, side).__dict__.items():
                np.testing.assert_array_equal(getattr(getattr(vectorised, side), key)[i], value)
        for side in ("baseline", "campaign", "incremental"):
            for key, value in getattr(scalar, side).__dict__.items():
                np.testing.assert_array_equal(getattr(getattr(vectorised, side), key)[i], value)
        np.testing.assert_array_equal(vectorised.break_even_uplift[i], scalar.break_even_uplift)
        np.testing.assert_array_equal(vectorised.roi[i], scalar.roi)
        assert vectorised.verdict[i] == scalar.verdict


def test_a_grid_of_rates_and_uplifts_broadcasts_in_one_call():
    rates = np.array([0.1, 0.2, 0.3])[:, np.newaxis]
    uplifts = np.array([0.0, 0.5, 1.0, 2.0])
    grid = evaluate(
        example_order(),
        300.0,
        example_campaign(mechanic=Mechanic.percent_off(rates), uplift=uplifts),
    )
    assert grid.shape == (3, 4)
    single = evaluate(example_order(), 300.0, example_campaign(uplift=0.5))
    assert grid.incremental.margin[1, 1] == float(single.incremental.margin)


# Monte Carlo -----------------------------------------------------------------------------


def test_monte_carlo_is_reproducible_with_its_seed():
    first = monte_carlo(example_order(), 300.0, example_campaign(), uplift_low=0.2, uplift_high=1.5)
    again = monte_carlo(example_order(), 300.0, example_campaign(), uplift_low=0.2, uplift_high=1.5)
    other = monte_carlo(
        example_order(), 300.0, example_campaign(), uplift_low=0.2, uplift_high=1.5, seed=7
    )
    assert first.as_dict() == again.as_dict()
    assert first.as_dict() != other.as_dict()
    assert first.draws >= 10_000


@given(
    low=st.floats(-1.0, 1.0),
    spread=st.lists(st.floats(0.0, 2.0), min_size=2, max_size=2),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=30)
def test_monte_carlo_percentiles_are_ordered(low, spread, seed):
    expected, high = low + min(spread), low + max(spread)
    risk = monte_carlo(
        example_order(),
        300.0,
        example_campaign(uplift=expected),
        uplift_low=low,
        uplift_high=high,
        seed=seed,
    )
    assert float(risk.p10) <= float(risk.p50) <= float(risk.p90)
    assert 0.0 <= float(risk.probability_of_loss) <= 1.0


def test_a_certain_uplift_degenerates_to_the_evaluation():
    risk = monte_carlo(example_order(), 300.0, example_campaign(), uplift_low=0.5, uplift_high=0.5)
    margin = float(evaluate(example_order(), 300.0, example_campaign()).incremental.margin)
    assert float(risk.p10) == float(risk.p50) == float(risk.p90) == pytest.approx(margin, rel=1e-12)
    assert float(risk.probability_of_loss) == 1.0


def test_monte_carlo_gives_the_chance_of_losing_money():
    # Break-even uplift 0.98: uplifts uniform-ish around it make losing about as likely as not.
    risk = monte_carlo(
        example_order(), 300.0, example_campaign(uplift=1.0), uplift_low=0.0, uplift_high=2.0
    )
    assert float(risk.probability_of_loss) == pytest.approx(0.48, abs=0.02)
    assert float(risk.p10) < 0 < float(risk.p90)


def test_triangular_draws_stay_within_the_range_with_the_right_mean():
    draws = triangular(0.1, 0.4, 1.3, draws=50_000, seed=1)
    assert draws.min() >= 0.1 and draws.max() <= 1.3
    assert draws.mean() == pytest.approx((0.1 + 0.4 + 1.3) / 3, abs=0.01)


def test_an_uplift_range_must_hold_the_expected_uplift():
    with pytest.raises(ValueError, match="low <= expected <= high"):
        monte_carlo(
            example_order(), 300.0, example_campaign(uplift=0.5), uplift_low=0.6, uplift_high=1.0
        )


def test_monte_carlo_runs_for_several_scenarios_with_common_draws():
    campaign = example_campaign(uplift=np.array([0.5, 1.5]))
    risk = monte_carlo(example_order(), 300.0, campaign, uplift_low=0.0, uplift_high=2.0)
    assert risk.incremental_margin.shape == (2, risk.draws)
    assert risk.probability_of_loss[0] > risk.probability_of_loss[1]


# Curves ----------------------------------------------------------------------------------


def test_uplift_curve_crosses_zero_at_the_break_even_uplift():
    curve = uplift_curve(example_order(), 300.0, example_campaign(), np.linspace(0.0, 2.0, 41))
    assert curve.parameter == "uplift"
    assert curve.break_even == pytest.approx(0.979687, abs=1e-6)
    zero = np.interp(curve.break_even, curve.x, curve.incremental_margin)
    assert zero == pytest.approx(0.0, abs=1e-9)


def test_discount_curve_marks_the_depth_where_the_margin_turns_negative():
    curve = discount_curve(example_order(), 300.0, example_campaign(), np.linspace(0.0, 0.5, 51))
    assert curve.parameter == "rate"
    at_break_even = evaluate(
        example_order(), 300.0, example_campaign(mechanic=Mechanic.percent_off(curve.break_even))
    )
    assert float(at_break_even.incremental.margin) == pytest.approx(0.0, abs=1e-6)
    assert curve.incremental_margin[0] > 0 > curve.incremental_margin[-1]


def test_discount_curve_depth_is_the_mechanics_main_parameter():
    order, depths = example_order(), np.linspace(0.0, 1.0, 11)
    two_for = discount_curve(
        order, 300.0, example_campaign(mechanic=Mechanic.buy_x_get_y(1, 1)), depths
    )
    amount = discount_curve(
        order, 300.0, example_campaign(mechanic=Mechanic.amount_off(5.0)), depths * 30
    )
    shipping = discount_curve(
        order, 300.0, example_campaign(mechanic=Mechanic.free_shipping()), depths
    )
    assert (two_for.parameter, amount.parameter, shipping.parameter) == (
        "get_discount",
        "amount",
        "rate",
    )
    percent = discount_curve(order, 300.0, example_campaign(), depths)
    np.testing.assert_allclose(amount.incremental_margin, percent.incremental_margin)
    np.testing.assert_array_equal(shipping.incremental_margin, percent.incremental_margin)


def test_discount_curve_without_a_crossing_has_no_break_even():
    curve = discount_curve(
        example_order(), 300.0, example_campaign(uplift=5.0), np.linspace(0.0, 0.1, 5)
    )
    assert curve.break_even is None


def test_a_curve_is_drawn_for_a_single_scenario():
    with pytest.raises(ValueError, match="single scenario"):
        uplift_curve(example_order(unit_price=[30.0, 40.0]), 300.0, example_campaign(), [0.0, 1.0])


# Scope -----------------------------------------------------------------------------------


def catalogue() -> pd.DataFrame:
    """Seven everyday products at about 50 % margin, three high-margin ones (in scope)."""
    return pd.DataFrame(
        {
            "price_incl_vat": [24, 30, 36, 18, 42, 27, 33, 45, 48, 39],
            "unit_cost": [12, 15, 17, 9, 20, 14, 16, 9, 8, 7],
            "weight": [12, 15, 10, 20, 8, 10, 10, 5, 5, 5],
            "in_scope": [False] * 7 + [True] * 3,
        }
    )


def two_for_one() -> CampaignInputs:
    return CampaignInputs(Mechanic.buy_x_get_y(1, 1, 1.0), uplift=0.6, fixed_costs=300.0)


def profile() -> OrderInputs:
    return example_order(units=2.0, unit_price=0.0, unit_cost=0.0)


def test_two_for_one_on_the_whole_catalogue_loses_money():
    whole = scoped_inputs(catalogue().assign(in_scope=True), profile())
    result = evaluate_scoped(whole, 2000.0, two_for_one())
    assert str(result.verdict) == "never_breaks_even"
    assert float(result.incremental.margin) < 0


def test_two_for_one_on_three_high_margin_products_pays():
    scoped = scoped_inputs(catalogue(), profile())
    result = evaluate_scoped(scoped, 2000.0, two_for_one())
    assert scoped.in_scope_share == pytest.approx(0.15)
    assert scoped.in_scope.unit_price == pytest.approx(44.0)
    assert str(result.verdict) == "profitable"
    assert float(result.break_even_uplift) == pytest.approx(0.4924, abs=1e-4)


def test_whole_catalogue_scope_equals_the_unscoped_evaluation():
    products = catalogue().assign(in_scope=True)
    scoped = evaluate_scoped(scoped_inputs(products, profile()), 2000.0, two_for_one())
    weights = products["weight"]
    average = replace(
        profile(),
        unit_price=np.average(products["price_incl_vat"], weights=weights),
        unit_cost=np.average(products["unit_cost"], weights=weights),
    )
    unscoped = evaluate(average, 2000.0, two_for_one())
    assert_same_document(scoped.as_dict(), unscoped.as_dict())


def assert_same_document(left: dict, right: dict) -> None:
    assert left.keys() == right.keys()
    for key, value in left.items():
        if isinstance(value, dict):
            assert_same_document(value, right[key])
        elif isinstance(value, float):
            assert value == pytest.approx(right[key], rel=1e-12), key
        else:
            assert value == right[key], key


def test_out_of_scope_orders_keep_their_baseline_economics():
    scoped = scoped_inputs(catalogue(), profile())
    result = evaluate_scoped(scoped, 2000.0, two_for_one())
    rest = per_order(scoped.out_of_scope)
    assert float(result.campaign.orders) == pytest.approx(2000.0 * 0.85 + 2000.0 * 0.15 * 1.6)
    in_scope_only = evaluate(scoped.in_scope, 300.0, two_for_one())
    assert float(result.campaign.margin) == pytest.approx(
        float(in_scope_only.campaign.margin) + 1700.0 * float(rest.margin)
    )
    assert float(result.incremental.margin) == pytest.approx(
        float(in_scope_only.incremental.margin)
    )


def test_scope_converts_prices_incl_vat_when_the_profile_excludes_vat():
    scoped = scoped_inputs(catalogue(), replace(profile(), prices_include_vat=False))
    assert scoped.in_scope.unit_price == pytest.approx(44.0 / 1.2)


def test_a_scope_without_sales_is_refused():
    with pytest.raises(ValueError, match="nothing in scope"):
        scoped_inputs(catalogue().assign(in_scope=False), profile())
