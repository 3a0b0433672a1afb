"""``manage.py forecast`` and ``promo_history``: the contract of docs/forecasting.md § 4."""

from __future__ import annotations

import copy
import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from .synthetic import days, expected_orders, poisson

# The document's own example, verbatim.
DOC_FORECAST = {
    "country": "GB",
    "history": [{"date": "2009-12-01", "orders": 57}, {"date": "2009-12-02", "orders": 61}],
    "campaigns": [{"start": "2010-11-26", "end": "2010-11-29"}],
    "start": "2011-10-17",
    "end": "2011-12-09",
}
_HISTORY_DAYS = days("2023-01-02", "2024-03-31")
HISTORY = [
    {"date": day.date().isoformat(), "orders": int(value)}
    for day, value in zip(_HISTORY_DAYS, poisson(expected_orders(_HISTORY_DAYS)), strict=True)
]
FORECAST = {"country": "FR", "history": HISTORY, "start": "2024-04-01", "end": "2024-04-14"}
PROMO = {
    "country": "FR",
    "history": HISTORY,
    "campaigns": [
        {"name": "BF", "start": "2023-11-24", "end": "2023-11-27", "mechanic": {"type": "percent_off", "rate": 0.2}},
        {"name": "Soldes", "start": "2024-01-10", "end": "2024-01-16", "mechanic": {"type": "percent_off", "rate": 0.25}},
        {"name": "Port", "start": "2024-03-25", "end": "2024-04-07", "mechanic": {"type": "free_shipping"}},
    ],
}


def run(command: str, document: dict, tmp_path) -> dict:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = io.StringIO()
    call_command(command, str(path), stdout=out)
    return json.loads(out.getvalue())


def test_the_document_s_example_answers_in_the_document_s_shape(tmp_path):
    result = run("forecast", DOC_FORECAST, tmp_path)
    assert set(result) == {"days", "method", "history_days", "backtest"}
    assert set(result["backtest"]) == {"wape", "weekday_average_wape", "seasonal_naive_wape"}
    assert len(result["days"]) == 54
    assert result["days"][0]["date"] == "2011-10-17" and result["days"][-1]["date"] == "2011-12-09"
    assert set(result["days"][0]) == {"date", "orders", "orders_lo80", "orders_hi80"}
    assert result["history_days"] == 2


def test_a_forecast_gives_every_day_with_its_interval(tmp_path):
    result = run("forecast", FORECAST, tmp_path)
    assert [d["date"] for d in result["days"]][:2] == ["2024-04-01", "2024-04-02"]
    assert len(result["days"]) == 14
    for day in result["days"]:
        assert 0 <= day["orders_lo80"] <= day["orders"] <= day["orders_hi80"]
    assert result["history_days"] == len(HISTORY)
    assert result["backtest"]["wape"] <= result["backtest"]["weekday_average_wape"]
    assert isinstance(result["method"], str)


def test_promo_history_answers_in_the_document_s_shape(tmp_path):
    result = run("promo_history", PROMO, tmp_path)
    assert set(result) == {"campaigns", "pooled"}
    first, _, live = result["campaigns"]
    assert set(first) == {"name", "orders", "baseline_orders", "uplift", "uplift_lo80", "uplift_hi80", "dip_share", "projected"}
    assert first["name"] == "BF" and first["projected"] is None
    assert set(live["projected"]) == {"orders", "uplift", "uplift_lo80", "uplift_hi80"}
    (pooled,) = result["pooled"]
    assert pooled == {**pooled, "mechanic": "percent_off", "depth_band": "15-30", "n": 2}


def _with(document: dict, path: tuple, value) -> dict:
    changed = copy.deepcopy(document)
    target = changed
    for key in path[:-1]:
        target = target[key]
    if value is _DROP:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


_DROP = object()
SMALL = {**FORECAST, "history": HISTORY[:70], "start": "2023-03-20", "end": "2023-03-26"}
BAD = [
    ("unknown key", "forecast", SMALL, ("horizon",), 30, "horizon"),
    ("missing country", "forecast", SMALL, ("country",), _DROP, "country"),
    ("unknown country", "forecast", SMALL, ("country",), "XX", "country"),
    ("country not a string", "forecast", SMALL, ("country",), 33, "country"),
    ("missing history", "forecast", SMALL, ("history",), _DROP, "history"),
    ("history not a list", "forecast", SMALL, ("history",), {"2024-01-01": 3}, "history"),
    ("history row without orders", "forecast", SMALL, ("history", 3), {"date": "2023-01-05"}, "history[3].orders"),
    ("negative orders", "forecast", SMALL, ("history", 4, "orders"), -1, "history[4].orders"),
    ("orders beyond a billion a day", "forecast", SMALL, ("history", 4, "orders"), 1e300, "history[4].orders"),
    ("orders as a string", "forecast", SMALL, ("history", 4, "orders"), "12", "history[4].orders"),
    ("history dates out of order", "forecast", SMALL, ("history", 5, "date"), "2023-01-01", "history[5].date"),
    ("bad date", "forecast", SMALL, ("start",), "20/03/2023", "start"),
    ("end before start", "forecast", SMALL, ("end",), "2023-03-01", "end"),
    ("period over 3 years", "forecast", SMALL, ("end",), "2026-04-01", "end"),
    ("year before 2000", "forecast", SMALL, ("history", 0, "date"), "1999-12-31", "history[0].date"),
    ("year after 2100", "forecast", SMALL, ("end",), "2101-01-01", "end"),
    ("campaign ending before it starts", "forecast", {**SMALL, "campaigns": [{"start": "2023-02-10", "end": "2023-02-01"}]}, (), None, "campaigns[0].end"),
    ("campaign with an unknown key", "forecast", {**SMALL, "campaigns": [{"start": "2023-02-01", "end": "2023-02-05", "uplift": 1}]}, (), None, "campaigns[0].uplift"),
    ("start before the history", "forecast", SMALL, ("start",), "2022-12-01", "start"),
    ("bad mechanic", "promo_history", PROMO, ("campaigns", 0, "mechanic", "type"), "half_price", "campaigns[0].mechanic.type"),
    ("mechanic rate over 1", "promo_history", PROMO, ("campaigns", 0, "mechanic", "rate"), 20, "campaigns[0].mechanic.rate"),
    ("missing mechanic", "promo_history", PROMO, ("campaigns", 1, "mechanic"), _DROP, "campaigns[1].mechanic"),
    ("negative dip_days", "promo_history", PROMO, ("dip_days",), -3, "dip_days"),
    ("dip_days as text", "promo_history", PROMO, ("dip_days",), "14", "dip_days"),
    ("campaigns missing", "promo_history", PROMO, ("campaigns",), _DROP, "campaigns"),
]


@pytest.mark.parametrize(
    ("command", "document", "path", "value", "field"),
    [pytest.param(c, d, p, v, f, id=what) for what, c, d, p, v, f in BAD],
)
def test_bad_input_exits_with_status_2_naming_the_field(tmp_path, command, document, path, value, field):
    bad = _with(document, path, value) if path else document
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command(command, str(source), stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert str(refused.value).startswith(f"{field}: ")


def test_not_json_exits_with_status_2(tmp_path):
    source = tmp_path / "bad.json"
    source.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("forecast", str(source), stdout=io.StringIO())
    assert refused.value.returncode == 2


def test_orders_may_be_counts_or_decimals_but_not_booleans(tmp_path):
    assert np.isfinite(run("forecast", _with(SMALL, ("history", 2, "orders"), 3.5), tmp_path)["days"][0]["orders"])
    with pytest.raises(CommandError):
        run("forecast", _with(SMALL, ("history", 2, "orders"), True), tmp_path)


def test_the_document_is_read_from_standard_input_with_a_dash(monkeypatch):
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(SMALL)))
    out = io.StringIO()
    call_command("forecast", "-", stdout=out)
    assert [d["date"] for d in json.loads(out.getvalue())["days"]][0] == "2023-03-20"
