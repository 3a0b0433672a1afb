"""The load test's budgets (issue 18), as a pure function of locust's statistics table.

Every request's p95 is compared with the no-query health probe's p95 of the same run, so the
budgets hold whatever the machine: what a page costs beyond what any request costs there.

- a read (a GET, or the what-if partial: a POST that saves nothing) ≤ 3× the probe at 20
  users, ≤ 5× above 20 users (the issue's 50-user run);
- a write (import preview and confirm, any save) ≤ 10× the probe, at 20 users and at 50: the
  issue sets no looser budget for more users, so none is assumed;
- at most 0.1 % of all requests failed.

The ratios say what a page costs only while requests mostly find a free worker: when the
probe's own p95 passes :data:`SATURATED_PROBE_MS`, the stack is saturated (every request waits
in the same queue, and the ratios tend to 1 whatever the pages cost); the report says so
beside the verdicts rather than pass or fail on it, the issue setting no such budget.

The probes themselves and the logins (set-up requests, deliberately slow password hashes,
counted only when set-up failed) have no budget. No Django import: ``bench_load.py`` and the
unit tests (``tests/benchmarks/test_load_budgets.py``) load it as a plain module.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

BASELINE = "health (no query)"
MAX_ERROR_RATIO = 0.001
READ_BUDGET = 3.0  # × the probe's p95, up to READ_BUDGET_USERS users
READ_BUDGET_LOADED = 5.0  # above them
READ_BUDGET_USERS = 20
WRITE_BUDGET = 10.0
READS_BY_POST = frozenset({"what-if partial"})  # a POST that computes and saves nothing
SATURATED_PROBE_MS = 100.0  # a no-query request this slow waited for a worker
UNBUDGETED = frozenset({BASELINE, "login", "login page", "Aggregated"})


@dataclasses.dataclass(frozen=True)
class Verdict:
    """One request against its budget; ``ratio`` is None when either p95 is missing."""

    name: str
    kind: str  # "read" or "write"
    p95_ms: float | None
    ratio: float | None
    budget: float

    @property
    def within(self) -> bool:
        return self.ratio is not None and self.ratio <= self.budget


@dataclasses.dataclass(frozen=True)
class Judgement:
    baseline_ms: float | None
    verdicts: list[Verdict]
    requests: int
    failures: int
    problems: list[str]  # what failed the run, in words (empty: every budget met)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def saturated(self) -> bool:
        return self.baseline_ms is not None and self.baseline_ms > SATURATED_PROBE_MS

    @property
    def error_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 1.0


def read_budget(users: int) -> float:
    return READ_BUDGET if users <= READ_BUDGET_USERS else READ_BUDGET_LOADED


def kind_of(name: str, method: str) -> str:
    return "read" if method.upper() == "GET" or name in READS_BY_POST else "write"


def number(row: Mapping[str, str], column: str) -> float | None:
    value = row.get(column, "N/A")
    return None if value in {"", "N/A", None} else float(value)


def judge(rows: Mapping[str, Mapping[str, str]], *, users: int) -> Judgement:
    """Each measured request's p95 against the probe's, and the failures against their budget.

    ``rows`` is locust's ``*_stats.csv`` keyed by ``Name`` (its columns ``Type``, ``Request
    Count``, ``Failure Count``, ``95%``; the ``Aggregated`` row totals them). Requests never
    made after the statistics restarted (count 0) are left out."""
    problems = []
    probe = rows.get(BASELINE, {})
    baseline = number(probe, "95%") if int(probe.get("Request Count") or 0) else None
    if not baseline:
        problems.append(f"no p95 of the no-query probe ({BASELINE!r}) to compare the requests with")
    verdicts = []
    for name, row in rows.items():
        if name in UNBUDGETED or not int(row.get("Request Count") or 0):
            continue
        kind = kind_of(name, row.get("Type", ""))
        p95 = number(row, "95%")
        ratio = p95 / baseline if p95 is not None and baseline else None
        verdict = Verdict(name, kind, p95, ratio, read_budget(users) if kind == "read" else WRITE_BUDGET)
        verdicts.append(verdict)
        if baseline and not verdict.within:
            shown = "no p95" if ratio is None else f"p95 {ratio:.2f}× the probe's"
            problems.append(f"{name}: {shown} (budget ≤ {verdict.budget:g}×)")
    total = rows.get("Aggregated", {})
    requests, failures = int(total.get("Request Count") or 0), int(total.get("Failure Count") or 0)
    if not requests:
        problems.append("no request measured")
    elif failures / requests > MAX_ERROR_RATIO:
        problems.append(f"errors {failures}/{requests} = {failures / requests:.4%} (budget ≤ {MAX_ERROR_RATIO:.1%})")
    return Judgement(baseline, verdicts, requests, failures, problems)
