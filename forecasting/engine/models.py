"""The candidate baselines. Each takes the training days and returns the expected orders of
the days ahead; the backtest (``baseline.py``) chooses among them.

- ``weekday_average``: the mean of the same weekday over the 8 weeks before (what the
  product used until now);
- ``seasonal_naive``: the same weekday 364 days earlier;
- ``calendar_regression``: a Poisson regression (log link, ridge, recent days weighing
  more, fitted by iteratively reweighted least squares with numpy) on weekday, trend with changepoints, public
  holidays, Black Friday week, Cyber Monday, the French sales, Christmas days and, with a
  year of history, yearly Fourier terms;
- ``holt_winters``: statsmodels' exponential smoothing (additive damped trend, weekly
  season over the trading weekdays) of the series with the regression's calendar effects
  (holidays, events, yearly season) divided out, multiplied back on the days ahead.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calendar import EVENTS, calendar_features, yearly_fourier
from .series import ClosedDays

WEEK = 7
EIGHT_WEEKS = 56
SEASON_DAYS = 364  # 52 weeks: the same weekday a year earlier
YEAR_DAYS = 365
YEARLY_HARMONICS = 4
CHANGEPOINT_EVERY = 56
TREND_DAMPING = 0.98  # per day ahead: the trend goes on for ~50 days' worth, then flattens
RECENCY_HALF_LIFE = 180  # days: a day six months old weighs half as much as the last one
HOLT_WINTERS_WINDOW = 365  # the yearly season is the regression's; a year is enough for the rest

# Ridge penalties (× the mean daily orders) per column group: events and Fourier terms are
# shrunk towards "no effect" when the history has few of them; changepoints more so.
_PENALTY = {"weekday": 0.1, "trend": 0.1, "changepoint": 10.0, "event": 1.0, "yearly": 1.0}


@dataclass(frozen=True)
class Training:
    """The days a model learns from: orders, the days to leave out (promotions), closures."""

    orders: pd.Series
    left_out: np.ndarray
    closed: ClosedDays
    country: str

    @property
    def days(self) -> pd.DatetimeIndex:
        return self.orders.index

    def closed_mask(self, days: pd.DatetimeIndex) -> np.ndarray:
        return self.closed.mask(days, self.country)


@dataclass(frozen=True)
class CalendarModel:
    """A fitted Poisson regression on the calendar (see the module's docstring)."""

    beta: np.ndarray
    country: str
    start: pd.Timestamp
    end: pd.Timestamp
    yearly: bool
    changepoints: np.ndarray  # in years after ``start``

    def design(self, days: pd.DatetimeIndex) -> np.ndarray:
        return _design(days, self.country, self.start, self.end, self.yearly, self.changepoints)[0]

    def predict(self, days: pd.DatetimeIndex) -> np.ndarray:
        return np.exp(np.clip(self.design(days) @ self.beta, -30, 30))

    def calendar_factor(self, days: pd.DatetimeIndex) -> np.ndarray:
        """The multiplicative effect of the holidays, events and yearly season alone."""
        matrix, groups = _design(days, self.country, self.start, self.end, self.yearly, self.changepoints)
        seasonal = np.isin(groups, ["event", "yearly"])
        return np.exp(np.clip(matrix[:, seasonal] @ self.beta[seasonal], -30, 30))


def _trend_years(days: pd.DatetimeIndex, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    offset = (days - start).days.to_numpy(dtype=float)
    last = float((end - start).days)
    ahead = np.maximum(offset - last, 0.0)
    damped = TREND_DAMPING * (1 - TREND_DAMPING**ahead) / (1 - TREND_DAMPING)
    return np.where(offset > last, last + damped, offset) / 365.25


def _design(days, country, start, end, yearly, changepoints):
    t = _trend_years(days, start, end)
    weekday = days.day_of_week.to_numpy()
    columns = [np.ones(len(days))]
    groups = ["intercept"]
    for day in range(1, WEEK):
        columns.append((weekday == day).astype(float))
        groups.append("weekday")
    columns.append(t)
    groups.append("trend")
    for point in changepoints:
        columns.append(np.maximum(t - point, 0.0))
        groups.append("changepoint")
    events = calendar_features(days, country)
    for name in EVENTS:
        columns.append(events[name].to_numpy())
        groups.append("event")
    if yearly:
        fourier = yearly_fourier(days, YEARLY_HARMONICS)
        columns.extend(fourier.T)
        groups.extend(["yearly"] * fourier.shape[1])
    return np.column_stack(columns), np.array(groups)


def fit_calendar_model(training: Training, *, recent_first: bool = True) -> CalendarModel:
    """The Poisson regression fitted on the open, not left-out days of ``training``; to
    forecast, recent days weigh more (``recent_first``); to measure the past, all alike."""
    days = training.days
    start, end = days[0], days[-1]
    yearly = len(days) >= YEAR_DAYS
    span = (end - start).days
    changepoints = np.arange(CHANGEPOINT_EVERY, span - CHANGEPOINT_EVERY + 1, CHANGEPOINT_EVERY) / 365.25
    matrix, groups = _design(days, training.country, start, end, yearly, changepoints)
    use = ~training.left_out & ~training.closed_mask(days)
    x, y = matrix[use], training.orders.to_numpy()[use]
    age = (end - days[use]).days.to_numpy(dtype=float)
    recency = 0.5 ** (age / RECENCY_HALF_LIFE) if recent_first else np.ones(len(age))
    scale = max(float(y.mean()) if len(y) else 0.0, 1e-3)
    penalty = np.array([_PENALTY.get(group, 0.0) for group in groups]) * scale
    beta = np.zeros(matrix.shape[1])
    beta[0] = np.log(scale)
    for _ in range(30):
        eta = np.clip(x @ beta, -30, 30)
        mu = np.exp(eta)
        working = eta + (y - mu) / mu
        weighted = x * (mu * recency)[:, None]
        lhs = x.T @ weighted + np.diag(penalty)
        rhs = weighted.T @ working
        new = np.linalg.lstsq(lhs, rhs, rcond=None)[0]
        if np.max(np.abs(new - beta)) < 1e-5:
            beta = new
            break
        beta = new
    return CalendarModel(beta, training.country, start, end, yearly, changepoints)


def imputed_orders(training: Training, model: CalendarModel) -> np.ndarray:
    """The history with its left-out and closed days replaced by the regression's values."""
    values = training.orders.to_numpy().copy()
    replace = training.left_out | training.closed_mask(training.days)
    if replace.any():
        values[replace] = model.predict(training.days[replace])
    return values


def weekday_average(training: Training, ahead: pd.DatetimeIndex) -> np.ndarray:
    """Mean orders of the same weekday over the last 8 weeks (left-out days not counted)."""
    recent = training.orders.iloc[-EIGHT_WEEKS:]
    keep = ~training.left_out[-EIGHT_WEEKS:]
    kept = recent[keep]
    if kept.empty:
        kept = recent
    means = kept.groupby(kept.index.day_of_week).mean()
    overall = float(kept.mean())
    return means.reindex(range(WEEK)).fillna(overall).to_numpy()[ahead.day_of_week]


def seasonal_naive(history: np.ndarray, ahead: int) -> np.ndarray:
    """The same weekday 364 days earlier, its own forecast beyond a year ahead."""
    values = np.concatenate([history.astype(float), np.empty(ahead)])
    position = len(history)
    while position < len(values):
        stop = min(position + SEASON_DAYS, len(values))
        values[position:stop] = values[position - SEASON_DAYS : stop - SEASON_DAYS]
        position = stop
    return values[len(history) :]


def holt_winters(training: Training, model: CalendarModel, ahead: pd.DatetimeIndex) -> np.ndarray:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    days = training.days[-HOLT_WINTERS_WINDOW:]
    values = imputed_orders(training, model)[-HOLT_WINTERS_WINDOW:]
    closed = sorted(training.closed.weekdays)
    trading = ~np.isin(days.day_of_week, closed)
    adjusted = values[trading] / model.calendar_factor(days[trading])
    ahead_trading = ~np.isin(ahead.day_of_week, closed)
    season = WEEK - len(closed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = ExponentialSmoothing(
            adjusted,
            trend="add",
            damped_trend=True,
            seasonal="add" if season > 1 else None,
            seasonal_periods=season if season > 1 else None,
            initialization_method="estimated",
        ).fit(use_brute=False)
        path = np.asarray(fitted.forecast(int(ahead_trading.sum())), dtype=float)
    result = np.zeros(len(ahead))
    result[ahead_trading] = path * model.calendar_factor(ahead[ahead_trading])
    return np.maximum(result, 0.0)
