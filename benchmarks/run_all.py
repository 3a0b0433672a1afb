"""Run every benchmark of the project, one after the other (`make bench`), and say which missed.

Each ``bench_*.py`` runs in its own process with the environment given (``bench_load.py``
starts the production stack, loads it with locust and stops it, twice: at its 20 users and at
``--users 50``, the two budgets of issue 18); the database
benchmark (``bench_kpis_db.py``) runs a second time on PostgreSQL when one answers at
``BENCH_DATABASE_URL`` (default: the local server's ``plannerist`` database, which it never
touches: it works in a throw-away database of its own). Every benchmark runs even when an
earlier one misses its target; the exit status is 1 when any did.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plannerist")
ON_POSTGRES = {"bench_kpis_db.py"}
MORE_RUNS = {"bench_load.py": [["--users", "50"]]}  # beside the run with the script's defaults


def postgres_answers(url: str) -> bool:
    sys.path.insert(0, str(ROOT))
    from plannerist.probe import reachable

    return reachable(url, 5432)


def runs() -> list[tuple[str, list[str], dict[str, str]]]:
    """(name, command, environment) of every run."""
    embedded = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}}
    scripts = sorted(HERE.glob("bench_*.py"))
    planned = []
    for script in scripts:
        planned.append((script.name, [str(script)], embedded))
        planned += [(f"{script.name} {' '.join(args)}", [str(script), *args], embedded)
                    for args in MORE_RUNS.get(script.name, [])]  # fmt: skip
    if postgres_answers(PG_URL):
        planned += [(f"{script.name} on PostgreSQL", [str(script)], {**embedded, "DATABASE_URL": PG_URL})
                    for script in scripts if script.name in ON_POSTGRES]  # fmt: skip
    else:
        print(f"(PostgreSQL does not answer at {PG_URL}: the database benchmark runs on SQLite only)")
    return planned


def main() -> int:
    results = []
    for name, command, env in runs():
        print(f"\n== {name}", flush=True)
        start = time.monotonic()
        code = subprocess.run([sys.executable, *command], cwd=ROOT, env=env).returncode
        results.append((name, code, time.monotonic() - start))
    print("\n== Summary")
    for name, code, seconds in results:
        print(f"   {'ok    ' if code == 0 else 'MISSED' if code == 1 else f'FAILED ({code})'}  {name}  ({seconds:.0f} s)")
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
