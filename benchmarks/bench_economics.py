"""Benchmark of the promotion economics engine: one vectorised call against a Python loop.

Run from the repository root: ``python benchmarks/bench_economics.py [--variants N]``.
Needs no Django settings (the engine imports no Django).

1. Evaluate N variants (default 100,000: discount rate, uplift, price, cost, return rate and
   fixed costs all differ) in one call; median of several runs. Target < 0.5 s.
2. Evaluate the same variants one by one through the scalar path. A loop over all N takes
   tens of seconds, so it runs on the first ``--sample`` variants and the median time per
   call is extrapolated linearly to N (the scalar calls are independent and alike, so the
   time is linear in the count). Prints the ratio; target >= 50x.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# One core: numpy's elementwise operations are single-threaded anyway; this keeps any
# BLAS-backed call honest too.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from campaigns.engine import CampaignInputs, Mechanic, OrderInputs, evaluate, monte_carlo  # noqa: E402


def variants(count: int, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "unit_price": rng.uniform(10.0, 80.0, count),
        "cost_share": rng.uniform(0.2, 0.7, count),
        "return_rate": rng.uniform(0.0, 0.15, count),
        "rate": rng.uniform(0.0, 0.5, count),
        "uplift": rng.uniform(-0.1, 2.0, count),
        "fixed_costs": rng.uniform(0.0, 5000.0, count),
    }


def scenario(values: dict) -> tuple[OrderInputs, object, CampaignInputs]:
    order = OrderInputs(
        units=1.5,
        unit_price=values["unit_price"],
        unit_cost=values["unit_price"] * values["cost_share"],
        shipping_fee=4.90,
        packaging_cost=0.80,
        shipping_cost=6.50,
        payment_fee_rate=0.014,
        payment_fee_fixed=0.25,
        return_rate=values["return_rate"],
        return_cost=8.0,
        return_recovery=0.8,
        support_contacts=0.10,
        support_cost_per_contact=3.50,
        vat_rate=0.20,
    )
    campaign = CampaignInputs(
        Mechanic.percent_off(values["rate"]),
        uplift=values["uplift"],
        fixed_costs=values["fixed_costs"],
    )
    return order, 300.0, campaign


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000, help="scalar calls actually timed")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    columns = variants(args.variants)
    vector_args = scenario(columns)
    vectorised = median_seconds(lambda: evaluate(*vector_args), args.repeat)

    sample = min(args.sample, args.variants)
    rows = [{key: float(column[i]) for key, column in columns.items()} for i in range(sample)]
    scalar_args = [scenario(row) for row in rows]

    def loop() -> list:
        return [evaluate(*one) for one in scalar_args]

    per_call = median_seconds(loop, max(3, args.repeat // 2)) / sample
    scalar = per_call * args.variants

    # The two paths must agree before their speeds mean anything.
    check = evaluate(*vector_args)
    for i, one in enumerate(loop()[:200]):
        assert check.incremental.margin[i] == one.incremental.margin

    risk_args = scenario({key: float(column[0]) for key, column in columns.items()})
    risk = median_seconds(
        lambda: monte_carlo(*risk_args, uplift_low=0.0, uplift_high=2.5), args.repeat
    )

    lines = [
        ("variants", f"{args.variants:,}"),
        ("vectorised, one call (median)", f"{vectorised:.4f} s  (target < 0.5 s)"),
        ("  per variant", f"{vectorised / args.variants * 1e6:.3f} µs"),
        (f"scalar, per call ({sample:,} timed, median)", f"{per_call * 1e6:.1f} µs"),
        (f"scalar, {args.variants:,} calls (extrapolated)", f"{scalar:.2f} s"),
        ("speed-up", f"{scalar / vectorised:.0f}x  (target >= 50x)"),
        ("Monte Carlo, 20,000 draws (median)", f"{risk * 1e3:.2f} ms"),
    ]
    for label, figure in lines:
        print(f"{label:<42} {figure}")


if __name__ == "__main__":
    main()
