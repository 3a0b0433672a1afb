"""Time the capacity engine on a busy year: 365 days × 20 resources × 50 campaigns.

Run from the repository root: ``python benchmarks/bench_capacity.py``. No Django settings
needed: the engine is pure numpy. Target: median under 50 ms for demand, hours and plan
(the summary and intake advice are timed as well, since a report needs them).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from capacity.engine import (  # noqa: E402  (after the path set-up above)
    AbsenceSpan,
    CampaignDemand,
    OrderProfile,
    ResourceCapacity,
    baseline_orders,
    daily_demand,
    period_dates,
    plan_capacity,
    weekday_hours,
)

DAYS, RESOURCES, CAMPAIGNS = 365, 20, 50
TARGET_MS = 50.0
RUNS = 200


def inputs():
    rng = np.random.default_rng(2026)
    start = dt.date(2026, 1, 1)
    end = start + dt.timedelta(days=DAYS - 1)
    campaigns = []
    for i in range(CAMPAIGNS):
        first = start + dt.timedelta(days=int(rng.integers(0, DAYS - 10)))
        campaigns.append(
            CampaignDemand(
                start=first,
                end=first + dt.timedelta(days=int(rng.integers(0, 10))),
                uplift=float(rng.uniform(0.1, 2.0)),
                units=None if i % 2 else float(rng.uniform(1, 3)),
                return_rate=float(rng.uniform(0, 0.2)),
                support_contacts=None,
                name=f"campaign {i}",
            )
        )
    resources = [
        ResourceCapacity(
            name=f"team {r}",
            minutes_per_order=float(rng.uniform(2, 8)),
            minutes_per_unit=float(rng.uniform(0, 2)),
            minutes_per_return=float(rng.uniform(0, 10)),
            minutes_per_contact=float(rng.uniform(0, 6)),
            efficiency=0.85,
            extra_hourly_cost=25.0,
            extra_max_hours_per_day=8.0,
        )
        for r in range(RESOURCES)
    ]
    weekly = rng.choice([0.0, 4.0, 7.0, 8.0], size=(RESOURCES, 7), p=[0.2, 0.2, 0.4, 0.2])
    holidays = [
        dt.date(2026, 1, 1),
        dt.date(2026, 5, 1),
        dt.date(2026, 7, 14),
        dt.date(2026, 12, 25),
    ]
    absences = [
        AbsenceSpan(r, start + dt.timedelta(days=d), start + dt.timedelta(days=d + 6))
        for r in range(RESOURCES)
        for d in (40, 200)
    ]
    return start, end, campaigns, resources, weekly, holidays, absences


def run_once(start, end, campaigns, resources, weekly, holidays, absences):
    dates = period_dates(start, end)
    profile = OrderProfile(units=1.4, return_rate=0.05, support_contacts=0.1)
    base = baseline_orders(dates, 400.0, [1, 1, 1, 1, 1.2, 0.8, 0.6])
    demand = daily_demand(dates, base, profile, campaigns)
    hours = weekday_hours(
        dates, weekly, holidays=holidays, works_public_holidays=False, absences=absences
    )
    plan = plan_capacity(demand, resources, hours, target_utilization=0.85)
    plan.summary()
    plan.max_orders()
    return plan


def main() -> int:
    args = inputs()
    run_once(*args)  # warm-up: imports, numpy dispatch caches
    timings = []
    for _ in range(RUNS):
        began = time.perf_counter()
        run_once(*args)
        timings.append((time.perf_counter() - began) * 1000.0)
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"capacity engine: {DAYS} days × {RESOURCES} resources × {CAMPAIGNS} campaigns, {RUNS} runs"
    )
    print(
        f"  median {median:.2f} ms   p95 {p95:.2f} ms   min {timings[0]:.2f} ms   max {timings[-1]:.2f} ms"
    )
    print(f"  target < {TARGET_MS:.0f} ms: {'ok' if median < TARGET_MS else 'TOO SLOW'}")
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
