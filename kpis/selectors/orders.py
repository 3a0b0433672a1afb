"""Imported orders read for the KPIs: cohort retention."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpis import engine
from plannerist.models import Organization
from sales.models import ImportedOrder
from sales.selectors import local_times


def cohort_retention(organization: Organization, *, since: dt.date | None = None) -> pd.DataFrame:
    """Cohort retention by first-order month from the imported orders (identified customers
    only; guests have no cohort). One query."""
    rows = ImportedOrder.objects.filter(organization=organization, customer_key__isnull=False)
    records = list(rows.values_list("customer_key", "ordered_at", "cancelled", "is_adjustment"))
    frame = pd.DataFrame.from_records(records, columns=["customer_key", "ordered_at", "cancelled", "is_adjustment_order"])
    frame["ordered_at"] = local_times(frame["ordered_at"], organization.timezone)
    table = engine.cohort_retention(frame)
    if since is not None and not table.empty:
        table = table.loc[table["cohort_month"] >= since.replace(day=1)]
    return table.reset_index(drop=True)
