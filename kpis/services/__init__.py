"""Writes for KPIs: order imports, daily actuals rebuilt from them, KPI snapshots, recomputes.

An import is all-or-nothing: any :class:`~sales.readers.RowError` (the importers' own or an
order in another currency than the organisation's) and nothing is written. Otherwise orders
are upserted by ``(organization, order_id)`` — unchanged orders are not touched, so
importing the same file twice changes nothing — and the days whose orders changed get
their :class:`~kpis.models.DailyActual` order figures rebuilt from *all* the imported orders
of those days. Typed-in figures that orders cannot give (ad spend, support contacts, hours
worked) are kept; for imported days the order figures come from the imports.
"""

from kpis.services.actuals import TYPED_FIELDS, daily_actual_save, daily_actuals_rebuild
from kpis.services.imports import (
    IMPORT_CRASHED,
    IMPORT_LOST,
    IMPORT_TIMED_OUT,
    SYNC_IMPORT_ROWS,
    ImportOutcome,
    customer_salt,
    import_batches_expire,
    import_cancel,
    import_confirm,
    import_fail,
    import_preview,
    import_preview_run,
    import_run,
    import_summary,
    orders_import,
    orders_import_stream,
)
from kpis.services.recompute import (
    STUCK_PENDING,
    all_recompute_request,
    kpis_recompute,
    recompute_request,
    signals_replace,
    stale_recompute_sweep,
)
from kpis.services.settings import (
    discount_code_add,
    discount_code_remove,
    kpi_targets_save,
    signal_thresholds_save,
)

__all__ = [
    "IMPORT_CRASHED",
    "IMPORT_LOST",
    "IMPORT_TIMED_OUT",
    "STUCK_PENDING",
    "SYNC_IMPORT_ROWS",
    "TYPED_FIELDS",
    "ImportOutcome",
    "all_recompute_request",
    "customer_salt",
    "daily_actual_save",
    "daily_actuals_rebuild",
    "discount_code_add",
    "discount_code_remove",
    "import_batches_expire",
    "import_cancel",
    "import_confirm",
    "import_fail",
    "import_preview",
    "import_preview_run",
    "import_run",
    "import_summary",
    "kpi_targets_save",
    "kpis_recompute",
    "orders_import",
    "orders_import_stream",
    "recompute_request",
    "signal_thresholds_save",
    "signals_replace",
    "stale_recompute_sweep",
]
