"""Orders, units, returns and support contacts per calendar day (the shop sells every day)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Dates = NDArray[np.datetime64]
Floats = NDArray[np.float64]


def period_dates(start: dt.date, end: dt.date) -> Dates:
    """Every calendar day from ``start`` to ``end`` inclusive, as ``datetime64[D]``."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    return np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)


def weekday_index(dates: Dates) -> NDArray[np.int64]:
    """Monday = 0 … Sunday = 6, like ``date.weekday()``."""
    # Day 0 of the epoch, 1970-01-01, was a Thursday (3).
    return (np.asarray(dates, dtype="datetime64[D]").astype(np.int64) + 3) % 7


def baseline_orders(dates: Dates, orders_per_day: float, weekday_profile: ArrayLike) -> Floats:
    """Orders expected without any campaign: ``orders_per_day × weekday_profile[weekday]``."""
    profile = np.asarray(weekday_profile, dtype=np.float64)
    if profile.shape != (7,):
        raise ValueError(f"weekday_profile needs 7 values (Monday..Sunday), got {profile.shape}")
    return float(orders_per_day) * profile[weekday_index(dates)]


@dataclass(frozen=True)
class OrderProfile:
    """The average order outside campaigns."""

    units: float
    return_rate: float
    support_contacts: float


@dataclass(frozen=True)
class CampaignDemand:
    """A promotion adding ``uplift × baseline`` orders each day from ``start`` to ``end``.

    ``units``, ``return_rate`` and ``support_contacts`` describe the campaign's extra orders;
    ``None`` falls back to the :class:`OrderProfile`.
    """

    start: dt.date
    end: dt.date
    uplift: float
    units: float | None = None
    return_rate: float | None = None
    support_contacts: float | None = None
    name: str = ""


@dataclass(frozen=True, eq=False)
class Demand:
    """Per-day totals, all of shape (days,)."""

    dates: Dates
    base_orders: Floats
    orders: Floats
    units: Floats
    returns: Floats
    contacts: Floats
    profile: OrderProfile

    def per_order(self) -> tuple[Floats, Floats, Floats]:
        """Units, returns and contacts per order of each day's mix.

        A day without orders has no mix of its own; the order profile stands in, so that
        the intake advice stays defined on that day.
        """
        has_orders = self.orders > 0
        safe = np.where(has_orders, self.orders, 1.0)
        p = self.profile
        return (
            np.where(has_orders, self.units / safe, p.units),
            np.where(has_orders, self.returns / safe, p.return_rate),
            np.where(has_orders, self.contacts / safe, p.support_contacts),
        )


def daily_demand(
    dates: Dates,
    base_orders: ArrayLike,
    profile: OrderProfile,
    campaigns: Sequence[CampaignDemand] = (),
) -> Demand:
    """Baseline orders plus each campaign's extra orders on the days it is active.

    ``base_orders`` is one value per day: :func:`baseline_orders`, or any forecast.
    Campaign days outside ``dates`` are ignored.
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    base = np.broadcast_to(np.asarray(base_orders, dtype=np.float64), dates.shape)
    # float(): model fields arrive as Decimal, which numpy would keep as slow objects.
    profile = OrderProfile(
        float(profile.units), float(profile.return_rate), float(profile.support_contacts)
    )
    units = base * profile.units
    returns = base * profile.return_rate
    contacts = base * profile.support_contacts
    orders = base.copy()
    if campaigns:
        starts = np.array([np.datetime64(c.start, "D") for c in campaigns])
        ends = np.array([np.datetime64(c.end, "D") for c in campaigns])
        uplift = np.array([c.uplift for c in campaigns], dtype=np.float64)
        active = (dates[:, None] >= starts) & (dates[:, None] <= ends)
        extra = base[:, None] * np.where(active, uplift, 0.0)  # (days, campaigns)
        orders = orders + extra.sum(axis=1)
        units = units + extra @ _override(campaigns, "units", profile.units)
        returns = returns + extra @ _override(campaigns, "return_rate", profile.return_rate)
        contacts = contacts + extra @ _override(
            campaigns, "support_contacts", profile.support_contacts
        )
    return Demand(dates, base.copy(), orders, units, returns, contacts, profile)


def _override(campaigns: Sequence[CampaignDemand], field: str, fallback: float) -> Floats:
    values = (getattr(c, field) for c in campaigns)
    return np.array([fallback if v is None else float(v) for v in values], dtype=np.float64)
