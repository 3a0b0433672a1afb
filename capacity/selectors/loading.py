"""Loading an organisation's capacity setting for a period (demand assumptions, resources,
staff hours, catalogue, stock) and its campaigns, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Prefetch

from campaigns.models import Campaign, Product
from campaigns.sources import daily_orders
from capacity import engine
from capacity.contract import public_holidays
from capacity.models import CapacityPlan, Resource, StaffMember, StockItem
from forecasting.selectors import baseline_days
from plannerist.models import Organization

PLANNED_STATUSES = (Campaign.Status.PLANNED, Campaign.Status.APPROVED, Campaign.Status.LIVE)


@dataclass(frozen=True)
class CapacitySetting:
    """Everything but the campaigns, loaded once for a period (the stock on first use: a
    campaign's cost to deliver does not read it)."""

    organization: Organization
    dates: np.ndarray
    capacity_plan: CapacityPlan
    base_orders: np.ndarray
    baseline_source: str
    busy_base_orders: np.ndarray | None  # the forecast's P90 where it holds the days; None without
    profile: engine.OrderProfile
    resources: list[Resource]
    engine_resources: list[engine.ResourceCapacity]
    hours: np.ndarray  # (days, resources)
    staff_hours: np.ndarray  # (days, staff)
    staff: list[StaffMember]
    holidays: list[dt.date]
    catalogue: pd.DataFrame  # id, category, weight
    automation_cost: float

    @functools.cached_property
    def stock_items(self) -> list[StockItem]:
        """The organisation's stock items with their replenishments (two queries, once)."""
        return list(
            StockItem.objects.filter(organization=self.organization)
            .select_related("product")
            .prefetch_related("replenishments")
        )


def capacity_plan_of(organization: Organization) -> CapacityPlan:
    """The organisation's demand assumptions; unsaved defaults when none were typed."""
    plan = CapacityPlan.objects.filter(organization=organization).first()
    return plan or CapacityPlan(organization=organization, baseline_source=CapacityPlan.BaselineSource.ACTUALS)


def resources_of(organization: Organization):
    """Resources with their staff, absences and automations (four queries)."""
    return Resource.objects.filter(organization=organization).prefetch_related(
        Prefetch("staff", queryset=StaffMember.objects.prefetch_related("absences")),
        "automations",
    )


def _weekday_profile(plan: CapacityPlan) -> list[float]:
    profile = plan.weekday_profile or [1.0] * 7
    return [float(v) for v in profile]


def baseline_from_history(
    organization: Organization, dates: np.ndarray, weeks: int, today: dt.date
) -> tuple[np.ndarray | None, np.ndarray | None, str]:
    """Each day's orders from forecasting's one baseline helper
    (:func:`forecasting.selectors.baseline_days`: the stored forecast's days, the weekday
    average of the ``weeks`` weeks before where it holds none). Returns the expected baseline,
    the busy case's (the forecast's P90 on its days; None without a forecast day) and what they
    rest on: "forecast", "forecast_partial", "actuals". The baselines are None when neither
    the forecast nor the actuals hold anything."""
    first, last = dates[0].astype(dt.date), dates[-1].astype(dt.date)
    found = baseline_days(organization.id, first, last, today=today, weeks=weeks,
                          history=lambda start, end: daily_orders(organization, start, end))
    if found.orders is None:
        return None, None, "actuals"
    return found.orders, None if found.source == "actuals" else found.busy, found.source


def _staff_columns(
    staff: Sequence[StaffMember], dates: np.ndarray, holidays: Iterable[dt.date], works: list[bool]
) -> np.ndarray:
    """Hours per day and staff member: weekly hours, public holidays, absences, and the days
    before they start or after they leave counted as absences."""
    if not staff:
        return np.zeros((dates.size, 0))
    first, last = dates[0].astype(dt.date), dates[-1].astype(dt.date)
    absences = []
    for column, member in enumerate(staff):
        absences.extend(engine.AbsenceSpan(column, a.start, a.end) for a in member.absences.all())
        if member.start and member.start > first:
            absences.append(engine.AbsenceSpan(column, first, member.start - dt.timedelta(days=1)))
        if member.end and member.end < last:
            absences.append(engine.AbsenceSpan(column, member.end + dt.timedelta(days=1), last))
    weekly = [[float(h) for h in member.hours_per_weekday] for member in staff]
    return engine.weekday_hours(
        dates, weekly, holidays=holidays, works_public_holidays=works, absences=absences
    )


def capacity_setting(
    organization: Organization, start: dt.date, end: dt.date, today: dt.date, *, catalogue: pd.DataFrame | None = None
) -> CapacitySetting:
    """``catalogue``: the active products already read by the caller (at least ``id``,
    ``category`` and ``weight``), which saves reading them again."""
    dates = engine.period_dates(start, end)
    plan = capacity_plan_of(organization)
    base = busy = None
    source = "typed"
    if plan.baseline_source == CapacityPlan.BaselineSource.ACTUALS:
        base, busy, source = baseline_from_history(organization, dates, plan.baseline_weeks, today)
        source = source if base is not None else "typed"
    if base is None:
        base = engine.baseline_orders(dates, float(plan.orders_per_day), _weekday_profile(plan))
    profile = engine.OrderProfile(
        float(plan.units_per_order), float(plan.return_rate), float(plan.support_contacts)
    )
    holidays = sorted(public_holidays(organization.country or "FR", start, end))
    resources = list(resources_of(organization))
    staff, owner, works = [], [], []
    engine_resources = []
    automation_cost = 0.0
    for r, resource in enumerate(resources):
        for member in resource.staff.all():
            staff.append(member)
            owner.append(r)
            works.append(resource.works_public_holidays)
        automations = list(resource.automations.all())
        automation_cost += sum(float(a.setup_cost) for a in automations if start <= a.start <= end)
        engine_resources.append(
            engine.ResourceCapacity(
                name=resource.name,
                minutes_per_order=engine.minutes_after_automations(
                    dates,
                    float(resource.minutes_per_order),
                    [(a.start, float(a.minutes_saved_per_order)) for a in automations],
                ),
                minutes_per_unit=float(resource.minutes_per_unit),
                minutes_per_return=float(resource.minutes_per_return),
                minutes_per_contact=float(resource.minutes_per_contact),
                efficiency=float(resource.efficiency),
                extra_hourly_cost=float(resource.extra_hourly_cost),
                extra_max_hours_per_day=None
                if resource.extra_max_hours_per_day is None
                else float(resource.extra_max_hours_per_day),
            )
        )
    staff_hours = _staff_columns(staff, dates, holidays, works)
    hours = engine.hours_by_resource(staff_hours, owner, len(resources)) if staff else np.zeros(
        (dates.size, len(resources))
    )
    if catalogue is None:
        catalogue = pd.DataFrame.from_records(
            list(
                Product.objects.filter(organization=organization, active=True).values_list(
                    "id", "category", "units_per_month"
                )
            ),
            columns=["id", "category", "weight"],
        )
    catalogue = catalogue[["id", "category", "weight"]].astype({"weight": "float64"})
    return CapacitySetting(
        organization=organization,
        dates=dates,
        capacity_plan=plan,
        base_orders=np.asarray(base, dtype=np.float64),
        baseline_source=source,
        busy_base_orders=busy,
        profile=profile,
        resources=resources,
        engine_resources=engine_resources,
        hours=hours,
        staff_hours=staff_hours,
        staff=staff,
        holidays=holidays,
        catalogue=catalogue,
        automation_cost=automation_cost,
    )


def campaigns_in(
    organization: Organization, start: dt.date, end: dt.date, *, include_drafts: bool
) -> list[Campaign]:
    statuses = [*PLANNED_STATUSES, Campaign.Status.DRAFT] if include_drafts else list(PLANNED_STATUSES)
    return list(
        Campaign.objects.filter(
            organization=organization, status__in=statuses, start__lte=end, end__gte=start
        ).prefetch_related(Prefetch("products", queryset=Product.objects.only("id")))
    )
