"""The shared KPI engine: daily actuals in, KPIs per day, ISO week, month and quarter out.

Pure pandas (no Django, no clock). Every KPI of a period is computed from the period's
*sums* — revenue, margin, orders, spend… are added up first and divided last — so a week's
margin rate is the week's margin over the week's revenue, never an average of daily rates.
A ratio whose denominator is zero or unknown is NaN ("not defined"), never 0 or infinity.

Daily actuals (:data:`ACTUAL_COLUMNS`) come from imports (:func:`sales.engine.daily_actuals_from_orders`)
and from quick entry; columns other than ``date`` may be missing or null, and KPIs that
need them are then NaN. Amounts are in the organisation's currency.

Costs: :class:`CostProfile` holds the organisation's per-order cost components. The
campaigns' economics engine can take over the goods cost by filling the optional
``goods_cost`` column (cost of goods sold excl. VAT, e.g. Σ units × catalogue unit cost):
where it is set it replaces ``goods_cost_rate × revenue``.
"""

from kpis.engine.cohorts import cohort_retention
from kpis.engine.compute import compute_kpis, period_start_of
from kpis.engine.definitions import (
    ACTUAL_COLUMNS,
    ADDITIVE_KPIS,
    KPI_DEFINITIONS,
    KPI_KEYS,
    KPI_PAIRS,
    MARGIN_KPIS,
    MIN_COST_COVERAGE,
    PERIODS,
    CostProfile,
    KpiDefinition,
    PeriodKind,
    ScopeKind,
)
from kpis.engine.post_mortems import POST_MORTEM_MEASURES, post_mortem

__all__ = [
    "ACTUAL_COLUMNS",
    "ADDITIVE_KPIS",
    "KPI_DEFINITIONS",
    "KPI_KEYS",
    "KPI_PAIRS",
    "MARGIN_KPIS",
    "MIN_COST_COVERAGE",
    "PERIODS",
    "POST_MORTEM_MEASURES",
    "CostProfile",
    "KpiDefinition",
    "PeriodKind",
    "ScopeKind",
    "cohort_retention",
    "compute_kpis",
    "period_start_of",
    "post_mortem",
]
