"""Issue 12 item 20 in the JSON command contracts: ``manage.py capacity``, ``simulate`` and
``erlang`` refuse a date outside 2000–2100, a period over three years and a non-finite or
absurd number (over 1e9 in size) with exit status 2, naming the field, as the forms do."""

from __future__ import annotations

import copy
import json

import pytest

from tests.campaigns.simulate_documents import EXAMPLE
from tests.capacity.documents import example_document
from tests.capacity.test_commands import manage


def _capacity(capsys, monkeypatch, document) -> tuple[int, str]:
    status, _out, err = manage(capsys, monkeypatch, "capacity", "-", stdin=json.dumps(document))
    return status, err


def test_the_capacity_example_still_answers(capsys, monkeypatch):
    assert _capacity(capsys, monkeypatch, example_document())[0] == 0


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"start": "1999-12-31"}, "start", "2000-01-01"),
    ({"end": "9999-12-31"}, "end", "2100-12-31"),
    ({"start": "0001-01-01"}, "start", "2000-01-01"),
    ({"start": "2026-01-01", "end": "2029-01-31"}, "end", "three years"),
])
def test_capacity_refuses_dates_out_of_bounds_and_periods_over_three_years(capsys, monkeypatch, change, field, words):
    document = {**example_document(), **change}
    status, err = _capacity(capsys, monkeypatch, document)
    assert status == 2
    assert err.startswith(f"CommandError: {field}") or f"{field}:" in err, err
    assert words in err


def test_capacity_refuses_an_absurd_number_naming_it(capsys, monkeypatch):
    document = example_document()
    document["target_utilization"] = 1e308
    status, err = _capacity(capsys, monkeypatch, document)
    assert status == 2 and "target_utilization" in err and "1e+09" in err, err


def test_capacity_accepts_a_period_of_exactly_three_years(capsys, monkeypatch):
    document = {**example_document(), "start": "2026-01-01", "end": "2028-12-31"}  # 1,096 days
    status, err = _capacity(capsys, monkeypatch, document)
    assert status == 0, err


@pytest.mark.parametrize(("path", "value"), [
    (("order", "unit_price"), 1e308),
    (("order", "unit_cost"), 5e9),
    (("baseline", "orders"), 1e12),
    (("campaign", "fixed_costs"), 1e10),
])
def test_simulate_refuses_absurd_numbers_naming_the_field(capsys, monkeypatch, path, value):
    document = copy.deepcopy(EXAMPLE)
    document[path[0]][path[1]] = value
    status, _out, err = manage(capsys, monkeypatch, "simulate", "-", stdin=json.dumps(document))
    assert status == 2
    assert ".".join(path) in err and "1e+09" in err, err


def test_simulate_refuses_a_non_finite_number(capsys, monkeypatch):
    document = copy.deepcopy(EXAMPLE)
    document["baseline"]["orders"] = float("inf")  # written as Infinity, which Python's JSON reads
    status, _out, err = manage(capsys, monkeypatch, "simulate", "-", stdin=json.dumps(document))
    assert status == 2 and "baseline.orders" in err and "finite" in err, err


@pytest.mark.parametrize(("option", "value"), [
    ("--contacts-per-hour", "inf"), ("--contacts-per-hour", "nan"), ("--aht-seconds", "1e308"),
    ("--answer-seconds", "5e9"),
])
def test_erlang_refuses_non_finite_and_absurd_numbers_naming_the_option(capsys, monkeypatch, option, value):
    args = {"--contacts-per-hour": "100", "--aht-seconds": "180", "--answer-seconds": "20", "--service-level": "0.8"}
    args[option] = value
    status, _out, err = manage(capsys, monkeypatch, "erlang", *[x for kv in args.items() for x in kv])
    assert status == 2
    assert option in err, err
