"""Reads for capacity: the only code turning ORM rows into the capacity engine's inputs.

:func:`peak_report` runs the holiday-peak check of an organisation over a period;
:func:`campaign_capacity_cost` prices one campaign's load (with it against without it).
Both load everything in a constant number of queries, whatever the number of resources,
staff members or campaigns.

Assumptions a user should know (shown in the page's notes):

* Demand: the typed baseline (orders per day × weekday profile) or, from the actuals, the
  average orders of each weekday over the last ``baseline_weeks`` weeks before the period
  (organisation totals: rows not tied to a campaign); typed when there are no actuals.
* A campaign adds ``uplift × in-scope share`` of the baseline each day it runs: its uplift
  applies to the orders of the products in its scope, weighted by units sold per month
  (as on the campaign page). During a "buy X get Y" an order holds ``units × (X+Y)/X``.
* Stock: a product's share of baseline units is its ``units_per_month`` over the active
  catalogue's; a campaign's extra units go to the products in its scope only.
"""

from capacity.selectors.demand import (
    engine_campaign,
    in_scope_share,
    scope_product_ids,
    sku_units,
    units_per_campaign_order,
)
from capacity.selectors.derived import erlang_bands, throttle_rows
from capacity.selectors.loading import (
    PLANNED_STATUSES,
    campaigns_in,
    capacity_plan_of,
    resources_of,
)
from capacity.selectors.reports import (
    BACKLOG_TAIL,
    campaign_capacity_cost,
    deliverable_orders,
    outlook,
    peak_report,
)
from capacity.selectors.results import (
    DEFAULT_WEEKS,
    INTRADAY_PROFILE,
    MAX_PERIOD_DAYS,
    CampaignCapacityCost,
    ErlangBands,
    Outlook,
    PeakReport,
    Period,
    ResourceReport,
    StockRow,
    ThrottleRow,
    default_period,
)

__all__ = [
    "BACKLOG_TAIL",
    "DEFAULT_WEEKS",
    "INTRADAY_PROFILE",
    "MAX_PERIOD_DAYS",
    "PLANNED_STATUSES",
    "CampaignCapacityCost",
    "ErlangBands",
    "Outlook",
    "PeakReport",
    "Period",
    "ResourceReport",
    "StockRow",
    "ThrottleRow",
    "campaign_capacity_cost",
    "campaigns_in",
    "capacity_plan_of",
    "default_period",
    "deliverable_orders",
    "engine_campaign",
    "erlang_bands",
    "in_scope_share",
    "outlook",
    "peak_report",
    "resources_of",
    "scope_product_ids",
    "sku_units",
    "throttle_rows",
    "units_per_campaign_order",
]
