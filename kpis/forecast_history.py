"""The forecasting app's history source (:mod:`forecasting.sources`), registered at
``KpisConfig.ready()``: an organisation's daily orders and its finished or live campaigns.

Forecasting sits below kpis and campaigns and may not import them; they hand it values.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from campaigns.models import Campaign, Mechanic
from campaigns.selectors import catalogue_frame, depth_of
from forecasting.sources import CampaignWindow, History
from plannerist.models import Organization
from sales.models import DailyActual

# Campaigns whose days were promotion days (a stopped one is left to the history: its days
# may be anything from none to all).
RAN = (Campaign.Status.FINISHED, Campaign.Status.LIVE)


def organisation_history(organization: Organization, today: dt.date) -> History:
    """The organisation's orders per day before ``today`` — the ``orders`` KPI's count: the
    organisation's totals row of each day (no campaign, no channel) — and its campaigns that
    ran (three queries; four when an amount off ran)."""
    rows = DailyActual.objects.filter(
        organization=organization, campaign_id__isnull=True, channel__isnull=True, date__lt=today
    ).order_by("date").values_list("date", "orders")
    frame = pd.DataFrame.from_records(list(rows), columns=["date", "orders"])
    frame["orders"] = frame["orders"].astype("float64")
    campaigns = Campaign.objects.filter(organization=organization, status__in=RAN, start__lt=today).order_by("start", "pk")
    ran = list(campaigns.only("pk", "name", "start", "end", "mechanic", "discount_rate", "discount_amount",
                              "scope", "scope_categories").prefetch_related("products"))
    # An amount off's depth is its share of the in-scope average price: the catalogue is read
    # only when one ran (the price today: what the shop's prices were then is not kept).
    catalogue = catalogue_frame(organization) if any(c.mechanic == Mechanic.AMOUNT_OFF for c in ran) else None
    windows = [
        CampaignWindow(
            id=c.pk, name=c.name, start=c.start, end=c.end, mechanic=c.mechanic,
            depth=float(c.discount_rate) if c.mechanic == Mechanic.PERCENT_OFF
            else depth_of(c, organization, catalogue, [p.pk for p in c.products.all()])
            if c.mechanic == Mechanic.AMOUNT_OFF else None,
        )
        for c in ran
    ]
    return History(frame, windows)
