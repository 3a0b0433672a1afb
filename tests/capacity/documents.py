"""The input document of economics.md § 2, shared by the contract and command tests."""

from __future__ import annotations

import copy
from typing import Any

_EXAMPLE: dict[str, Any] = {
    "start": "2026-11-23",
    "end": "2026-12-31",
    "country": "FR",
    "target_utilization": 0.85,
    "demand": {"orders_per_day": 40, "weekday_profile": [1, 1, 1, 1, 1.2, 0.8, 0.6]},
    "order_profile": {"units": 1.4, "return_rate": 0.05, "support_contacts": 0.10},
    "campaigns": [
        {
            "name": "Black Friday",
            "start": "2026-11-27",
            "end": "2026-11-30",
            "uplift": 1.5,
            "units": None,
            "return_rate": 0.08,
            "support_contacts": 0.15,
        }
    ],
    "resources": [
        {
            "name": "Preparation",
            "minutes_per_order": 6,
            "minutes_per_unit": 1.5,
            "minutes_per_return": 0,
            "minutes_per_contact": 0,
            "hours_per_weekday": [7, 7, 7, 7, 7, 0, 0],
            "efficiency": 0.85,
            "works_public_holidays": False,
            "extra_hourly_cost": 25,
            "extra_max_hours_per_day": 8,
        }
    ],
    "stock": [
        {
            "sku": "CANDLE-01",
            "on_hand": 500,
            "share_of_units": 0.3,
            "incoming": [{"date": "2026-12-05", "units": 200}],
        }
    ],
}


def example_document() -> dict[str, Any]:
    """A fresh copy, safe to mutate."""
    return copy.deepcopy(_EXAMPLE)
