"""The bounds shared by every form: dates 2000–2100, periods ≤ 3 years, finite numbers."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError

from plannerist.fields import (
    MAX_PERIOD_DAYS,
    DateField,
    bound_inputs,
    validate_period,
    validate_plausible_date,
    validate_plausible_number,
)


@pytest.mark.parametrize("day", [dt.date(1999, 12, 31), dt.date(2101, 1, 1), dt.date(9999, 12, 31), dt.date(1, 1, 1)])
def test_dates_outside_2000_to_2100_are_refused(day):
    with pytest.raises(ValidationError):
        validate_plausible_date(day)


@pytest.mark.parametrize("day", [dt.date(2000, 1, 1), dt.date(2100, 12, 31)])
def test_the_bounds_themselves_are_accepted(day):
    validate_plausible_date(day)


def test_a_period_of_three_years_passes_and_one_day_more_does_not():
    start = dt.date(2026, 1, 1)
    validate_period(start, start + dt.timedelta(days=MAX_PERIOD_DAYS - 1))
    with pytest.raises(ValidationError):
        validate_period(start, start + dt.timedelta(days=MAX_PERIOD_DAYS))
    with pytest.raises(ValidationError):
        validate_period(start, start - dt.timedelta(days=1))


@pytest.mark.parametrize("value", [1e308, float("inf"), float("-inf"), float("nan"), Decimal("NaN"), 10**400, -2e9])
def test_numbers_must_be_finite_and_plausible(value):
    with pytest.raises(ValidationError):
        validate_plausible_number(value)


def test_bound_inputs_bounds_generated_date_and_number_fields():
    class Typed(forms.Form):
        day = forms.DateField()
        amount = forms.FloatField()
        chosen = DateField()

    form = Typed({"day": "9999-12-31", "amount": "1e308", "chosen": "0001-01-01"})
    bound_inputs(form)
    assert not form.is_valid()
    assert set(form.errors) == {"day", "amount", "chosen"}
    ok = Typed({"day": "2026-05-01", "amount": "12.5", "chosen": "2026-05-02"})
    bound_inputs(ok)
    assert ok.is_valid(), ok.errors
