"""Reading an organisation's stored forecast (written by :mod:`forecasting.services`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from forecasting.engine.fallback import BaselineDays, baseline_from
from forecasting.models import CounterfactualDay, Forecast, ForecastDay

DAY_COLUMNS = ("orders", "orders_lo80", "orders_hi80")


def forecast_days(organization_id: int, *, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The stored baseline of the days from ``start`` to ``end`` that the forecast holds, in
    one query: index ``date`` (a ``DatetimeIndex``), columns orders, orders_lo80, orders_hi80."""
    rows = ForecastDay.objects.filter(organization_id=organization_id, date__gte=start, date__lte=end).order_by("date")
    records = list(rows.values_list("date", *DAY_COLUMNS))
    # Built from arrays: the what-if reads this on every keystroke, a column at a time costs more.
    index = pd.DatetimeIndex(np.array([r[0] for r in records], dtype="datetime64[ns]"), name="date")
    values = np.array([r[1:] for r in records], dtype="float64").reshape(len(records), len(DAY_COLUMNS))
    return pd.DataFrame(values, index=index, columns=list(DAY_COLUMNS))


BASELINE_WEEKS = 8  # weeks of actuals the weekday average is taken from


def history_window(start: dt.date, today: dt.date, weeks: int = BASELINE_WEEKS) -> tuple[dt.date, dt.date]:
    """The ``weeks`` weeks of actuals a period starting on ``start`` takes its weekday average
    from: those before it, none after the organisation's ``today``."""
    history_end = min(start - dt.timedelta(days=1), today)
    return history_end - dt.timedelta(weeks=weeks) + dt.timedelta(days=1), history_end


def baseline_days(
    organization_id: int,
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date,
    history: Callable[[dt.date, dt.date], pd.Series] | pd.Series,
    weeks: int = BASELINE_WEEKS,
    forecast: pd.DataFrame | None = None,
) -> BaselineDays:
    """Each day's baseline from ``start`` to ``end``: the stored forecast's days, and the weekday
    average where it holds none (:func:`forecasting.engine.fallback.baseline_from`: what it
    rests on is its ``source``). Nothing is fitted here.

    ``history``: the daily orders (organisation totals, indexed by day), or a function
    ``(first, last)`` reading them, called only when the forecast does not hold every day: the
    apps that hold the actuals sit above forecasting and pass them down. ``forecast``: the
    stored days (:func:`forecast_days`) covering the period, already read by the caller.
    One query for the forecast, one more for the actuals when they are needed."""
    if forecast is None:
        forecast = forecast_days(organization_id, start=start, end=end)
    days = pd.date_range(start, end, freq="D")
    stored = forecast.reindex(days)
    if len(days) and stored["orders"].notna().all():
        return baseline_from(days, stored, pd.Series(dtype="float64"))
    first, last = history_window(start, today, weeks)
    if callable(history):
        actuals = history(first, last)
    else:
        actuals = history[(history.index >= pd.Timestamp(first)) & (history.index <= pd.Timestamp(last))]
    return baseline_from(days, stored, actuals)


def stored_forecast(organization_id: int) -> Forecast | None:
    """The last refit's method, backtest, notes and promotion memory (one query), or None."""
    return Forecast.objects.filter(organization_id=organization_id).first()


def promotion_memory(organization_id: int) -> dict:
    """Each past campaign's measured uplift and dip (with its ``id``) and the pooled uplift per
    mechanic and depth band, as the last refit stored them; empty lists before any refit."""
    stored = Forecast.objects.filter(organization_id=organization_id).values_list("promotions", flat=True).first()
    return {"campaigns": [], "pooled": [], **(stored or {})}


def measured_campaign(organization_id: int, campaign_id: int) -> dict | None:
    """The promotion memory's entry of a finished campaign whose counterfactual it measured
    (``baseline_orders`` over its days, its ``uplift`` and ``dip_share``), or None: not in the
    memory, too little history, or still in progress (one query)."""
    for entry in promotion_memory(organization_id)["campaigns"]:
        if entry.get("id") == campaign_id and entry.get("baseline_orders") is not None and entry.get("projected") is None:
            return entry
    return None


def counterfactual_days(organization_id: int, campaign_ids: list[int]) -> dict[int, pd.Series]:
    """Each campaign's stored counterfactual day by day (a float Series indexed by day), as the
    last refit computed it; a campaign it did not measure is absent (one query)."""
    rows = CounterfactualDay.objects.filter(organization_id=organization_id, campaign_id__in=campaign_ids).order_by(
        "campaign_id", "date").values_list("campaign_id", "date", "orders")
    frame = pd.DataFrame.from_records(list(rows), columns=["campaign_id", "date", "orders"])
    return {
        int(campaign_id): pd.Series(group["orders"].to_numpy(dtype="float64"), index=pd.to_datetime(group["date"]))
        for campaign_id, group in frame.groupby("campaign_id")
    }
