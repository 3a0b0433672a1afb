"""Benchmark of the holiday-peak check page for the demo business: server time.

Run from the repository root: ``python benchmarks/bench_capacity_page.py [--requests N]``.

Seeds the demo (``cockpit.demo.seed()``) into a fresh temporary SQLite database, logs in
as the operations lead of Lumière & Cire and requests ``/o/lumiere-et-cire/capacity/``
(default period: the next 8 weeks, with the Black Friday and Christmas campaigns) N times
with the Django test client, full page and htmx partial. Prints the median and the 95th
percentile. Target: median < 150 ms for the full page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="bench-capacity-")
os.environ["SQLITE_PATH"] = str(Path(_tmp.name) / "bench.sqlite3")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plannerist.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

TARGET_MS = 150.0


def seed_demo() -> None:
    from cockpit import demo

    call_command("migrate", verbosity=0)
    demo.seed()  # the organisations, their users and every app's rows


def timings(client: Client, url: str, count: int, **headers) -> list[float]:
    result = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url, **headers)
        result.append((time.perf_counter() - started) * 1000.0)
        assert response.status_code == 200, response.status_code
    return result


def report(label: str, values: list[float]) -> float:
    values = sorted(values)
    median = statistics.median(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    print(f"{label:<22} median {median:7.1f} ms   p95 {p95:7.1f} ms   (n={len(values)})")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    seed_demo()
    from cockpit.demo import USERS
    from plannerist.models import User

    client = Client()
    client.force_login(User.objects.get(email=USERS["operations"].email))
    url = "/o/lumiere-et-cire/capacity/"
    timings(client, url, 3)  # warm-up: imports, template loading, plotly's first figure
    full = report("full page", timings(client, url, args.requests))
    report("htmx partial #report", timings(client, url, args.requests, HTTP_HX_REQUEST="true"))
    verdict = "OK" if full < TARGET_MS else "SLOW"
    print(f"target: median < {TARGET_MS:.0f} ms for the full page -> {verdict}")
    return 0 if full < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
