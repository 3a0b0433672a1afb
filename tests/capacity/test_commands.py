"""``manage.py capacity`` and ``manage.py erlang``: JSON out, exit status 2 on bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import execute_from_command_line

from tests.capacity.documents import example_document

ROOT = Path(__file__).resolve().parents[2]


def manage(capsys, monkeypatch, *argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    """Run a command as the shell would (argument parsing, exit status), in this process."""
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        execute_from_command_line(["manage.py", *argv])
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def check_worked_example(output: str) -> None:
    report = json.loads(output)
    summary = report["summary"]["Preparation"]
    assert summary["peak_utilization"] == pytest.approx(5.4454, abs=1e-4)
    assert summary["overloaded_days"] == 9
    assert summary["max_delay_days"] == pytest.approx(11.1277, abs=1e-4)
    assert summary["extra_hours"] == pytest.approx(102.7647, abs=1e-4)
    assert summary["extra_cost"] == pytest.approx(2569.12, abs=1e-2)
    assert summary["infeasible_days"] == 6
    assert report["stock"]["CANDLE-01"] == {
        "stockout_date": "2026-12-31",
        "min_units": pytest.approx(-12.32),
    }
    friday = next(r for r in report["days"] if r["date"] == "2026-11-27")
    assert friday["backlog_hours"] == pytest.approx(10.25)
    assert friday["feasible"] is False


def test_capacity_reads_the_worked_example_from_a_file(capsys, monkeypatch, tmp_path):
    path = tmp_path / "capacity.json"
    path.write_text(json.dumps(example_document()), encoding="utf-8")
    status, out, err = manage(capsys, monkeypatch, "capacity", str(path))
    assert (status, err) == (0, "")
    check_worked_example(out)


def test_capacity_reads_the_worked_example_from_standard_input(capsys, monkeypatch):
    status, out, _ = manage(
        capsys, monkeypatch, "capacity", "-", stdin=json.dumps(example_document())
    )
    assert status == 0
    check_worked_example(out)


def test_capacity_prints_null_not_nan_on_days_off(capsys, monkeypatch):
    _, out, _ = manage(capsys, monkeypatch, "capacity", "-", stdin=json.dumps(example_document()))
    assert "NaN" not in out
    saturday = next(r for r in json.loads(out)["days"] if r["date"] == "2026-11-28")
    assert saturday["utilization"] is None


def _with(path: list, value):
    document = example_document()
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return json.dumps(document)


_DELETE = object()

BAD_INPUT = {
    "unknown key": (_with(["colour"], "red"), "colour"),
    "missing key": (_with(["start"], _DELETE), "start"),
    "wrong type": (_with(["demand", "orders_per_day"], "forty"), "demand.orders_per_day"),
    "boolean as a number": (_with(["target_utilization"], True), "target_utilization"),
    "short hours": (
        _with(["resources", 0, "hours_per_weekday"], [7] * 5),
        "resources[0].hours_per_weekday",
    ),
    "negative hours": (
        _with(["resources", 0, "hours_per_weekday", 2], -7),
        "resources[0].hours_per_weekday[2]",
    ),
    "efficiency above 1": (_with(["resources", 0, "efficiency"], 1.5), "resources[0].efficiency"),
    "target above 1": (_with(["target_utilization"], 1.2), "target_utilization"),
    "rate above 1": (_with(["order_profile", "return_rate"], 2), "order_profile.return_rate"),
    "end before start": (_with(["end"], "2026-11-22"), "end"),
    "campaign end before start": (_with(["campaigns", 0, "end"], "2026-11-25"), "campaigns[0].end"),
    "campaign outside the period": (
        _with(["campaigns", 0, "end"], "2027-01-10"),
        "campaigns[0].end",
    ),
    "negative minutes": (
        _with(["resources", 0, "minutes_per_order"], -6),
        "resources[0].minutes_per_order",
    ),
    "bad date": (_with(["start"], "23/11/2026"), "start"),
    "unknown country": (_with(["country"], "ZZ"), "country"),
    "share above 1": (_with(["stock", 0, "share_of_units"], 1.5), "stock[0].share_of_units"),
    "not JSON": ('{"start": "2026-11-23",', "standard input is not valid JSON"),
    "not an object": ("[1, 2, 3]", "document"),
}


@pytest.mark.parametrize("stdin, field", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_capacity_refuses_bad_input_naming_the_field_with_status_2(
    capsys, monkeypatch, stdin, field
):
    status, out, err = manage(capsys, monkeypatch, "capacity", "-", stdin=stdin)
    assert status == 2
    assert out == ""
    assert f"{field}" in err


def test_capacity_refuses_a_missing_file_with_status_2(capsys, monkeypatch, tmp_path):
    status, _, err = manage(capsys, monkeypatch, "capacity", str(tmp_path / "absent.json"))
    assert status == 2
    assert "cannot read" in err and "absent.json" in err


def test_capacity_without_a_file_argument_exits_2(capsys, monkeypatch):
    status, _, err = manage(capsys, monkeypatch, "capacity")
    assert status == 2
    assert "file" in err


def test_erlang_prints_the_worked_example(capsys, monkeypatch):
    status, out, _ = manage(
        capsys,
        monkeypatch,
        "erlang",
        "--contacts-per-hour",
        "100",
        "--aht-seconds",
        "180",
        "--answer-seconds",
        "20",
        "--service-level",
        "0.8",
    )
    assert status == 0
    assert json.loads(out) == {
        "agents": 8,
        "service_level": pytest.approx(0.8801, abs=1e-4),
        "asa_seconds": pytest.approx(10.036, abs=1e-3),
        "occupancy": 0.625,
    }


ERLANG_OK = {
    "--contacts-per-hour": "100",
    "--aht-seconds": "180",
    "--answer-seconds": "20",
    "--service-level": "0.8",
}


@pytest.mark.parametrize(
    "option, value",
    [
        ("--contacts-per-hour", "-5"),
        ("--contacts-per-hour", "abc"),
        ("--contacts-per-hour", "nan"),
        ("--aht-seconds", "0"),
        ("--answer-seconds", "-1"),
        ("--service-level", "1"),
        ("--service-level", "0"),
        ("--service-level", "80"),
    ],
)
def test_erlang_refuses_bad_input_naming_the_option_with_status_2(
    capsys, monkeypatch, option, value
):
    argv = [part for key, val in {**ERLANG_OK, option: value}.items() for part in (key, val)]
    status, out, err = manage(capsys, monkeypatch, "erlang", *argv)
    assert status == 2
    assert out == ""
    assert option in err


def test_erlang_without_an_option_exits_2(capsys, monkeypatch):
    status, _, err = manage(capsys, monkeypatch, "erlang", "--contacts-per-hour", "100")
    assert status == 2
    assert "--aht-seconds" in err


def _subprocess(*argv: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_capacity_process_exits_2_on_bad_standard_input():
    result = _subprocess("capacity", "-", stdin=_with(["resources", 0, "efficiency"], 0))
    assert result.returncode == 2
    assert "resources[0].efficiency" in result.stderr
    assert result.stdout == ""


def test_capacity_process_prints_the_worked_example():
    result = _subprocess("capacity", "-", stdin=json.dumps(example_document()))
    assert result.returncode == 0, result.stderr
    check_worked_example(result.stdout)
