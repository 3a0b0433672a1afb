"""The busiest day ahead against capacity: the pure rule and what the recompute stores of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import numpy as np

from kpis import services
from kpis.engine.peaks import peak_day
from kpis.models import PeakOutlook
from tests.capacity.factories import make_resource, make_staff


def test_the_peak_day_is_the_busiest_working_day_up_to_the_horizon():
    dates = np.arange(np.datetime64("2026-12-01"), np.datetime64("2026-12-06"))
    working = np.array([[1, 1], [1, 0], [0, 0], [1, 1], [1, 1]], dtype=bool)
    load = np.array([[0.5, 0.9], [1.2, 9.0], [7.0, 7.0], [1.1, 1.5], [2.0, 2.0]])  # idle days' ratios ignored
    peak = peak_day(dates, ("Packing", "Support"), working, load, until=dt.date(2026, 12, 4))
    assert (peak.day, peak.resource, peak.utilisation, peak.overloaded_days) == (
        dt.date(2026, 12, 4), "Support", 1.5, 2)  # the 5th is past the horizon
    assert peak.over_capacity


def test_no_working_day_has_no_peak():
    dates = np.arange(np.datetime64("2026-12-01"), np.datetime64("2026-12-03"))
    peak = peak_day(dates, ("Packing",), np.zeros((2, 1), dtype=bool), np.full((2, 1), np.nan), until=dt.date(2026, 12, 5))
    assert peak.day is None and peak.utilisation is None and not peak.over_capacity


def typed_plan(org):
    from capacity.models import CapacityPlan

    CapacityPlan.objects.create(organization=org, baseline_source=CapacityPlan.BaselineSource.TYPED,
                                orders_per_day=D("10"), weekday_profile=[1] * 7, units_per_order=D("1"))


def test_the_recompute_stores_the_busiest_day_of_the_next_eight_weeks(org):
    resource = make_resource(org, name="Packing", minutes_per_order=D("30"))
    make_staff(resource, hours=[4, 4, 4, 4, 4, 0, 0])  # 5 h of work a day, 4 h planned on weekdays
    typed_plan(org)
    services.kpis_recompute(organization_id=org.id)
    peak = PeakOutlook.objects.get(organization=org)
    today = org.today()
    assert peak.resource == "Packing" and peak.day.weekday() == 0  # a Monday takes the weekend's work too
    assert round(peak.utilisation, 2) >= 3.75 and today <= peak.day <= peak.until
    assert peak.until == today + dt.timedelta(weeks=8, days=-1)
    assert peak.overloaded_days >= 5 * 8 - 5  # every working day over, public holidays (up to 4 in May) aside


def test_the_stored_peak_goes_with_the_last_resource(org):
    resource = make_resource(org, name="Packing", minutes_per_order=D("30"))
    make_staff(resource, hours=[4, 4, 4, 4, 4, 0, 0])
    typed_plan(org)
    services.kpis_recompute(organization_id=org.id)
    assert PeakOutlook.objects.filter(organization=org).count() == 1
    services.kpis_recompute(organization_id=org.id)
    assert PeakOutlook.objects.filter(organization=org).count() == 1  # replaced, not added
    resource.delete()
    services.kpis_recompute(organization_id=org.id)
    assert not PeakOutlook.objects.filter(organization=org).exists()
