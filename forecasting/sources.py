"""Where a refit gets an organisation's daily orders and its campaigns.

The actuals and the campaigns live in apps above forecasting (kpis, campaigns), which it may
not import. The app that holds them registers a function here at its ``AppConfig.ready()``
(``kpis`` does: :mod:`kpis.forecast_history`), and forecasting asks it for values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from plannerist.models import Organization

HISTORY_COLUMNS = ("date", "orders")


@dataclass(frozen=True)
class CampaignWindow:
    """A past or live promotion: its days and its mechanic (``depth``: the share of the price
    taken off, for ``percent_off`` and ``amount_off``; None when unknown)."""

    id: int | None
    name: str
    start: dt.date
    end: dt.date
    mechanic: str = "none"
    depth: float | None = None


class History(NamedTuple):
    orders: pd.DataFrame  # columns date (datetime.date), orders (float): one row per day with actuals
    campaigns: list[CampaignWindow]


HistorySource = Callable[[Organization, dt.date], History]
_source: HistorySource | None = None


def register_history_source(fn: HistorySource) -> HistorySource:
    """``fn(organization, today)`` gives the organisation's daily orders before ``today`` and its
    finished or live campaigns. The last registration wins (one app holds the actuals)."""
    global _source
    _source = fn
    return fn


def organisation_history(organization: Organization, today: dt.date) -> History:
    """The registered source's answer; without a source, no history (nothing to fit)."""
    if _source is None:
        return History(empty_history(), [])
    history, campaigns = _source(organization, today)
    return History(history, list(campaigns))


def empty_history() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.Series([], dtype=object), "orders": pd.Series([], dtype="float64")})
