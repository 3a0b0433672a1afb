"""What kpis answers the apps below it (:mod:`campaigns.sources`, :mod:`plannerist.changes`),
registered at ``KpisConfig.ready()``: the organisation's daily orders from the actuals, and a
KPI recompute when a plan changes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from django.db.models import Sum

from plannerist.models import Organization
from sales.models import DailyActual


def daily_orders(organization: Organization, start: dt.date, end: dt.date) -> pd.Series:
    """Orders per day from the actuals (organisation totals: rows not tied to a campaign)."""
    rows = (
        DailyActual.objects.filter(organization=organization, campaign_id__isnull=True, date__range=(start, end))
        .values("date")
        .annotate(orders=Sum("orders"))
        .values_list("date", "orders")
        .order_by("date")
    )
    days, orders = zip(*rows, strict=True) if rows else ((), ())
    return pd.Series(np.array(orders, dtype="float64"), index=pd.DatetimeIndex(np.array(days, dtype="datetime64[ns]")))


def recompute_on_change(sender, *, organization: Organization, **kwargs) -> None:
    """A campaign, a cost, a capacity setting or the daily actuals changed: the KPIs are stale."""
    from kpis.services import recompute_request

    recompute_request(organization=organization)
