"""Writes on what the shop sold: order imports, the daily actuals rebuilt from them or typed
in, the discount codes that attribute orders to a campaign.

An import is all-or-nothing: any :class:`~sales.readers.RowError` (the importers' own or an
order in another currency than the organisation's) and nothing is written. Otherwise orders
are upserted by ``(organization, order_id)`` — unchanged orders are not touched, so
importing the same file twice changes nothing — and the days whose orders changed get
their :class:`~sales.models.DailyActual` order figures rebuilt from *all* the imported orders
of those days. Typed-in figures that orders cannot give (ad spend, support contacts, hours
worked) are kept; for imported days the order figures come from the imports.

An import's modules: ``imports`` (files read and saved, in one go or, from the command line,
streamed), ``orders`` (what an import writes), ``previews`` (the web page's preview, in the
request or the worker), ``batches`` (a batch's life after its preview, and what it keeps while
it waits), ``mappings`` (an upload read as its header says, the column mappings saved).

What follows a change on the floors above (the KPI recompute, the forecast refit, the price
history) listens to :mod:`sales.signals`.
"""

from sales.services.actuals import TYPED_FIELDS, daily_actual_save, daily_actuals_rebuild
from sales.services.attribution import (
    campaign_sales_forget,
    discount_code_add,
    discount_code_remove,
)
from sales.services.batches import (
    IMPORT_CRASHED,
    IMPORT_LOST,
    IMPORT_TIMED_OUT,
    SYNC_IMPORT_ROWS,
    import_batches_expire,
    import_cancel,
    import_confirm,
    import_fail,
    import_run,
    import_summary,
)
from sales.services.imports import customer_salt, orders_import, orders_import_stream
from sales.services.lines import imported_lines_replace
from sales.services.mappings import import_mapping_save, import_upload
from sales.services.orders import ImportOutcome
from sales.services.previews import import_preview, import_preview_run

__all__ = [
    "IMPORT_CRASHED",
    "IMPORT_LOST",
    "IMPORT_TIMED_OUT",
    "SYNC_IMPORT_ROWS",
    "TYPED_FIELDS",
    "ImportOutcome",
    "campaign_sales_forget",
    "customer_salt",
    "daily_actual_save",
    "daily_actuals_rebuild",
    "discount_code_add",
    "discount_code_remove",
    "import_batches_expire",
    "import_cancel",
    "import_confirm",
    "import_fail",
    "import_mapping_save",
    "import_preview",
    "import_preview_run",
    "import_run",
    "import_summary",
    "import_upload",
    "imported_lines_replace",
    "orders_import",
    "orders_import_stream",
]
