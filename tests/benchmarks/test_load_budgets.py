"""The load test's budget rules (benchmarks/load/budgets.py): a locust statistics table in,
the verdicts out. No stack, no database."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "load" / "budgets.py"
_spec = importlib.util.spec_from_file_location("load_budgets", _PATH)
budgets = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = budgets  # dataclasses look their module up
_spec.loader.exec_module(budgets)


def row(name: str, p95: float | str, *, method: str = "GET", count: int = 100, failures: int = 0) -> dict[str, str]:
    return {"Type": method, "Name": name, "Request Count": str(count), "Failure Count": str(failures), "95%": str(p95)}


def table(*rows: dict[str, str], probe: float | None = 20, failures: int = 0) -> dict[str, dict[str, str]]:
    all_rows = [*rows, *([row(budgets.BASELINE, probe)] if probe is not None else [])]
    total = sum(int(r["Request Count"]) for r in all_rows)
    return {**{r["Name"]: r for r in all_rows},
            "Aggregated": {"Type": "", "Name": "Aggregated", "Request Count": str(total),
                           "Failure Count": str(failures), "95%": "50"}}


def verdict(judgement, name: str):
    return next(v for v in judgement.verdicts if v.name == name)


def test_a_read_exactly_at_three_times_the_probe_passes_at_20_users():
    judgement = budgets.judge(table(row("dashboard", 60)), users=20)
    assert verdict(judgement, "dashboard").ratio == pytest.approx(3.0)
    assert judgement.ok and judgement.problems == []


def test_a_read_above_three_times_the_probe_fails_at_20_users_and_names_it():
    judgement = budgets.judge(table(row("dashboard", 61)), users=20)
    assert not verdict(judgement, "dashboard").within
    assert not judgement.ok
    assert judgement.problems == ["dashboard: p95 3.05× the probe's (budget ≤ 3×)"]


def test_reads_get_five_times_the_probe_at_50_users():
    judgement = budgets.judge(table(row("kpi page", 100), row("portfolio", 101)), users=50)
    assert verdict(judgement, "kpi page").within and verdict(judgement, "kpi page").budget == 5.0
    assert not verdict(judgement, "portfolio").within
    assert [p.split(":")[0] for p in judgement.problems] == ["portfolio"]


def test_the_whatif_partial_is_a_read_though_it_is_a_post():
    judgement = budgets.judge(table(row("what-if partial", 70, method="POST")), users=20)
    assert verdict(judgement, "what-if partial").kind == "read"
    assert not judgement.ok  # 3.5× is over a read's 3×, within a write's 10×


@pytest.mark.parametrize("users", [20, 50])
def test_writes_get_ten_times_the_probe_at_20_and_at_50_users(users):
    judgement = budgets.judge(table(row("import confirm", 200, method="POST"),
                                    row("import preview", 201, method="POST")), users=users)
    assert verdict(judgement, "import confirm").kind == "write"
    assert verdict(judgement, "import confirm").within
    assert not verdict(judgement, "import preview").within
    assert judgement.problems == ["import preview: p95 10.05× the probe's (budget ≤ 10×)"]


def test_a_missing_probe_fails_the_run_saying_so():
    judgement = budgets.judge(table(row("dashboard", 30), probe=None), users=20)
    assert not judgement.ok
    assert judgement.problems == [f"no p95 of the no-query probe ({budgets.BASELINE!r}) to compare the requests with"]
    assert verdict(judgement, "dashboard").ratio is None


def test_a_probe_never_made_after_the_restart_counts_as_missing():
    rows = table(row("dashboard", 30))
    rows[budgets.BASELINE] = row(budgets.BASELINE, "N/A", count=0)
    assert not budgets.judge(rows, users=20).ok


def test_errors_over_a_thousandth_fail_and_at_it_pass():
    over = table(row("dashboard", 30, count=899), failures=1)  # 1 of 999 (the probe makes 100)
    assert not budgets.judge(over, users=20).ok
    assert budgets.judge(over, users=20).problems == ["errors 1/999 = 0.1001% (budget ≤ 0.1%)"]
    within = table(row("dashboard", 30, count=900), failures=1)  # 1 of 1,000
    assert budgets.judge(within, users=20).ok
    assert budgets.judge(within, users=20).error_ratio == pytest.approx(0.001)


def test_logins_probes_and_requests_made_only_before_the_restart_have_no_budget():
    rows = table(row("dashboard", 30), row("login", 900, method="POST"), row("campaign page", 999, count=0),
                 row("health (one query)", 25))
    judgement = budgets.judge(rows, users=20)
    assert {v.name for v in judgement.verdicts} == {"dashboard", "health (one query)"}
    assert judgement.ok


def test_no_request_at_all_fails():
    judgement = budgets.judge({}, users=20)
    assert not judgement.ok
    assert "no request measured" in judgement.problems


def test_a_probe_slower_than_a_free_worker_answers_says_the_stack_was_saturated():
    assert not budgets.judge(table(row("dashboard", 300), probe=100), users=50).saturated
    saturated = budgets.judge(table(row("dashboard", 300), probe=101), users=50)
    assert saturated.saturated and saturated.ok  # said, not a budget
