"""Demand forecasting and promotion memory (docs/forecasting.md): pure, no Django import."""

from .baseline import METHODS, Backtest, Forecast, Note, forecast_baseline, interval
from .calendar import black_friday, cyber_monday, france_sales_periods, supported_countries
from .promotions import Campaign, CampaignMemory, Pooled, PromotionHistory, promotion_history
from .series import Period, closed_days, daily_series

__all__ = [
    "METHODS",
    "Backtest",
    "Campaign",
    "CampaignMemory",
    "Forecast",
    "Note",
    "Period",
    "Pooled",
    "PromotionHistory",
    "black_friday",
    "closed_days",
    "cyber_monday",
    "daily_series",
    "forecast_baseline",
    "france_sales_periods",
    "interval",
    "promotion_history",
    "supported_countries",
]
