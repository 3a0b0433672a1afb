"""Stock per SKU over the period: what is on hand, minus its share of units sold, plus deliveries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .demand import Dates, Floats


@dataclass(frozen=True)
class StockPosition:
    """``share_of_units`` of every unit sold is this SKU; ``incoming`` lists (date, units)
    deliveries, available from their date on (deliveries outside the period are ignored)."""

    sku: str
    on_hand: float
    share_of_units: float
    incoming: Sequence[tuple[dt.date, float]] = ()


@dataclass(frozen=True, eq=False)
class StockLevels:
    dates: Dates
    skus: tuple[str, ...]
    units: Floats  # (days, skus) at the end of each day

    def stockout_dates(self) -> list[dt.date | None]:
        """The first day each SKU ends below 0 units, or None."""
        below = self.units < 0
        first = below.argmax(axis=0)
        return [
            self.dates[day].astype(dt.date) if below[day, k] else None
            for k, day in enumerate(first)
        ]

    def min_units(self) -> Floats:
        """The lowest end-of-day level of each SKU (negative: units sold but not in stock)."""
        return self.units.min(axis=0, initial=np.inf)


def stock_levels(dates: Dates, units_sold: ArrayLike, items: Sequence[StockPosition]) -> StockLevels:
    """End-of-day units per SKU: on_hand − Σ units_sold × share + Σ deliveries, to date."""
    dates = np.asarray(dates, dtype="datetime64[D]")
    sold = np.asarray(units_sold, dtype=np.float64)
    shares = np.array([item.share_of_units for item in items], dtype=np.float64)
    on_hand = np.array([item.on_hand for item in items], dtype=np.float64)
    received = np.zeros((dates.size, len(items)))
    first = dates[0] if dates.size else None
    for k, item in enumerate(items):
        for day, units in item.incoming:
            offset = int((np.datetime64(day, "D") - first) // np.timedelta64(1, "D"))
            if 0 <= offset < dates.size:
                received[offset, k] += float(units)
    levels = (
        on_hand - np.cumsum(sold[:, None] * shares[None, :], axis=0) + np.cumsum(received, axis=0)
    )
    return StockLevels(dates, tuple(item.sku for item in items), levels)
