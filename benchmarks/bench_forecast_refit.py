"""Benchmark of the nightly forecast refit (issue 14): 100 organisations with 2 years of
daily history each, refitted one after the other on one process, as one worker would.

Run from the repository root: ``python benchmarks/bench_forecast_refit.py [ORGS]``. Starts
Django on a throw-away SQLite database (PostgreSQL when ``DATABASE_URL`` is set), creates
``ORGS`` organisations (default 100) with 730 days of synthetic daily orders (weekly and
yearly rhythm, trend, Poisson noise, each organisation its own level) and four finished
campaigns each, then runs ``forecasting.tasks.nightly_refit`` in-process: it queues one
``refit_forecast`` per organisation, each reading the history through the registry (kpis),
fitting the baseline with its backtest and the promotion memory, and storing 400 days.
Prints wall and CPU time in total and per organisation. Target: ≤ 2 min for 100.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")
ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 120.0
HISTORY_DAYS = 730


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "DJANGO_DEBUG"):
        os.environ.pop(name, None)  # tasks run in-process (eager), as the embedded default
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp(prefix="plannerist-bench-")) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plannerist.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def seed(count: int, today: dt.date) -> None:
    from decimal import Decimal

    import numpy as np

    from campaigns.models import Campaign
    from plannerist.models import Organization
    from sales.models import Channel, DailyActual

    rng = np.random.default_rng(14)
    days = [today - dt.timedelta(days=HISTORY_DAYS - i) for i in range(HISTORY_DAYS)]
    t = np.arange(HISTORY_DAYS)
    weekday = np.array([1.15, 1.1, 1.0, 1.0, 1.05, 0.8, 0.6])[[d.weekday() for d in days]]
    yearly = 1 + 0.35 * np.exp(-(((np.array([d.timetuple().tm_yday for d in days]) - 350) / 25.0) ** 2))
    for number in range(count):
        org = Organization.objects.create(slug=f"bench-{number}", name=f"Bench shop {number}")
        level = rng.uniform(8, 80)
        expected = level * weekday * yearly * (1 + 0.0004 * t)
        orders = rng.poisson(expected)
        channel = Channel.objects.create(organization=org, name="Web shop")
        for year in (1, 2):
            for month, length, rate in ((11, 4, "0.20"), (1, 7, "0.30")):
                start = dt.date(today.year - 3 + year, month, 24 if month == 11 else 10)
                if days[0] <= start < today - dt.timedelta(days=30):
                    Campaign.objects.create(
                        organization=org, name=f"Promo {year}-{month}", channel=channel, start=start,
                        end=start + dt.timedelta(days=length - 1), mechanic="percent_off",
                        discount_rate=Decimal(rate), baseline_orders=Decimal("100"), status="finished",
                    )
                    inside = [(start - days[0]).days + k for k in range(length)]
                    orders[inside] = rng.poisson(expected[inside] * 1.4)
        DailyActual.objects.bulk_create(
            DailyActual(organization=org, date=day, orders=Decimal(int(n))) for day, n in zip(days, orders, strict=True)
        )


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    setup()
    from django.db import connection
    from django.utils import timezone

    from forecasting import services, tasks
    from forecasting.models import Forecast, ForecastDay

    today = timezone.localdate()
    began = time.perf_counter()
    seed(count, today)
    print(f"{count} organisations × {HISTORY_DAYS} days seeded in {time.perf_counter() - began:.1f} s "
          f"({connection.vendor})")
    per_org: list[float] = []
    refit = services.forecast_refit

    def timed(**kwargs):
        started = time.process_time()
        try:
            return refit(**kwargs)
        finally:
            per_org.append(time.process_time() - started)

    services.forecast_refit = timed
    began, began_cpu = time.perf_counter(), time.process_time()
    queued = tasks.nightly_refit.apply().get()
    wall, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    services.forecast_refit = refit
    assert queued == count and Forecast.objects.count() == count
    assert ForecastDay.objects.count() == count * 400
    methods = sorted({m for m in Forecast.objects.values_list("method", flat=True)})
    print(
        f"Nightly refit of {count} organisations on one process: wall {wall:.1f} s, CPU {cpu:.1f} s "
        f"(per organisation CPU median {statistics.median(per_org):.2f} s, max {max(per_org):.2f} s; "
        f"load average {os.getloadavg()[0]:.1f}); methods chosen: {', '.join(methods)} — target ≤ {TARGET_SECONDS:g} s"
    )
    return 0 if cpu <= TARGET_SECONDS * count / 100 else 1


if __name__ == "__main__":
    sys.exit(main())
