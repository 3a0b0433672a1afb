"""Load test of the production topology: many users at once against gunicorn, PostgreSQL,
Redis and a Celery worker, as ``scripts/stack`` runs them (``make load``).

    .venv/bin/python benchmarks/bench_load.py [--users 20] [--duration 60s] [--organisations 20]

Starts the stack unless it already runs (and stops it afterwards; ``--keep-stack`` leaves it
up), seeds the load organisations into its database (``load/seed.py``, once), runs locust
headless (``load/locustfile.py``) with ``--csv`` into ``benchmarks/results/``, prints
p50/p95/p99 and requests per second for every request, each p95 against the no-query
health probe's p95 of the same run and its budget (``load/budgets.py``: reads ≤ 3× at 20
users and ≤ 5× above, writes ≤ 10×, errors ≤ 0.1 %), "OVER BUDGET" beside each one missed;
exit 1 past any budget. Needs locust: ``pip install -e '.[load]'`` (``make load`` does).
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STACK = ROOT / "scripts" / "stack"
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE / "load"))

import budgets  # noqa: E402


def stack(*args: str) -> subprocess.CompletedProcess:
    """``scripts/stack ARGS``: its output captured, its messages (stderr) shown."""
    return subprocess.run([str(STACK), *args], cwd=ROOT, stdout=subprocess.PIPE, text=True)


def stack_env() -> dict[str, str]:
    result = stack("env")
    if result.returncode != 0:
        sys.exit("scripts/stack env failed")
    return dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)


def load_password(directory: Path) -> str:
    """The load accounts' password: made once, kept beside the stack's other secrets."""
    path = directory / "load-password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(18))
        path.chmod(0o600)
    return path.read_text().strip()


def seed(env: dict[str, str], organisations: int) -> None:
    # Without the broker, the seed's recomputes run in-process: the worker starts the test idle.
    seeding = {k: v for k, v in env.items() if k not in {"PLANNERIST_PRODUCTION", "CELERY_BROKER_URL"}}
    subprocess.run([sys.executable, str(HERE / "load" / "seed.py"), "--organisations", str(organisations)],
                   cwd=ROOT, env=seeding, check=True)


def run_locust(env: dict[str, str], url: str, args: argparse.Namespace) -> Path:
    locust = Path(sys.executable).parent / "locust"
    if not locust.exists():
        sys.exit("locust is not installed: `make load` installs it (pip install -e '.[load]').")
    RESULTS.mkdir(exist_ok=True)
    prefix = RESULTS / f"load_{args.users}u"
    subprocess.run(
        [str(locust), "-f", str(HERE / "load" / "locustfile.py"), "--headless", "--only-summary",
         "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", args.duration,
         "--host", url, "--csv", str(prefix), "--loglevel", "WARNING"],
        cwd=ROOT, env=env, check=False,  # locust exits 1 on any failure: the budgets below decide
    )
    return prefix


def read_stats(prefix: Path) -> dict[str, dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def report(rows: dict[str, dict[str, str]], users: int) -> bool:
    """Print every request's figures, its ratio to the probe and its budget; True when all are met."""
    judgement = budgets.judge(rows, users=users)
    verdicts = {v.name: v for v in judgement.verdicts}
    print(f"\n{'request':<30} {'count':>6} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>6} "
          f"{'p95/probe':>9} {'budget':>7}")
    for name, row in rows.items():
        if row["Request Count"] == "0" or name == "Aggregated":  # set-up requests, made before the restart
            continue
        verdict = verdicts.get(name)
        ratio = "—" if verdict is None or verdict.ratio is None else f"{verdict.ratio:.2f}×"
        budget = "—" if verdict is None else f"≤ {verdict.budget:g}×"
        flag = "  OVER BUDGET" if verdict is not None and not verdict.within else ""
        print(f"{name:<30} {row['Request Count']:>6} {row['Failure Count']:>5} {budgets.number(row, '50%') or 0:>7.0f} "
              f"{budgets.number(row, '95%') or 0:>7.0f} {budgets.number(row, '99%') or 0:>7.0f} "
              f"{float(row['Requests/s']):>6.1f} {ratio:>9} {budget:>7}{flag}")
    errors_ok = judgement.requests > 0 and judgement.error_ratio <= budgets.MAX_ERROR_RATIO
    print(f"\nat {users} users, against the probe's p95 of {judgement.baseline_ms or 0:.0f} ms: errors "
          f"{judgement.failures}/{judgement.requests} = {judgement.error_ratio:.3%} "
          f"(budget ≤ {budgets.MAX_ERROR_RATIO:.1%}){'' if errors_ok else '  OVER BUDGET'}")
    for problem in judgement.problems:
        print(f"OVER BUDGET: {problem}")
    if judgement.saturated:
        print(f"note: the no-query probe's own p95 is {judgement.baseline_ms:.0f} ms (over "
              f"{budgets.SATURATED_PROBE_MS:.0f}): the stack was saturated, requests waited for a worker, "
              "and the ratios compare those waits more than what the pages cost")
    return judgement.ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", default="60s", help="locust's --run-time: 60s, 5m…")
    parser.add_argument("--organisations", type=int, default=20)
    parser.add_argument("--keep-stack", action="store_true", help="leave the stack running afterwards")
    args = parser.parse_args()

    stack_vars = stack_env()
    started = stack("status").returncode != 0
    if started:
        print("Starting the stack (scripts/stack start)…", flush=True)
        if stack("start").returncode != 0:
            sys.exit("the stack did not start")
    try:
        load = {
            "PLANNERIST_LOAD_PASSWORD": load_password(Path(stack_vars["PLANNERIST_VAR_DIR"])),
            "PLANNERIST_LOAD_ORGANISATIONS": str(args.organisations),
            # requests lets REQUESTS_CA_BUNDLE (or CURL_CA_BUNDLE) override a session's own CA.
            "PLANNERIST_LOAD_CA": stack_vars["STACK_CERT"], "REQUESTS_CA_BUNDLE": stack_vars["STACK_CERT"],
        }
        seed({**os.environ, **stack_vars, **load}, args.organisations)
        before = os.getloadavg()
        print(f"locust: {args.users} users for {args.duration} against {stack_vars['STACK_URL']} "
              f"(load average {before[0]:.2f} {before[1]:.2f} {before[2]:.2f})", flush=True)
        if before[0] >= (os.cpu_count() or 1) / 2:
            print("note: the machine is already busy: these figures say what it does beside that work, "
                  "not what the stack does alone", flush=True)
        prefix = run_locust({**os.environ, **load}, stack_vars["STACK_URL"], args)
        after = os.getloadavg()
        ok = report(read_stats(prefix), args.users)
        print(f"load average after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}; CSV: {prefix}_stats.csv")
    finally:
        if started and not args.keep_stack:
            stack("stop")
    print("OK" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
