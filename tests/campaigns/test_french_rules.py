"""French promotion rules (campaigns.engine.french_rules): pure, no database.

Sales-period dates 2024–2027 are those published by the Ministry of the Economy
(economie.gouv.fr, "Soldes d'hiver / d'été : les dates", and service-public.fr, "Soldes :
dates et règles") for the years published, the later ones computed by the rule of
Code de commerce art. D310-15-2 and D310-15-3 that those pages apply:
national winter 2024 10 Jan–6 Feb, summer 26 Jun–23 Jul; 2025 8 Jan–4 Feb, 25 Jun–22 Jul;
2026 7 Jan–3 Feb, 24 Jun–21 Jul; 2027 6 Jan–2 Feb, 23 Jun–20 Jul. Meurthe-et-Moselle,
Meuse, Moselle, Vosges: winter from 2 January. Alpes-Maritimes, Pyrénées-Orientales:
summer from the first Wednesday of July; Corse: from the second.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from campaigns.engine import french_rules as rules

NATIONAL = {
    2024: ((date(2024, 1, 10), date(2024, 2, 6)), (date(2024, 6, 26), date(2024, 7, 23))),
    2025: ((date(2025, 1, 8), date(2025, 2, 4)), (date(2025, 6, 25), date(2025, 7, 22))),
    2026: ((date(2026, 1, 7), date(2026, 2, 3)), (date(2026, 6, 24), date(2026, 7, 21))),
    2027: ((date(2027, 1, 6), date(2027, 2, 2)), (date(2027, 6, 23), date(2027, 7, 20))),
}


@pytest.mark.parametrize("year", sorted(NATIONAL))
def test_national_sales_periods_match_the_published_dates(year):
    periods = rules.sales_periods(year)
    assert [(p.start, p.end) for p in periods] == list(NATIONAL[year])
    assert [p.season for p in periods] == [rules.WINTER, rules.SUMMER]


@pytest.mark.parametrize(
    ("departement", "year", "season", "start", "end"),
    [
        ("57", 2024, rules.WINTER, date(2024, 1, 2), date(2024, 1, 29)),
        ("54", 2025, rules.WINTER, date(2025, 1, 2), date(2025, 1, 29)),
        ("88", 2026, rules.WINTER, date(2026, 1, 2), date(2026, 1, 29)),
        ("55", 2027, rules.WINTER, date(2027, 1, 2), date(2027, 1, 29)),
        ("06", 2024, rules.SUMMER, date(2024, 7, 3), date(2024, 7, 30)),
        ("66", 2025, rules.SUMMER, date(2025, 7, 2), date(2025, 7, 29)),
        ("6", 2026, rules.SUMMER, date(2026, 7, 1), date(2026, 7, 28)),
        ("66", 2027, rules.SUMMER, date(2027, 7, 7), date(2027, 8, 3)),
        ("2A", 2024, rules.SUMMER, date(2024, 7, 10), date(2024, 8, 6)),
        ("2b", 2025, rules.SUMMER, date(2025, 7, 9), date(2025, 8, 5)),
        ("2A", 2026, rules.SUMMER, date(2026, 7, 8), date(2026, 8, 4)),
        ("2B", 2027, rules.SUMMER, date(2027, 7, 14), date(2027, 8, 10)),
    ],
)
def test_departements_with_their_own_dates(departement, year, season, start, end):
    period = next(p for p in rules.sales_periods(year, departement) if p.season == season)
    assert (period.start, period.end) == (start, end)


def test_the_other_season_of_an_exception_departement_keeps_the_national_dates():
    moselle_summer = next(p for p in rules.sales_periods(2025, "57") if p.season == rules.SUMMER)
    nice_winter = next(p for p in rules.sales_periods(2025, "06") if p.season == rules.WINTER)
    assert (moselle_summer.start, nice_winter.start) == (date(2025, 6, 25), date(2025, 1, 8))


def test_lorraine_winter_sales_move_to_the_third_when_the_second_is_a_sunday():
    # 2 January 2028 is a Sunday
    assert rules.sales_periods(2028, "57")[0].start == date(2028, 1, 3)


def test_overseas_rules_follow_their_published_pattern():
    # 2017/2018 published dates (Les Echos Publishing, RTL, 2016–2018) under the same rules
    assert rules.sales_periods(2017, "971")[0].start == date(2017, 1, 7)  # Guadeloupe
    assert rules.sales_periods(2017, "975")[0].start == date(2017, 1, 18)  # St-Pierre
    assert rules.sales_periods(2017, "974")[0].start == date(2017, 2, 4)  # La Réunion
    assert rules.sales_periods(2018, "973")[0].start == date(2018, 1, 3)  # Guyane
    assert rules.sales_periods(2017, "977")[0].start == date(2017, 5, 6)  # St-Barthélemy


def test_a_campaign_called_soldes_outside_a_period_is_flagged():
    outside = rules.check_sales_period(
        date(2026, 3, 2), date(2026, 3, 8), name="Grandes soldes de printemps"
    )
    inside = rules.check_sales_period(date(2026, 1, 7), date(2026, 1, 20), name="Soldes d'hiver")
    straddling = rules.check_sales_period(date(2026, 1, 28), date(2026, 2, 10), description="Tout soldé !")
    plain = rules.check_sales_period(date(2026, 3, 2), date(2026, 3, 8), name="Fête des mères")
    assert (outside.mentions_soldes, outside.misuses_soldes, outside.within) == (True, True, False)
    assert (inside.misuses_soldes, inside.within, len(inside.periods)) == (False, True, 1)
    assert straddling.misuses_soldes and straddling.periods
    assert not plain.mentions_soldes and not plain.misuses_soldes


@pytest.mark.parametrize("text", ["SOLDES", "soldé", "Soldées", "les soldes d'été"])
def test_derivatives_of_soldes_count(text):
    assert rules.mentions_soldes(text)


@pytest.mark.parametrize("text", ["Soldat", "consolidé", "Black Friday", ""])
def test_other_words_do_not(text):
    assert not rules.mentions_soldes(text)


def _history(rows):
    return pd.DataFrame(rows, columns=["product", "date", "unit_price"])


CATALOGUE = pd.Series({"CANDLE": 30.0, "DIFFUSER": 45.0})


def test_an_earlier_ten_percent_within_thirty_days_lowers_the_reference_price():
    history = _history([("CANDLE", date(2026, 11, 10), 27.0), ("CANDLE", date(2026, 11, 12), 30.0)])
    reference = rules.reference_prices(history, CATALOGUE, date(2026, 11, 27))
    assert reference["CANDLE"] == pytest.approx(27.0)


def test_a_reduction_thirty_one_days_before_does_not():
    history = _history([("CANDLE", date(2026, 10, 27), 27.0), ("CANDLE", date(2026, 11, 20), 30.0)])
    # 27 Oct is 31 days before 27 Nov: outside the window of the 30 days before
    assert rules.reference_prices(history, CATALOGUE, date(2026, 11, 27))["CANDLE"] == 30.0
    inside = _history([("CANDLE", date(2026, 10, 28), 27.0)])
    assert rules.reference_prices(inside, CATALOGUE, date(2026, 11, 27))["CANDLE"] == 27.0


def test_a_product_never_sold_uses_its_catalogue_price():
    history = _history([("CANDLE", date(2026, 11, 20), 28.0)])
    reference = rules.reference_prices(history, CATALOGUE, date(2026, 11, 27))
    assert reference["DIFFUSER"] == 45.0


def test_successive_reductions_measure_from_before_the_first():
    # −10 % from 1 to 14 Nov, then the −20 % from 15 Nov: the reference is the price of the
    # 30 days before 1 Nov (L112-1-1 II), not the −10 % price.
    history = _history(
        [("CANDLE", date(2026, 10, 20), 30.0)]
        + [("CANDLE", date(2026, 11, day), 27.0) for day in range(1, 15)]
    )
    plain = rules.reference_prices(history, CATALOGUE, date(2026, 11, 15))
    chained = rules.reference_prices(
        history, CATALOGUE, date(2026, 11, 15), earlier_reductions=[(date(2026, 11, 1), date(2026, 11, 14))]
    )
    assert (plain["CANDLE"], chained["CANDLE"]) == (27.0, 30.0)


def _products(reference=30.0, cost=12.0):
    return pd.DataFrame(
        {"product": ["CANDLE"], "regular_price": [30.0], "reference_price": [reference], "unit_cost": [cost]}
    )


def test_minus_twenty_after_minus_ten_overstates_the_reduction():
    [check] = rules.check_products(
        _products(reference=27.0), "percent_off", rate=0.2, vat_rate=0.2, prices_include_vat=True,
        in_sales_period=False,
    )
    assert check.promo_price == pytest.approx(24.0)
    assert check.lawful_reduction == pytest.approx(1 - 24 / 27)
    assert check.overstates
    [fair] = rules.check_products(
        _products(), "percent_off", rate=0.2, vat_rate=0.2, prices_include_vat=True, in_sales_period=False
    )
    assert not fair.overstates


@pytest.mark.parametrize(
    ("mechanic", "params", "price_per_unit"),
    [
        ("percent_off", {"rate": 0.7}, 9.0),
        ("amount_off", {"amount": 21.0}, 9.0),
        ("buy_x_get_y", {"buy": 1, "get": 1, "get_discount": 1.0}, 15.0),
        ("buy_x_get_y", {"buy": 2, "get": 1, "get_discount": 1.0}, 20.0),
        ("free_shipping", {}, 30.0),
    ],
)
def test_price_per_unit_by_mechanic(mechanic, params, price_per_unit):
    assert rules.price_per_unit(30.0, mechanic, **params) == pytest.approx(price_per_unit)


@pytest.mark.parametrize(
    ("mechanic", "params", "below"),
    [
        ("percent_off", {"rate": 0.7}, True),  # 9.00 TTC = 7.50 HT < 12.00
        ("percent_off", {"rate": 0.5}, False),  # 15.00 TTC = 12.50 HT
        ("amount_off", {"amount": 16.0}, True),  # 14.00 TTC = 11.67 HT
        ("buy_x_get_y", {"buy": 1, "get": 1, "get_discount": 1.0}, False),  # 15.00 TTC = 12.50 HT
        ("buy_x_get_y", {"buy": 1, "get": 2, "get_discount": 1.0}, True),  # 10.00 TTC = 8.33 HT
        ("free_shipping", {}, False),
    ],
)
def test_below_cost_per_mechanic_outside_and_inside_the_sales_periods(mechanic, params, below):
    [outside] = rules.check_products(
        _products(), mechanic, vat_rate=0.2, prices_include_vat=True, in_sales_period=False, **params
    )
    [inside] = rules.check_products(
        _products(), mechanic, vat_rate=0.2, prices_include_vat=True, in_sales_period=True, **params
    )
    assert (outside.below_cost, outside.warn_below_cost) == (below, below)
    assert (inside.below_cost, inside.below_cost_exempt, inside.warn_below_cost) == (below, below, False)


def test_an_unknown_cost_is_never_called_below_cost():
    [check] = rules.check_products(
        _products(cost=np.nan), "percent_off", rate=0.9, vat_rate=0.2, prices_include_vat=True,
        in_sales_period=False,
    )
    assert check.unit_cost is None and not check.below_cost


def test_prices_excl_vat_are_compared_as_they_are():
    [check] = rules.check_products(
        _products(), "percent_off", rate=0.55, vat_rate=0.2, prices_include_vat=False, in_sales_period=False
    )
    assert check.price_excl_vat == pytest.approx(13.5) and not check.below_cost


def test_the_reference_from_the_lowest_charged_is_the_catalogue_price_when_lower_or_nothing_sold():
    lowest = np.array([27.0, np.nan, 33.0])  # a reduction charged; nothing sold; charged above today's price
    assert rules.reference_from_lowest(lowest, np.array([30.0, 45.0, 30.0])).tolist() == [27.0, 45.0, 30.0]
