"""Run every benchmark of the project, one after the other (`make bench`), and say which missed.

Each ``bench_*.py`` runs in its own process with the environment given (``bench_load.py``
starts the production stack, loads it with locust and stops it); the database
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


def postgres_answers(url: str) -> bool:
    sys.path.insert(0, str(ROOT))
    from plannerist.probe import reachable

    return reachable(url, 5432)


def runs() -> list[tuple[str, Path, dict[str, str]]]:
    embedded = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}}
    scripts = sorted(HERE.glob("bench_*.py"))
    planned = [(script.name, script, embedded) for script in scripts]
    if postgres_answers(PG_URL):
        planned += [(f"{script.name} on PostgreSQL", script, {**embedded, "DATABASE_URL": PG_URL})
                    for script in scripts if script.name in ON_POSTGRES]  # fmt: skip
    else:
        print(f"(PostgreSQL does not answer at {PG_URL}: the database benchmark runs on SQLite only)")
    return planned


def main() -> int:
    results = []
    for name, script, env in runs():
        print(f"\n== {name}", flush=True)
        start = time.monotonic()
        code = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env).returncode
        results.append((name, code, time.monotonic() - start))
    print("\n== Summary")
    for name, code, seconds in results:
        print(f"   {'ok    ' if code == 0 else 'MISSED' if code == 1 else f'FAILED ({code})'}  {name}  ({seconds:.0f} s)")
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
