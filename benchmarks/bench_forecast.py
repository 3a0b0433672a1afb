"""Benchmark of the forecasting engine (issue 14) on the real series of ../shared/data/.

Run from the repository root: ``python benchmarks/bench_forecast.py``. Needs no Django
settings (the engine imports no Django).

1. The backtest table: each candidate, and the backtest's own choice, forecasting held-out
   weeks it did not see — the UCI Online Retail year's last 8 weeks (its November peak) and
   the small Australian shop's last 8 weeks and its 2016 Christmas peak (8 weeks to 31
   December). Per row: WAPE = Σ|forecast − actual| / Σ actual, bias = Σ(forecast − actual) /
   Σ actual, peak-week error (the held-out 7 days with the most orders, signed, as bias),
   and the share of days inside the 80 % interval.
2. The fit of one organisation with 2 years of daily history (the small shop's last 730
   days), backtest included, 400 days ahead: median CPU time of 5 runs after one warm-up.
   Target ≤ 1 s.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

# One core: the engine's matrices are small; BLAS threads only fight over them.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from forecasting.engine import daily_series, forecast_baseline  # noqa: E402
from forecasting.engine.baseline import eligible_methods  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TARGET_SECONDS = 1.0
SERIES = {
    "UCI Online Retail (GB)": ("online_retail_daily_2010-12-01_2011-12-09.csv", "orders_noncancel", "GB"),
    "small Shopify shop (AU)": ("shopify_small_shop_AU_daily_orders_2014-09-04_2017-05-08.csv", "orders", "AU"),
}
HOLDOUTS = [
    ("UCI Online Retail (GB)", "last 8 weeks (Nov. peak)", "2011-10-15", "2011-12-09"),
    ("small Shopify shop (AU)", "last 8 weeks", "2017-03-14", "2017-05-08"),
    ("small Shopify shop (AU)", "Christmas peak 2016", "2016-11-06", "2016-12-31"),
]


def load(name: str) -> tuple[pd.Series, str]:
    file, column, country = SERIES[name]
    frame = pd.read_csv(DATA / file)
    return daily_series(pd.to_datetime(frame["date"]).dt.date, frame[column]), country


def scores(forecast: pd.DataFrame, actual: pd.Series) -> dict[str, float]:
    f, a = forecast["orders"], actual
    peak_end = a.rolling(7).sum().idxmax()
    week = slice(peak_end - pd.Timedelta(days=6), peak_end)
    inside = (a >= forecast["orders_lo80"]) & (a <= forecast["orders_hi80"])
    return {
        "wape": float((f - a).abs().sum() / a.sum()),
        "bias": float((f - a).sum() / a.sum()),
        "peak_week": float((f[week].sum() - a[week].sum()) / a[week].sum()),
        "coverage": float(inside.mean()),
    }


def table() -> None:
    print("| series | held out | method | WAPE | bias | peak-week error | 80 % interval coverage |")
    print("|---|---|---|---|---|---|---|")
    for name, label, first, last in HOLDOUTS:
        history, country = load(name)
        start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        actual = history[first:last]
        chosen = forecast_baseline(history, country=country, start=start, end=end)
        rows = [(f"**chosen: {chosen.method}**", chosen)]
        for method in eligible_methods(chosen.history_days):
            rows.append((method, forecast_baseline(history, country=country, start=start, end=end, method=method)))
        for method, result in rows:
            s = scores(result.days, actual)
            print(
                f"| {name} | {label} ({first} → {last}) | {method} | {s['wape']:.3f} | {s['bias']:+.1%} "
                f"| {s['peak_week']:+.1%} | {s['coverage']:.0%} |"
            )


def timing() -> float:
    """Median CPU time of the fit (the engine is single-threaded: on a quiet machine the
    wall time is the same; on a shared one it is not, so both are printed)."""
    history, country = load("small Shopify shop (AU)")
    history = history.iloc[-730:]
    start = history.index[-1].date() + dt.timedelta(days=1)
    end = start + dt.timedelta(days=399)
    forecast_baseline(history, country=country, start=start, end=end)
    cpu, wall = [], []
    for _ in range(5):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = forecast_baseline(history, country=country, start=start, end=end)
        cpu.append(time.process_time() - began_cpu)
        wall.append(time.perf_counter() - began)
    median = statistics.median(cpu)
    figures = result.backtest
    print(
        f"\nFit of 2 years of daily history ({len(history)} days) with its backtest "
        f"({figures.folds} folds × {figures.horizon} days, {len(figures.wape)} candidates), 400 days ahead: "
        f"CPU median {median:.2f} s (wall median {statistics.median(wall):.2f} s, "
        f"load average {os.getloadavg()[0]:.1f}) — target ≤ {TARGET_SECONDS:g} s"
    )
    return median


def main() -> int:
    if not DATA.exists():
        print(f"{DATA} is absent: the real series live in ../shared/data/ beside the project; nothing measured")
        return 0
    np.seterr(all="ignore")
    table()
    return 0 if timing() <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
