"""Helpers shared by the services of sales and kpis: amounts as Decimal, a time zone by name, a list in chunks."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd


def as_decimal(value: object, quantum: str = "0.01") -> Decimal:
    if value is None or pd.isna(value):
        return Decimal("0")
    return Decimal(repr(float(value))).quantize(Decimal(quantum))


def time_zone(tz: str):
    import zoneinfo

    return zoneinfo.ZoneInfo(tz)


def in_chunks(values: list, size: int = 2000):
    for i in range(0, len(values), size):
        yield values[i : i + size]
