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

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db.models import Prefetch

from campaigns.models import Campaign, Mechanic, Product, Scope
from campaigns.selectors import daily_orders, in_scope_mask, weekday_averages
from capacity import engine
from capacity.contract import public_holidays
from capacity.erlang import BandStaffing, staffing_by_band
from capacity.models import CapacityPlan, Resource, StaffMember, StockItem
from plannerist.models import Organization

DEFAULT_WEEKS = 8
MAX_PERIOD_DAYS = 366
# A campaign's backlog lands after its last day: its cost is counted one week beyond it.
BACKLOG_TAIL = dt.timedelta(days=7)

PLANNED_STATUSES = (Campaign.Status.PLANNED, Campaign.Status.APPROVED, Campaign.Status.LIVE)

# Share of a day's live contacts arriving in each hour (0 h … 23 h) for a French web shop:
# a mid-morning and a mid-afternoon peak, a lunch dip and a smaller evening peak (people
# shop after work). Only the open hours are kept and renormalised, so every contact of the
# day is answered while the channel is open.
INTRADAY_PROFILE = np.array(
    [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.4, 0.7, 0.9, 1.2, 1.2,
     0.8, 0.9, 1.1, 1.1, 1.0, 0.9, 0.8, 0.9, 1.0, 0.8, 0.5, 0.3]
)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    include_drafts: bool = False


def default_period(today: dt.date) -> Period:
    return Period(today, today + dt.timedelta(weeks=DEFAULT_WEEKS) - dt.timedelta(days=1))


@dataclass(frozen=True)
class ErlangBands:
    """Agents needed per open hour on the day with the most contacts."""

    day: dt.date
    contacts: float
    hours: list[int]
    staffing: BandStaffing

    def rows(self) -> list[dict]:
        s = self.staffing
        share = INTRADAY_PROFILE[self.hours] / INTRADAY_PROFILE[self.hours].sum()
        return [
            {
                "hour": hour,
                "contacts": float(self.contacts * share[i]),
                "agents": int(s.agents[i]),
                "service_level": float(s.service_level[i]),
                "asa_seconds": float(s.asa_seconds[i]),
                "occupancy": None if np.isnan(s.occupancy[i]) else float(s.occupancy[i]),
            }
            for i, hour in enumerate(self.hours)
        ]


@dataclass(frozen=True)
class ResourceReport:
    resource: Resource
    column: int  # the resource's column in the plan's arrays
    summary: dict
    booked_hours: float  # freelancers' and planned overtime's hours in the period
    booked_cost: float
    erlang: ErlangBands | None = None


@dataclass(frozen=True)
class StockRow:
    item: StockItem
    sku: str
    stockout_date: dt.date | None
    min_units: float
    order_by: dt.date | None  # last day to order a delivery arriving before the stock-out


@dataclass(frozen=True)
class ThrottleRow:
    date: dt.date
    resource: str
    orders_due: float
    max_orders: float


@dataclass(frozen=True)
class PeakReport:
    period: Period
    plan: engine.CapacityPlan
    demand: engine.Demand
    resources: list[ResourceReport]
    stock: list[StockRow]
    levels: engine.StockLevels
    throttle: list[ThrottleRow]
    campaigns: list[Campaign]
    baseline_source: str  # "typed" or "actuals"
    holidays: list[dt.date]
    target_utilization: float
    automation_cost: float
    recommendations: list[str] = field(default_factory=list)

    @property
    def total_extra_cost(self) -> float:
        return float(self.plan.extra_cost.sum())

    @property
    def total_extra_hours(self) -> float:
        return float(self.plan.extra_hours.sum())


@dataclass(frozen=True)
class CampaignCapacityCost:
    """What a campaign costs to deliver, over its period plus a week (backlog).

    ``extra_cost_caused`` = extra-hours cost with the campaign − without it (≥ 0 unless the
    campaign lowers demand); ``infeasible_days_with`` counts (day, resource) pairs above the
    extra-hours ceiling with the campaign.
    """

    start: dt.date
    end: dt.date
    extra_cost_with: float
    extra_cost_without: float
    extra_cost_caused: float
    extra_hours_caused: float
    infeasible_days_with: int


# ---------------------------------------------------------------- loading (constant queries)


@dataclass(frozen=True)
class _Setting:
    """Everything but the campaigns, loaded once for a period."""

    organization: Organization
    dates: np.ndarray
    capacity_plan: CapacityPlan
    base_orders: np.ndarray
    baseline_source: str
    profile: engine.OrderProfile
    resources: list[Resource]
    engine_resources: list[engine.Resource]
    hours: np.ndarray  # (days, resources)
    staff_hours: np.ndarray  # (days, staff)
    staff: list[StaffMember]
    holidays: list[dt.date]
    catalogue: pd.DataFrame  # id, category, weight
    stock_items: list[StockItem]
    automation_cost: float


def capacity_plan_of(organization: Organization) -> CapacityPlan:
    """The organisation's demand assumptions; unsaved defaults when none were typed."""
    plan = CapacityPlan.objects.filter(organization=organization).first()
    return plan or CapacityPlan(organization=organization, baseline_source=CapacityPlan.BaselineSource.TYPED)


def resources_of(organization: Organization):
    """Resources with their staff, absences and automations (four queries)."""
    return Resource.objects.filter(organization=organization).prefetch_related(
        Prefetch("staff", queryset=StaffMember.objects.prefetch_related("absences")),
        "automations",
    )


def _weekday_profile(plan: CapacityPlan) -> list[float]:
    profile = plan.weekday_profile or [1.0] * 7
    return [float(v) for v in profile]


def baseline_from_actuals(
    organization: Organization, dates: np.ndarray, weeks: int, today: dt.date
) -> np.ndarray | None:
    """Each day's weekday average of the orders of the ``weeks`` weeks before the period
    (or before today, when the period starts later); None without any actual."""
    first = dates[0].astype(dt.date)
    history_end = min(first - dt.timedelta(days=1), today)
    history_start = history_end - dt.timedelta(weeks=weeks) + dt.timedelta(days=1)
    history = daily_orders(organization, history_start, history_end)
    if history.empty:
        return None
    return weekday_averages(history)[engine.weekday_index(dates)]


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
        absences.extend(engine.Absence(column, a.start, a.end) for a in member.absences.all())
        if member.start and member.start > first:
            absences.append(engine.Absence(column, first, member.start - dt.timedelta(days=1)))
        if member.end and member.end < last:
            absences.append(engine.Absence(column, member.end + dt.timedelta(days=1), last))
    weekly = [[float(h) for h in member.hours_per_weekday] for member in staff]
    return engine.weekday_hours(
        dates, weekly, holidays=holidays, works_public_holidays=works, absences=absences
    )


def _setting(organization: Organization, start: dt.date, end: dt.date, today: dt.date) -> _Setting:
    dates = engine.period_dates(start, end)
    plan = capacity_plan_of(organization)
    base = None
    if plan.baseline_source == CapacityPlan.BaselineSource.ACTUALS:
        base = baseline_from_actuals(organization, dates, plan.baseline_weeks, today)
    source = "actuals" if base is not None else "typed"
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
            engine.Resource(
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
    catalogue = pd.DataFrame.from_records(
        list(
            Product.objects.filter(organization=organization, active=True).values_list(
                "id", "category", "units_per_month"
            )
        ),
        columns=["id", "category", "weight"],
    ).astype({"weight": "float64"})
    stock_items = list(
        StockItem.objects.filter(organization=organization)
        .select_related("product")
        .prefetch_related("replenishments")
    )
    return _Setting(
        organization=organization,
        dates=dates,
        capacity_plan=plan,
        base_orders=np.asarray(base, dtype=np.float64),
        baseline_source=source,
        profile=profile,
        resources=resources,
        engine_resources=engine_resources,
        hours=hours,
        staff_hours=staff_hours,
        staff=staff,
        holidays=holidays,
        catalogue=catalogue,
        stock_items=stock_items,
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


# ---------------------------------------------------------------- campaigns as engine inputs


def scope_product_ids(campaign: Campaign) -> list[int]:
    """The products of a campaign's scope; an unsaved what-if carries them in
    ``scope_product_ids`` since it has no many-to-many rows yet."""
    if campaign.pk is None:
        return list(getattr(campaign, "scope_product_ids", []))
    return [p.pk for p in campaign.products.all()]


def _in_scope(campaign: Campaign, catalogue: pd.DataFrame) -> np.ndarray:
    return in_scope_mask(campaign, catalogue, scope_product_ids(campaign))


def in_scope_share(campaign: Campaign, catalogue: pd.DataFrame) -> float:
    """The share of orders the campaign's uplift applies to (1 for the whole catalogue)."""
    if campaign.scope == Scope.CATALOGUE:
        return 1.0
    weights = catalogue["weight"].to_numpy()
    total = weights.sum()
    return float(weights[_in_scope(campaign, catalogue)].sum() / total) if total > 0 else 0.0


def units_per_campaign_order(campaign: Campaign, units: float) -> float | None:
    """Units in an order during the campaign; None when it is the usual order."""
    if campaign.mechanic == Mechanic.BUY_X_GET_Y and campaign.buy:
        return units * (campaign.buy + campaign.get) / campaign.buy
    return None


def engine_campaign(campaign: Campaign, setting: _Setting) -> engine.Campaign:
    def optional(value) -> float | None:
        return None if value is None else float(value)

    return engine.Campaign(
        name=campaign.name,
        start=campaign.start,
        end=campaign.end,
        uplift=float(campaign.uplift) * in_scope_share(campaign, setting.catalogue),
        units=units_per_campaign_order(campaign, setting.profile.units),
        return_rate=optional(campaign.return_rate_override),
        support_contacts=optional(campaign.support_contacts_override),
    )


def _demand(setting: _Setting, campaigns: Sequence[Campaign]) -> engine.Demand:
    return engine.daily_demand(
        setting.dates,
        setting.base_orders,
        setting.profile,
        [engine_campaign(c, setting) for c in campaigns],
    )


def _plan(setting: _Setting, demand: engine.Demand) -> engine.CapacityPlan:
    target = float(setting.capacity_plan.target_utilization)
    if not setting.engine_resources:  # nothing described yet: an empty plan, not an error
        empty = np.zeros((setting.dates.size, 0))
        return engine.schedule(
            setting.dates, empty, empty, names=[], orders=demand.orders, work_per_order=empty,
            efficiency=[], target_utilization=target, extra_hourly_cost=[], extra_max_hours_per_day=[],
        )
    return engine.plan_capacity(
        demand,
        setting.engine_resources,
        setting.hours,
        target_utilization=target,
    )


# ---------------------------------------------------------------- stock


def sku_units(setting: _Setting, campaigns: Sequence[Campaign], demand: engine.Demand) -> np.ndarray:
    """Units sold per day (rows) of each active product (columns, the catalogue's order):
    baseline units by the sales mix, each campaign's extra units within its scope."""
    weights = setting.catalogue["weight"].to_numpy()
    total = weights.sum()
    if total <= 0:
        return np.zeros((setting.dates.size, len(weights)))
    units = np.outer(demand.base_orders * setting.profile.units, weights / total)
    for campaign in campaigns:
        share = in_scope_share(campaign, setting.catalogue)
        if share <= 0:
            continue
        per_order = units_per_campaign_order(campaign, setting.profile.units) or setting.profile.units
        active = (setting.dates >= np.datetime64(campaign.start, "D")) & (
            setting.dates <= np.datetime64(campaign.end, "D")
        )
        extra_units = demand.base_orders * float(campaign.uplift) * share * per_order * active
        mask = _in_scope(campaign, setting.catalogue)
        scoped = np.where(mask, weights, 0.0)
        units += np.outer(extra_units, scoped / scoped.sum())
    return units


def _stock(
    setting: _Setting, campaigns: Sequence[Campaign], demand: engine.Demand
) -> tuple[engine.StockLevels, list[StockRow]]:
    columns = {pid: k for k, pid in enumerate(setting.catalogue["id"].tolist())}
    per_sku = sku_units(setting, campaigns, demand)
    first, last = setting.dates[0].astype(dt.date), setting.dates[-1].astype(dt.date)
    items = [item for item in setting.stock_items if item.product_id in columns]
    if not items:
        return engine.StockLevels(setting.dates, (), np.zeros((setting.dates.size, 0))), []
    sold = np.column_stack([per_sku[:, columns[item.product_id]] for item in items])
    levels = np.column_stack(
        [
            engine.stock_levels(
                setting.dates,
                sold[:, k],
                [
                    engine.StockItem(
                        sku=item.product.sku,
                        on_hand=float(item.on_hand),
                        share_of_units=1.0,
                        incoming=[
                            (r.date, float(r.units))
                            for r in item.replenishments.all()
                            if first <= r.date <= last
                        ],
                    )
                ],
            ).units[:, 0]
            for k, item in enumerate(items)
        ]
    )
    stock = engine.StockLevels(setting.dates, tuple(item.product.sku for item in items), levels)
    rows = []
    for item, sku, out, lowest in zip(
        items, stock.skus, stock.stockout_dates(), stock.min_units(), strict=True
    ):
        order_by = None if out is None else out - dt.timedelta(days=item.lead_time_days)
        rows.append(StockRow(item, sku, out, float(lowest), order_by))
    return stock, rows


# ---------------------------------------------------------------- derived views


def throttle_rows(plan: engine.CapacityPlan) -> list[ThrottleRow]:
    """Working days where some resource cannot take the orders due at the target
    utilisation: the binding resource's largest intake that day."""
    limit = plan.max_orders()
    over = plan.working & (limit < plan.due_orders)
    rows = []
    for t in np.flatnonzero(over.any(axis=1)):
        candidates = np.where(over[t], limit[t], np.inf)
        r = int(np.argmin(candidates))
        rows.append(
            ThrottleRow(
                date=plan.dates[t].astype(dt.date),
                resource=plan.resources[r],
                orders_due=float(plan.due_orders[t, r]),
                max_orders=float(np.floor(limit[t, r])),
            )
        )
    return rows


def erlang_bands(resource: Resource, demand: engine.Demand) -> ErlangBands | None:
    """Live-channel staffing for the day with the most contacts, per open hour."""
    if not resource.live_channel or demand.contacts.size == 0:
        return None
    hours = list(range(resource.live_open_hour, max(resource.live_close_hour, resource.live_open_hour + 1)))
    hours = [h for h in hours if h < 24]
    t = int(np.argmax(demand.contacts))
    contacts = float(demand.contacts[t])
    weights = INTRADAY_PROFILE[hours]
    per_hour = contacts * weights / weights.sum()
    return ErlangBands(
        day=demand.dates[t].astype(dt.date),
        contacts=contacts,
        hours=hours,
        staffing=staffing_by_band(
            per_hour,
            float(resource.live_aht_seconds),
            float(resource.live_answer_seconds),
            float(resource.live_service_level),
        ),
    )


def _summary_rows(plan: engine.CapacityPlan) -> list[dict]:
    frame = plan.summary()
    return [
        {key: (None if isinstance(v, float) and np.isnan(v) else v) for key, v in row.items()}
        for row in frame.reset_index().to_dict("records")
    ]


def _booked(setting: _Setting) -> tuple[np.ndarray, np.ndarray]:
    """Hours and cost per resource of freelancers and planned overtime in the period."""
    n = len(setting.resources)
    hours, cost = np.zeros(n), np.zeros(n)
    index = {resource.pk: r for r, resource in enumerate(setting.resources)}
    for column, member in enumerate(setting.staff):
        if member.kind == StaffMember.Kind.EMPLOYEE:
            continue
        worked = float(setting.staff_hours[:, column].sum())
        hours[index[member.resource_id]] += worked
        cost[index[member.resource_id]] += worked * float(member.hourly_cost)
    return hours, cost


# ---------------------------------------------------------------- public entry points


def peak_report(organization: Organization, period: Period, *, today: dt.date) -> PeakReport:
    """The holiday-peak check: load against capacity, stock, intake advice, live staffing."""
    from capacity.advice import recommendations

    setting = _setting(organization, period.start, period.end, today)
    campaigns = campaigns_in(organization, period.start, period.end, include_drafts=period.include_drafts)
    demand = _demand(setting, campaigns)
    plan = _plan(setting, demand)
    levels, stock_rows = _stock(setting, campaigns, demand)
    summaries = _summary_rows(plan)
    booked_hours, booked_cost = _booked(setting)
    reports = [
        ResourceReport(
            resource=resource,
            column=r,
            summary=summaries[r],
            booked_hours=float(booked_hours[r]),
            booked_cost=float(booked_cost[r]),
            erlang=erlang_bands(resource, demand),
        )
        for r, resource in enumerate(setting.resources)
    ]
    report = PeakReport(
        period=period,
        plan=plan,
        demand=demand,
        resources=reports,
        stock=stock_rows,
        levels=levels,
        throttle=throttle_rows(plan),
        campaigns=campaigns,
        baseline_source=setting.baseline_source,
        holidays=setting.holidays,
        target_utilization=float(setting.capacity_plan.target_utilization),
        automation_cost=setting.automation_cost,
    )
    report.recommendations.extend(
        recommendations(report, currency=organization.currency, today=today)
    )
    return report


def campaign_capacity_cost(campaign: Campaign, *, today: dt.date | None = None) -> CampaignCapacityCost:
    """The extra capacity cost ``campaign`` causes: the plan over its period plus a week,
    with the organisation's planned campaigns and this one (even a draft), against the same
    without it."""
    organization = campaign.organization
    start, end = campaign.start, campaign.end + BACKLOG_TAIL
    setting = _setting(organization, start, end, today or dt.date.today())
    others = [
        c for c in campaigns_in(organization, start, end, include_drafts=False) if c.pk != campaign.pk
    ]
    without = _plan(setting, _demand(setting, others))
    with_it = _plan(setting, _demand(setting, [*others, campaign]))
    cost_with, cost_without = float(with_it.extra_cost.sum()), float(without.extra_cost.sum())
    return CampaignCapacityCost(
        start=start,
        end=end,
        extra_cost_with=cost_with,
        extra_cost_without=cost_without,
        extra_cost_caused=cost_with - cost_without,
        extra_hours_caused=float(with_it.extra_hours.sum() - without.extra_hours.sum()),
        infeasible_days_with=int((~with_it.feasible).sum()),
    )


def deliverable_orders(organization: Organization, start: dt.date, end: dt.date, *, today: dt.date) -> pd.Series:
    """Orders the team could deliver each day with its planned hours: per resource, its
    capacity minutes over the minutes an order of the usual mix costs it; the day's figure
    is the bottleneck among the resources working that day (0 when none works). Empty when
    no resource is described (capacity unknown, not zero)."""
    setting = _setting(organization, start, end, today)
    if not setting.engine_resources:
        return pd.Series(dtype="float64")
    plan = _plan(setting, _demand(setting, []))
    with np.errstate(divide="ignore", invalid="ignore"):
        per_resource = np.where(
            plan.working & (plan.work_per_order > 0), plan.capacity_minutes / plan.work_per_order, np.nan
        )
    all_off = np.isnan(per_resource).all(axis=1)
    bottleneck = np.full(setting.dates.size, 0.0)
    bottleneck[~all_off] = np.nanmin(per_resource[~all_off], axis=1)
    return pd.Series(bottleneck, index=pd.to_datetime(setting.dates), name="capacity_orders")


@dataclass(frozen=True)
class Outlook:
    """The next weeks as the capacity engine sees them: for signals and dashboards."""

    period: Period
    plan: engine.CapacityPlan
    stock: list[StockRow]
    campaigns: list[Campaign]


def outlook(organization: Organization, *, today: dt.date, weeks: int) -> Outlook:
    """Load against capacity and stock over ``weeks`` from today, planned campaigns only."""
    period = Period(today, today + dt.timedelta(weeks=weeks) - dt.timedelta(days=1))
    setting = _setting(organization, period.start, period.end, today)
    campaigns = campaigns_in(organization, period.start, period.end, include_drafts=False)
    demand = _demand(setting, campaigns)
    _, stock_rows = _stock(setting, campaigns, demand)
    return Outlook(period=period, plan=_plan(setting, demand), stock=stock_rows, campaigns=campaigns)
