"""What kpis answers the apps below it (:mod:`campaigns.sources`, :mod:`plannerist.changes`),
registered at ``KpisConfig.ready()``: the organisation's daily orders from the actuals, and a
KPI recompute when a plan changes."""

from __future__ import annotations

import datetime as dt

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
    )
    series = pd.Series({day: float(orders) for day, orders in rows}, dtype="float64")
    series.index = pd.to_datetime(series.index)
    return series.sort_index()


def recompute_on_change(sender, *, organization: Organization, **kwargs) -> None:
    """A campaign, a cost, a capacity setting or the daily actuals changed: the KPIs are stale."""
    from kpis.services import recompute_request

    recompute_request(organization=organization)
