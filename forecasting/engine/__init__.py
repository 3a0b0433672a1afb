"""Demand forecasting and promotion memory (docs/forecasting.md): pure, no Django import."""

from .baseline import METHODS, Backtest, Forecast, Note, forecast_baseline, interval
from .calendar import black_friday, cyber_monday, france_sales_periods, supported_countries
from .series import Period, closed_days, daily_series

__all__ = [
    "METHODS",
    "Backtest",
    "Forecast",
    "Note",
    "Period",
    "black_friday",
    "closed_days",
    "cyber_monday",
    "daily_series",
    "forecast_baseline",
    "france_sales_periods",
    "interval",
    "supported_countries",
]
