"""``manage.py simulate``: the contract on the command line (JSON in, JSON out, status 2)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from campaigns.contract import simulate
from tests.campaigns.simulate_documents import BAD_DOCUMENTS, EXAMPLE

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("simulate", *args, stdout=out)
    return json.loads(out.getvalue())


def refusal(*args: str) -> CommandError:
    with pytest.raises(CommandError) as refused:
        call_command("simulate", *args, stdout=io.StringIO())
    assert refused.value.returncode == 2
    return refused.value


def test_worked_example_from_a_file(tmp_path):
    path = tmp_path / "campaign.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    result = run(str(path))
    assert result == simulate(EXAMPLE)
    assert result["incremental"]["margin"] == pytest.approx(-1517.715, abs=1e-4)
    assert result["verdict"] == "loses_margin"


def test_worked_example_from_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(EXAMPLE)))
    result = run("-")
    assert result["break_even_uplift"] == pytest.approx(0.9797, abs=1e-4)
    assert result["totals"]["campaign"]["margin"] == pytest.approx(3745.955, abs=1e-4)


@pytest.mark.parametrize(
    ("bad", "field"),
    [pytest.param(bad, field, id=what) for what, bad, field in BAD_DOCUMENTS],
)
def test_bad_input_exits_with_status_2_naming_the_field(tmp_path, bad, field):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert str(refusal(str(path))).startswith(f"{field}: ")


def test_a_missing_file_exits_with_status_2(tmp_path):
    assert "cannot read" in str(refusal(str(tmp_path / "absent.json")))


@pytest.mark.parametrize("text", ["", "{", "{'vat_rate': 0.2}", "vat_rate = 0.2"])
def test_invalid_json_exits_with_status_2(monkeypatch, text):
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert "standard input is not valid JSON" in str(refusal("-"))


def test_a_file_that_is_not_text_exits_with_status_2(tmp_path):
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00")
    assert "not valid JSON" in str(refusal(str(path)))


def test_the_real_command_prints_the_contract_from_standard_input():
    done = subprocess.run(
        [sys.executable, "manage.py", "simulate", "-"],
        input=json.dumps(EXAMPLE),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == simulate(EXAMPLE)


def test_the_real_command_exits_with_status_2_on_bad_input():
    bad = json.loads(json.dumps(EXAMPLE))
    bad["order"]["unit_price"] = -30
    done = subprocess.run(
        [sys.executable, "manage.py", "simulate", "-"],
        input=json.dumps(bad),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 2
    assert "order.unit_price" in done.stderr
    assert done.stdout == ""
