"""Synthetic daily series whose expected orders are known, for the engine's tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from forecasting.engine.calendar import public_holidays

WEEKLY = np.array([1.0, 1.1, 1.05, 1.0, 1.2, 0.8, 0.6])  # Monday first


def expected_orders(
    days: pd.DatetimeIndex,
    *,
    level: float = 100.0,
    trend_per_year: float = 0.15,
    yearly_amplitude: float = 0.3,
    holiday_factor: float = 0.5,
    country: str = "FR",
    origin: str = "2022-01-03",
) -> np.ndarray:
    """level × (1 + trend) × weekday × (1 + amplitude · yearly sine) × holiday factor."""
    years = (days - pd.Timestamp(origin)).days.to_numpy(dtype=float) / 365.25
    phase = 2 * np.pi * days.day_of_year.to_numpy(dtype=float) / 365.25
    holiday = (public_holidays(days, country) != "").to_numpy()
    return (
        level
        * (1 + trend_per_year * years)
        * WEEKLY[days.day_of_week]
        * (1 + yearly_amplitude * np.sin(phase))
        * np.where(holiday, holiday_factor, 1.0)
    )


def poisson(expected: np.ndarray, seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).poisson(expected).astype(float)


def days(first: str, last: str) -> pd.DatetimeIndex:
    return pd.date_range(first, last, freq="D")


def series(index: pd.DatetimeIndex, values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=index, dtype=float)


def date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
