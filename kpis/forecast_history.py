"""The forecasting app's history source (:mod:`forecasting.sources`), registered at
``KpisConfig.ready()``: an organisation's daily orders and its finished or live campaigns.

Forecasting sits below kpis and campaigns and may not import them; they hand it values.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from campaigns.models import Campaign, Mechanic
from forecasting.sources import CampaignWindow, History
from kpis.models import DailyActual
from plannerist.models import Organization

# Campaigns whose days were promotion days (a stopped one is left to the history: its days
# may be anything from none to all).
RAN = (Campaign.Status.FINISHED, Campaign.Status.LIVE)


def organisation_history(organization: Organization, today: dt.date) -> History:
    """The organisation's orders per day before ``today`` — the ``orders`` KPI's count: the
    organisation's totals row of each day (no campaign, no channel) — and its campaigns that
    ran (two queries)."""
    rows = DailyActual.objects.filter(
        organization=organization, campaign__isnull=True, channel__isnull=True, date__lt=today
    ).order_by("date").values_list("date", "orders")
    frame = pd.DataFrame.from_records(list(rows), columns=["date", "orders"])
    frame["orders"] = frame["orders"].astype("float64")
    campaigns = Campaign.objects.filter(organization=organization, status__in=RAN, start__lt=today).order_by("start", "pk")
    windows = [
        CampaignWindow(
            id=c.pk, name=c.name, start=c.start, end=c.end, mechanic=c.mechanic,
            depth=float(c.discount_rate) if c.mechanic == Mechanic.PERCENT_OFF else None,
        )
        for c in campaigns.only("pk", "name", "start", "end", "mechanic", "discount_rate")
    ]
    return History(frame, windows)
