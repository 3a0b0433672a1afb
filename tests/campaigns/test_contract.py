"""The ``simulate`` contract: the document it accepts, what it refuses, what it returns."""

from __future__ import annotations

import json

import pytest

from campaigns.contract import simulate
from plannerist.validation import InputError
from tests.campaigns.simulate_documents import (
    BAD_DOCUMENTS,
    DELETE,
    EXAMPLE,
    PER_ORDER_KEYS,
    document,
)


def test_worked_example_gives_the_contracts_numbers():
    result = simulate(EXAMPLE)
    base, during = result["per_order"]["baseline"], result["per_order"]["campaign"]
    assert base["paid_incl_vat"] == pytest.approx(49.90, abs=1e-4)
    assert base["revenue"] == pytest.approx(41.5833, abs=1e-4)
    assert base["payment_fees"] == pytest.approx(0.9486, abs=1e-4)
    assert base["returns"] == pytest.approx(1.9392, abs=1e-4)
    assert base["margin"] == pytest.approx(17.5456, abs=1e-4)
    assert base["margin_rate"] == pytest.approx(0.4219, abs=1e-4)
    assert during["paid_incl_vat"] == pytest.approx(40.90, abs=1e-4)
    assert during["revenue"] == pytest.approx(34.0833, abs=1e-4)
    assert during["payment_fees"] == pytest.approx(0.8226, abs=1e-4)
    assert during["returns"] == pytest.approx(1.5642, abs=1e-4)
    assert during["margin"] == pytest.approx(10.5466, abs=1e-4)
    assert result["totals"]["baseline"] == pytest.approx(
        {"orders": 300, "revenue": 12475.00, "margin": 5263.67}, abs=1e-4
    )
    assert result["totals"]["campaign"] == pytest.approx(
        {"orders": 450, "revenue": 15337.50, "margin": 3745.955}, abs=1e-4
    )
    assert result["incremental"] == pytest.approx(
        {"orders": 150, "revenue": 2862.50, "margin": -1517.715}, abs=1e-4
    )
    assert result["break_even_uplift"] == pytest.approx(0.9797, abs=1e-4)
    assert result["roi"] == pytest.approx(-1.5177, abs=1e-4)
    assert result["verdict"] == "loses_margin"


def test_output_has_exactly_the_contracts_keys():
    result = simulate(EXAMPLE)
    assert set(result) >= {
        "per_order",
        "totals",
        "incremental",
        "break_even_uplift",
        "roi",
        "verdict",
    }
    assert set(result["per_order"]) == {"baseline", "campaign"}
    assert set(result["per_order"]["baseline"]) == PER_ORDER_KEYS
    assert set(result["per_order"]["campaign"]) == PER_ORDER_KEYS
    assert set(result["totals"]) == {"baseline", "campaign"}
    for totals in (*result["totals"].values(), result["incremental"]):
        assert set(totals) == {"orders", "revenue", "margin"}


def test_output_keeps_full_precision_and_plain_json_types():
    result = simulate(EXAMPLE)
    assert result["per_order"]["baseline"]["revenue"] == 49.9 / 1.2
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    assert type(result["roi"]) is float


def test_optional_keys_take_their_defaults():
    explicit = simulate(EXAMPLE)
    implicit = simulate(
        document(
            prices_include_vat=DELETE,
            order__commission_rate=DELETE,
            campaign__return_rate=DELETE,
            campaign__support_contacts=DELETE,
        )
    )
    assert implicit == explicit
    no_fixed_costs = simulate(document(campaign__fixed_costs=DELETE))
    assert no_fixed_costs == simulate(document(campaign__fixed_costs=0))


def test_prices_excluding_vat_are_revenue_as_charged():
    result = simulate(document(prices_include_vat=False))
    assert result["per_order"]["baseline"]["revenue"] == pytest.approx(49.90)


def test_campaign_overrides_change_the_campaign_orders_only():
    result = simulate(document(campaign__return_rate=0.5, campaign__support_contacts=1.0))
    assert result["per_order"]["baseline"]["support"] == pytest.approx(0.35)
    assert result["per_order"]["campaign"]["support"] == pytest.approx(3.5)
    assert (
        result["per_order"]["campaign"]["returns"]
        > 10 * result["per_order"]["baseline"]["returns"] / 2
    )


def test_nulls_are_none():
    result = simulate(
        document(
            campaign__mechanic={"type": "percent_off", "rate": 1.0},
            campaign__fixed_costs=0,
            order__shipping_fee=0,
        )
    )
    assert result["roi"] is None
    assert result["break_even_uplift"] is None
    assert result["per_order"]["campaign"]["margin_rate"] is None
    assert result["verdict"] == "never_breaks_even"


@pytest.mark.parametrize(
    ("mechanic", "campaign_paid"),
    [
        ({"type": "none"}, 49.90),
        ({"type": "amount_off", "amount": 5.0}, 42.40),
        ({"type": "buy_x_get_y", "buy": 1, "get": 1, "get_discount": 1.0}, 49.90),
        ({"type": "buy_x_get_y", "buy": 2, "get": 1, "get_discount": 0.5}, 61.15),
        ({"type": "free_shipping"}, 45.0),
    ],
)
def test_every_mechanic_is_accepted(mechanic, campaign_paid):
    result = simulate(document(campaign__mechanic=mechanic))
    assert result["per_order"]["campaign"]["paid_incl_vat"] == pytest.approx(campaign_paid)


@pytest.mark.parametrize(
    ("bad", "field"),
    [pytest.param(bad, field, id=what) for what, bad, field in BAD_DOCUMENTS],
)
def test_bad_input_is_refused_naming_the_field(bad, field):
    with pytest.raises(InputError) as refused:
        simulate(bad)
    assert refused.value.field == field
    assert str(refused.value).startswith(f"{field}: ")
