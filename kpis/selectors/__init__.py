"""Reads for KPIs: ORM rows turned into the KPI engine's inputs.

Convention for :class:`~sales.models.DailyActual`: the row with neither campaign nor channel
is the organisation's total for the day; rows with a campaign (or a channel) are breakdowns
of it. The organisation scope is therefore computed from the totals only and the campaign
and channel scopes from their own rows, so that nothing is counted twice.
"""

from kpis.selectors.actuals import (
    actuals_span,
    actuals_spans,
    cost_profile,
    daily_actuals_frame,
    organisation_kpis,
)
from kpis.selectors.orders import cohort_retention
from kpis.selectors.products import (
    MissingProduct,
    goods_cost_by_day,
    missing_product_count,
    missing_products,
)
from kpis.selectors.signals import (
    FORECAST_KPIS,
    campaign_paces,
    capacity_outlook,
    forecast_rows,
    open_signals,
    pressing_signals_of_many,
    rule_thresholds,
    signal_count,
    signal_counts_of_many,
    signal_findings,
    stored_paces,
    targets_of,
    targets_of_many,
    thresholds_of,
)
from kpis.selectors.snapshots import (
    COHORT_COLUMNS,
    campaign_days,
    forecast_snapshots,
    forecast_table,
    kpi_table,
    pair_snapshots,
    recompute_state,
    snapshot_values,
    stored_cohorts,
    wide,
)

__all__ = [
    "COHORT_COLUMNS",
    "FORECAST_KPIS",
    "MissingProduct",
    "actuals_span",
    "actuals_spans",
    "campaign_days",
    "campaign_paces",
    "capacity_outlook",
    "cohort_retention",
    "cost_profile",
    "daily_actuals_frame",
    "forecast_rows",
    "forecast_snapshots",
    "forecast_table",
    "goods_cost_by_day",
    "kpi_table",
    "missing_product_count",
    "missing_products",
    "open_signals",
    "pressing_signals_of_many",
    "organisation_kpis",
    "pair_snapshots",
    "recompute_state",
    "rule_thresholds",
    "signal_count",
    "signal_counts_of_many",
    "signal_findings",
    "snapshot_values",
    "stored_cohorts",
    "stored_paces",
    "targets_of",
    "targets_of_many",
    "thresholds_of",
    "wide",
]
