"""The baseline forecast (docs/forecasting.md § 2): candidates, rolling-origin backtest,
the lowest WAPE chosen, and an 80 % interval per day.

The interval is a negative binomial around each day's forecast: variance ``μ + α μ²``
(Poisson noise plus a share that grows with the level); α is measured on the chosen
method's own backtest errors, so the band is as wide as the method has actually been
wrong on this shop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from . import models
from .models import EIGHT_WEEKS, SEASON_DAYS, YEAR_DAYS, Training
from .series import Period, closed_days, promotion_mask

METHODS = ("weekday_average", "seasonal_naive", "calendar_regression", "holt_winters", "combined")
# ``combined``: the mean of the calendar regression and Holt-Winters (averaging two models
# that err differently is usually better than either; it costs no extra fit).
_COMBINED = ("calendar_regression", "holt_winters")
BACKTEST_FOLDS = 5
BACKTEST_HORIZON = EIGHT_WEEKS
MIN_BACKTEST_HORIZON = 7
P10, P90 = 0.10, 0.90


@dataclass(frozen=True)
class Note:
    """What the forecast rests on or lacks, as data for a sentence (``code`` + values)."""

    code: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Backtest:
    """Rolling-origin figures of each candidate over the same folds."""

    wape: dict[str, float]
    bias: dict[str, float]
    dispersion: dict[str, float]  # α of each method's errors (see ``interval``)
    folds: int
    horizon: int

    def of(self, method: str) -> float | None:
        return self.wape.get(method)


@dataclass(frozen=True)
class Forecast:
    days: pd.DataFrame  # index: day; columns orders, orders_lo80, orders_hi80
    method: str
    history_days: int
    backtest: Backtest | None
    notes: tuple[Note, ...]

    def as_dict(self) -> dict:
        backtest = self.backtest
        return {
            "days": [
                {
                    "date": day.date().isoformat(),
                    "orders": round(float(row.orders), 4),
                    "orders_lo80": round(float(row.orders_lo80), 4),
                    "orders_hi80": round(float(row.orders_hi80), 4),
                }
                for day, row in self.days.iterrows()
            ],
            "method": self.method,
            "history_days": self.history_days,
            "backtest": {
                "wape": _rounded(backtest.of(self.method) if backtest else None),
                "weekday_average_wape": _rounded(backtest.of("weekday_average") if backtest else None),
                "seasonal_naive_wape": _rounded(backtest.of("seasonal_naive") if backtest else None),
            },
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def eligible_methods(history_days: int) -> list[str]:
    """Candidates the length of history allows (seasonal naive needs a year before its test)."""
    if history_days < EIGHT_WEEKS:
        return []
    methods = ["weekday_average", "calendar_regression", "holt_winters", "combined"]
    if history_days - _horizon(history_days) >= SEASON_DAYS:
        methods.insert(1, "seasonal_naive")
    return methods


def _horizon(history_days: int) -> int:
    return min(BACKTEST_HORIZON, history_days - EIGHT_WEEKS)


def _predict_many(methods: Sequence[str], training: Training, ahead: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Every method's forecast of ``ahead``, fitting the calendar regression once."""
    needed = set(methods) | (set(_COMBINED) if "combined" in methods else set())
    calendar = models.fit_calendar_model(training) if needed - {"weekday_average"} else None
    closed = training.closed_mask(ahead)
    result = {}
    for method in [m for m in METHODS if m in needed]:
        if method == "weekday_average":
            mean = models.weekday_average(training, ahead)
        elif method == "calendar_regression":
            mean = calendar.predict(ahead)
        elif method == "seasonal_naive":
            history = models.imputed_orders(training, calendar)
            mean = models.seasonal_naive(history, len(ahead))
        elif method == "holt_winters":
            mean = models.holt_winters(training, calendar, ahead)
        else:
            mean = np.mean([result[m] for m in _COMBINED], axis=0)
        result[method] = np.where(closed, 0.0, np.maximum(mean, 0.0))
    return {m: result[m] for m in methods}


def _training(orders: pd.Series, left_out: np.ndarray, country: str) -> Training:
    return Training(orders, left_out, closed_days(orders, country, ignore=left_out), country)


def backtest(orders: pd.Series, left_out: np.ndarray, country: str, methods: Sequence[str]) -> Backtest | None:
    """Rolling origin: the last ``BACKTEST_FOLDS`` blocks of 8 weeks, each forecast from the
    days before it; promotion days are not scored (their actuals are not a baseline)."""
    n = len(orders)
    horizon = _horizon(n)
    if not methods or horizon < MIN_BACKTEST_HORIZON:
        return None
    needed = SEASON_DAYS if "seasonal_naive" in methods else EIGHT_WEEKS
    pairs: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {m: [] for m in methods}
    folds = 0
    for fold in range(1, BACKTEST_FOLDS + 1):
        cut = n - fold * horizon
        if cut < needed:
            break
        training = _training(orders.iloc[:cut], left_out[:cut], country)
        test = orders.iloc[cut : cut + horizon]
        scored = ~left_out[cut : cut + horizon]
        actual = test.to_numpy()[scored]
        for method, forecast in _predict_many(methods, training, test.index).items():
            pairs[method].append((forecast[scored], actual))
        folds += 1
    actual_total = sum(float(a.sum()) for _, a in pairs[methods[0]])
    if not folds or actual_total <= 0:
        return None
    wape, bias, dispersion = {}, {}, {}
    for method, found in pairs.items():
        forecast = np.concatenate([f for f, _ in found])
        actual = np.concatenate([a for _, a in found])
        wape[method] = float(np.abs(forecast - actual).sum()) / actual_total
        bias[method] = float((forecast - actual).sum()) / actual_total
        dispersion[method] = _dispersion(forecast, actual)
    return Backtest(wape, bias, dispersion, folds, horizon)


def _dispersion(forecast: np.ndarray, actual: np.ndarray) -> float:
    """α in var = μ + α μ², by the method of moments on forecast errors."""
    if not len(forecast) or (forecast**2).sum() <= 0:
        return 0.0
    return max(0.0, float((((actual - forecast) ** 2) - forecast).sum() / (forecast**2).sum()))


def interval(mean: np.ndarray, dispersion: float) -> tuple[np.ndarray, np.ndarray]:
    """P10 and P90 of a count with the day's mean and variance μ + α μ²: a negative
    binomial (Poisson when α is 0); 0 where μ is 0. Whole orders, so a small shop's band
    holds its days without an order."""
    mean = np.asarray(mean, dtype=float)
    positive = mean > 0
    safe = np.where(positive, mean, 1.0)
    if dispersion > 0:
        size = 1.0 / dispersion
        lo, hi = (stats.nbinom.ppf(q, size, size / (size + safe)) for q in (P10, P90))
    else:
        lo, hi = (stats.poisson.ppf(q, safe) for q in (P10, P90))
    return np.where(positive, lo, 0.0), np.where(positive, hi, 0.0)


def forecast_baseline(
    history: pd.Series,
    *,
    country: str,
    start: dt.date,
    end: dt.date,
    promotions: Sequence[Period] = (),
    method: str | None = None,
) -> Forecast:
    """The baseline of each day from ``start`` to ``end``, from the days of ``history``
    before ``start`` (a daily series, see ``daily_series``), ``promotions`` left out.

    ``method`` forces a candidate (the benchmark compares them); by default the backtest
    chooses. With under 8 weeks of history the weekday average of what there is is used.
    """
    orders = history[history.index < pd.Timestamp(start)]
    ahead = pd.date_range(start, end, freq="D")
    left_out = promotion_mask(orders.index, promotions)
    n = len(orders)
    notes: list[Note] = []
    methods = eligible_methods(n)
    if n < EIGHT_WEEKS:
        notes.append(Note("short_history", {"days": n}))
    elif n < YEAR_DAYS:
        notes.append(Note("no_yearly_seasonality", {"days": n}))
    if "seasonal_naive" not in methods and n >= EIGHT_WEEKS:
        notes.append(Note("no_seasonal_naive", {"days": n}))
    if left_out.any():
        notes.append(Note("promotion_days_left_out", {"days": int(left_out.sum())}))
    if method is not None:  # forced: the backtest scores it beside the contract's two references
        methods = [m for m in methods if m in (method, "weekday_average", "seasonal_naive")]
    figures = backtest(orders, left_out, country, methods) if n else None
    if method is None:
        method = min(figures.wape, key=figures.wape.get) if figures else "weekday_average"
    if n == 0:
        zeros = np.zeros(len(ahead))
        days = pd.DataFrame({"orders": zeros, "orders_lo80": zeros, "orders_hi80": zeros}, index=ahead)
        return Forecast(days, method, 0, None, tuple(notes))
    training = _training(orders, left_out, country)
    # The days between the history's end and ``start`` are forecast too, then dropped.
    path = pd.date_range(orders.index[-1] + pd.Timedelta(days=1), end, freq="D")
    mean = _predict_many([method], training, path)[method][-len(ahead) :] if len(ahead) else np.array([])
    if figures and method in figures.dispersion:
        dispersion = figures.dispersion[method]
    else:
        dispersion = 0.0
        notes.append(Note("interval_poisson_only", {}))
    lo, hi = interval(mean, dispersion)
    days = pd.DataFrame({"orders": mean, "orders_lo80": lo, "orders_hi80": hi}, index=ahead)
    closed = training.closed
    if closed.weekdays:
        notes.append(Note("closed_weekdays", {"weekdays": sorted(closed.weekdays)}))
    return Forecast(days, method, n, figures, tuple(notes))
