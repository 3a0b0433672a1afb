"""Writes for KPIs: snapshots and signals recomputed, targets and thresholds, products added.

What the shop sold (imports, daily actuals, discount codes) is :mod:`sales.services`; a change
there reaches the recompute through :data:`sales.signals.actuals_changed`.
"""

from kpis.services.recompute import (
    STUCK_PENDING,
    all_recompute_request,
    kpis_recompute,
    recompute_request,
    signals_replace,
    stale_recompute_sweep,
)
from kpis.services.settings import kpi_targets_save, signal_thresholds_save

__all__ = [
    "STUCK_PENDING",
    "all_recompute_request",
    "kpi_targets_save",
    "kpis_recompute",
    "recompute_request",
    "signal_thresholds_save",
    "signals_replace",
    "stale_recompute_sweep",
]
