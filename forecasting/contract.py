"""The ``forecast`` and ``promo_history`` contracts (docs/forecasting.md § 4): validate a
document, run the engine. Pure Python: bad input raises
:class:`plannerist.validation.InputError` naming the field by its path (``history[3].orders``).

A selector for an organisation (``--org``) feeds the same engine calls with its actuals
and campaigns: :func:`run_forecast` and :func:`run_promo_history` take values, not documents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from plannerist import validation as v

from .engine import Period, daily_series, forecast_baseline, supported_countries
from .engine.promotions import DIP_DAYS, Campaign, amount_off_depth, promotion_history

FIRST_YEAR, LAST_YEAR = 2000, 2100
LONGEST_PERIOD_DAYS = 3 * 366  # "a period over 3 years" is refused
LONGEST_DIP_DAYS = 365
MOST_ORDERS_A_DAY = 1e9  # beyond it sums and variances leave floating point
# Each mechanic's parameters (docs/economics.md § 1).
MECHANIC_PARAMETERS = {
    "none": (),
    "percent_off": ("rate",),
    "amount_off": ("amount",),
    "buy_x_get_y": ("buy", "get", "get_discount"),
    "free_shipping": (),
}


def forecast(document: Any) -> dict[str, Any]:
    """``manage.py forecast``: the baseline of each day of the period asked for."""
    root = v.keys(document, "", required=("country", "history", "start", "end"), optional=("campaigns",))
    country = _country(root["country"])
    history = _history(root["history"])
    start, end = _period(root["start"], root["end"], "start", "end")
    if start <= history.index[0].date():
        raise v.InputError("start", f"must be after the history's first day ({history.index[0].date()})")
    campaigns = v.array(root.get("campaigns", []), "campaigns")
    promotions = [_campaign_period(value, v.join("campaigns", i)) for i, value in enumerate(campaigns)]
    return run_forecast(history, country=country, start=start, end=end, promotions=promotions)


def run_forecast(history: pd.Series, *, country: str, start: dt.date, end: dt.date, promotions: Sequence[Period]) -> dict[str, Any]:
    return forecast_baseline(history, country=country, start=start, end=end, promotions=promotions).as_dict()


def promo_history(document: Any) -> dict[str, Any]:
    """``manage.py promo_history``: each campaign's uplift and dip, pooled by kind."""
    root = v.keys(document, "", required=("country", "history", "campaigns"), optional=("dip_days",))
    country = _country(root["country"])
    history = _history(root["history"])
    dip_days = v.integer(root.get("dip_days", DIP_DAYS), "dip_days", minimum=0)
    if dip_days > LONGEST_DIP_DAYS:
        raise v.InputError("dip_days", f"must be at most {LONGEST_DIP_DAYS}, got {dip_days}")
    values = v.array(root["campaigns"], "campaigns", min_length=1)
    campaigns = [_campaign(value, v.join("campaigns", i), history) for i, value in enumerate(values)]
    return run_promo_history(history, campaigns, country=country, dip_days=dip_days)


def run_promo_history(history: pd.Series, campaigns: Sequence[Campaign], *, country: str, dip_days: int) -> dict[str, Any]:
    return promotion_history(history, campaigns, country=country, dip_days=dip_days).as_dict()


def _country(value: Any) -> str:
    code = v.string(value, "country")
    if code not in supported_countries():
        raise v.InputError("country", f"unknown country code {code!r} (ISO 3166-1 alpha-2, e.g. FR)")
    return code


def _date(value: Any, path: str) -> dt.date:
    day = v.date(value, path)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise v.InputError(path, f"must be between {FIRST_YEAR} and {LAST_YEAR}, got {value!r}")
    return day


def _period(first: Any, last: Any, first_path: str, last_path: str) -> tuple[dt.date, dt.date]:
    start, end = _date(first, first_path), _date(last, last_path)
    if end < start:
        raise v.InputError(last_path, f"must not be before {first_path} ({start})")
    if (end - start).days + 1 > LONGEST_PERIOD_DAYS:
        raise v.InputError(last_path, "the period may not be over 3 years")
    return start, end


def _history(value: Any) -> pd.Series:
    rows = v.array(value, "history", min_length=1)
    dates, orders, previous = [], [], None
    for i, row in enumerate(rows):
        path = v.join("history", i)
        row = v.keys(row, path, required=("date", "orders"))
        day = _date(row["date"], v.join(path, "date"))
        if previous is not None and day <= previous:
            raise v.InputError(v.join(path, "date"), f"must be after the previous day ({previous}): dates in order, once each")
        previous = day
        dates.append(day)
        orders.append(v.number(row["orders"], v.join(path, "orders"), minimum=0.0, maximum=MOST_ORDERS_A_DAY))
    return daily_series(dates, orders)


def _campaign_period(value: Any, path: str) -> Period:
    raw = v.keys(value, path, required=("start", "end"), optional=("name", "mechanic"))
    if "name" in raw:
        v.string(raw["name"], v.join(path, "name"))
    if "mechanic" in raw:
        _mechanic(raw["mechanic"], v.join(path, "mechanic"), None)
    return Period(*_period(raw["start"], raw["end"], f"{path}.start", f"{path}.end"))


def _campaign(value: Any, path: str, history: pd.Series) -> Campaign:
    raw = v.keys(value, path, required=("name", "start", "end", "mechanic"), optional=("unit_price",))
    name = v.string(raw["name"], v.join(path, "name"))
    period = Period(*_period(raw["start"], raw["end"], f"{path}.start", f"{path}.end"))
    if period.start < history.index[0].date():
        raise v.InputError(f"{path}.start", f"must not be before the history's first day ({history.index[0].date()})")
    unit_price = v.number(raw.get("unit_price"), v.join(path, "unit_price"), minimum=0.0, exclusive_minimum=True, nullable=True)
    mechanic, depth = _mechanic(raw["mechanic"], v.join(path, "mechanic"), unit_price)
    return Campaign(name, period, mechanic, depth)


def _mechanic(value: Any, path: str, unit_price: float | None) -> tuple[str, float | None]:
    # The type decides which other keys are allowed, so it is checked first.
    if "type" not in v.obj(value, path):
        raise v.InputError(f"{path}.type", "is required")
    kind = v.string(value["type"], f"{path}.type", choices=MECHANIC_PARAMETERS)
    raw: Mapping[str, Any] = v.keys(value, path, required=("type", *MECHANIC_PARAMETERS[kind]))
    if kind == "percent_off":
        return kind, v.rate(raw["rate"], f"{path}.rate")
    if kind == "amount_off":
        return kind, amount_off_depth(v.number(raw["amount"], f"{path}.amount", minimum=0.0), unit_price)
    if kind == "buy_x_get_y":
        v.number(raw["buy"], f"{path}.buy", minimum=0.0, exclusive_minimum=True)
        v.number(raw["get"], f"{path}.get", minimum=0.0)
        v.rate(raw["get_discount"], f"{path}.get_discount")
    return kind, None
