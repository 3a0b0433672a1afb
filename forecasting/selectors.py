"""Reading an organisation's stored forecast (written by :mod:`forecasting.services`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from forecasting.models import Forecast, ForecastDay

DAY_COLUMNS = ("orders", "orders_lo80", "orders_hi80")


def forecast_days(organization_id: int, *, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The stored baseline of the days from ``start`` to ``end`` that the forecast holds, in
    one query: index ``date`` (a ``DatetimeIndex``), columns orders, orders_lo80, orders_hi80."""
    rows = ForecastDay.objects.filter(organization_id=organization_id, date__gte=start, date__lte=end).order_by("date")
    records = list(rows.values_list("date", *DAY_COLUMNS))
    frame = pd.DataFrame.from_records(records, columns=["date", *DAY_COLUMNS])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.set_index("date").astype("float64")


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
