"""The ``capacity`` and ``erlang`` contracts of economics.md (sections 2 and 3).

Pure Python (no Django): validates a JSON document, runs the engine, returns JSON-ready
dicts (full float precision, ``None`` for null, dates as ISO strings). Bad input raises
:class:`~plannerist.validation.InputError` naming the field by its path.

Choices the contract leaves open:

* Every key of section 2's example is required (the section, unlike section 1, lists no
  defaults); ``campaigns`` and ``stock`` may be empty lists. Campaign ``units``,
  ``return_rate`` and ``support_contacts`` may be null (the order profile's value), and so
  may a resource's ``extra_max_hours_per_day`` (no limit: every day is feasible).
* Campaign days and stock deliveries must lie within the period; the period is at most
  :data:`MAX_PERIOD_DAYS` days (three years); dates lie in 2000–2100 and numbers within
  ±1e9 (:mod:`plannerist.validation`).
* ``on_hand`` must be >= 0: a negative count is a data error rather than a plan, and the
  stock-out of already oversold stock is reported on the first day anyway.
* ``support_contacts`` is contacts per order, so it may exceed 1; rates (``return_rate``,
  ``share_of_units``) lie in [0, 1].
* ``summary`` is keyed by resource name and ``stock`` by SKU.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any

import holidays as holiday_calendars
import numpy as np

from capacity import engine
from capacity.engine.erlang import staffing
from plannerist import validation as v
from plannerist.validation import InputError

MAX_PERIOD_DAYS = v.MAX_PERIOD_DAYS  # three years (issue 12 item 20), as in the forms
# Beyond this the staffing search (one step per agent) stops being instant; no contact
# centre plans a hundred thousand simultaneous conversations.
MAX_TRAFFIC_ERLANGS = 100_000.0

_SUMMARY_KEYS = (
    "peak_utilization",
    "overloaded_days",
    "max_delay_days",
    "extra_hours",
    "extra_cost",
    "unfinished_hours",
    "infeasible_days",
)


def public_holidays(country: str, start: dt.date, end: dt.date) -> frozenset[dt.date]:
    """Public holidays of ``country`` (ISO 3166-1 alpha-2, e.g. ``FR``), start..end inclusive.

    National holidays only (no regional subdivision: Alsace-Moselle's 26 December is not in
    FR's list).
    """
    code = country.upper()
    if code not in holiday_calendars.list_supported_countries():
        raise InputError("country", f"unknown country code {country!r} (e.g. FR, BE, DE)")
    return frozenset(
        day for year in range(start.year, end.year + 1) for day in _year_holidays(code, year) if start <= day <= end
    )


@functools.lru_cache(maxsize=256)
def _year_holidays(code: str, year: int) -> frozenset[dt.date]:
    """One country's holidays of one year: the ``holidays`` package takes milliseconds to build a
    calendar, and the what-if asks on every keystroke for the same years."""
    return frozenset(holiday_calendars.country_holidays(code, years=year))


def capacity_report(document: Any) -> dict[str, Any]:
    """Section 2: ``{"days": [...], "stock": {sku: ...}, "summary": {resource: ...}}``."""
    doc = v.keys(
        document,
        "",
        required=(
            "start",
            "end",
            "country",
            "target_utilization",
            "demand",
            "order_profile",
            "campaigns",
            "resources",
            "stock",
        ),
    )
    start = v.date(doc["start"], "start")
    end = v.date(doc["end"], "end")
    if end < start:
        raise InputError("end", f"must be on or after start ({start}), got {end}")
    v.period(start, end, "end", max_days=MAX_PERIOD_DAYS)
    holidays = public_holidays(v.string(doc["country"], "country"), start, end)
    target = v.number(
        doc["target_utilization"],
        "target_utilization",
        minimum=0.0,
        exclusive_minimum=True,
        maximum=1.0,
    )
    demand_doc = v.keys(doc["demand"], "demand", required=("orders_per_day", "weekday_profile"))
    orders_per_day = v.number(demand_doc["orders_per_day"], "demand.orders_per_day", minimum=0)
    weekday_profile = _weekly(demand_doc["weekday_profile"], "demand.weekday_profile")
    profile = _order_profile(doc["order_profile"])
    period = (start, end)
    campaigns = [
        _campaign(item, f"campaigns[{i}]", period)
        for i, item in enumerate(v.array(doc["campaigns"], "campaigns"))
    ]
    resource_docs = v.array(doc["resources"], "resources", min_length=1)
    resources, weekly_hours, works_holidays = [], [], []
    for i, item in enumerate(resource_docs):
        resource, hours, works = _resource(item, f"resources[{i}]")
        resources.append(resource)
        weekly_hours.append(hours)
        works_holidays.append(works)
    _unique([r.name for r in resources], "resources", "name")
    items = [
        _stock_item(item, f"stock[{i}]", period)
        for i, item in enumerate(v.array(doc["stock"], "stock"))
    ]
    _unique([item.sku for item in items], "stock", "sku")

    dates = engine.period_dates(start, end)
    demand = engine.daily_demand(
        dates, engine.baseline_orders(dates, orders_per_day, weekday_profile), profile, campaigns
    )
    hours = engine.weekday_hours(
        dates, weekly_hours, holidays=holidays, works_public_holidays=works_holidays
    )
    plan = engine.plan_capacity(demand, resources, hours, target_utilization=target)
    levels = engine.stock_levels(dates, demand.units, items)
    return {
        "days": _day_rows(plan),
        "stock": {
            sku: {"stockout_date": _iso(day), "min_units": float(lowest)}
            for sku, day, lowest in zip(
                levels.skus, levels.stockout_dates(), levels.min_units(), strict=True
            )
        },
        "summary": _summary(plan),
    }


def erlang_report(
    contacts_per_hour: Any, aht_seconds: Any, answer_seconds: Any, service_level: Any
) -> dict[str, Any]:
    """Section 3: the fewest agents reaching ``service_level`` within ``answer_seconds``.

    No contacts need no agent: ``agents`` 0, ``service_level`` 1, ``asa_seconds`` 0 and
    ``occupancy`` null.
    """
    contacts = v.number(contacts_per_hour, "contacts_per_hour", minimum=0)
    aht = v.number(aht_seconds, "aht_seconds", minimum=0, exclusive_minimum=True)
    answer = v.number(answer_seconds, "answer_seconds", minimum=0)
    target = v.number(service_level, "service_level", minimum=0, exclusive_minimum=True)
    if target >= 1:
        raise InputError("service_level", f"must be less than 1, got {target:g}")
    if contacts * aht / 3600.0 > MAX_TRAFFIC_ERLANGS:
        raise InputError(
            "contacts_per_hour",
            f"contacts_per_hour × aht_seconds / 3600 must be at most {MAX_TRAFFIC_ERLANGS:g} Erlangs",
        )
    result = staffing(contacts, aht, answer, target)
    return {
        "agents": result.agents,
        "service_level": result.service_level,
        "asa_seconds": result.asa_seconds,
        "occupancy": result.occupancy,
    }


def _weekly(value: Any, path: str, *, maximum: float | None = None) -> list[float]:
    days = v.array(value, path, length=7)
    return [v.number(x, f"{path}[{i}]", minimum=0, maximum=maximum) for i, x in enumerate(days)]


def _order_profile(value: Any) -> engine.OrderProfile:
    path = "order_profile"
    doc = v.keys(value, path, required=("units", "return_rate", "support_contacts"))
    return engine.OrderProfile(
        units=v.number(doc["units"], f"{path}.units", minimum=0),
        return_rate=v.rate(doc["return_rate"], f"{path}.return_rate"),
        support_contacts=v.number(doc["support_contacts"], f"{path}.support_contacts", minimum=0),
    )


def _campaign(value: Any, path: str, period: tuple[dt.date, dt.date]) -> engine.CampaignDemand:
    doc = v.keys(
        value,
        path,
        required=("name", "start", "end", "uplift", "units", "return_rate", "support_contacts"),
    )
    start = _date_in(doc["start"], f"{path}.start", period)
    end = _date_in(doc["end"], f"{path}.end", period)
    if end < start:
        raise InputError(f"{path}.end", f"must be on or after {path}.start ({start}), got {end}")
    return engine.CampaignDemand(
        name=v.string(doc["name"], f"{path}.name"),
        start=start,
        end=end,
        uplift=v.number(doc["uplift"], f"{path}.uplift", minimum=0),
        units=v.number(doc["units"], f"{path}.units", minimum=0, nullable=True),
        return_rate=v.rate(doc["return_rate"], f"{path}.return_rate", nullable=True),
        support_contacts=v.number(
            doc["support_contacts"], f"{path}.support_contacts", minimum=0, nullable=True
        ),
    )


def _resource(value: Any, path: str) -> tuple[engine.ResourceCapacity, list[float], bool]:
    doc = v.keys(
        value,
        path,
        required=(
            "name",
            "minutes_per_order",
            "minutes_per_unit",
            "minutes_per_return",
            "minutes_per_contact",
            "hours_per_weekday",
            "efficiency",
            "works_public_holidays",
            "extra_hourly_cost",
            "extra_max_hours_per_day",
        ),
    )

    def minutes(key: str) -> float:
        return v.number(doc[key], f"{path}.{key}", minimum=0)

    resource = engine.ResourceCapacity(
        name=v.string(doc["name"], f"{path}.name"),
        minutes_per_order=minutes("minutes_per_order"),
        minutes_per_unit=minutes("minutes_per_unit"),
        minutes_per_return=minutes("minutes_per_return"),
        minutes_per_contact=minutes("minutes_per_contact"),
        efficiency=v.number(
            doc["efficiency"], f"{path}.efficiency", minimum=0, exclusive_minimum=True, maximum=1
        ),
        extra_hourly_cost=v.number(
            doc["extra_hourly_cost"], f"{path}.extra_hourly_cost", minimum=0
        ),
        extra_max_hours_per_day=v.number(
            doc["extra_max_hours_per_day"],
            f"{path}.extra_max_hours_per_day",
            minimum=0,
            nullable=True,
        ),
    )
    hours = _weekly(doc["hours_per_weekday"], f"{path}.hours_per_weekday", maximum=24)
    works = v.boolean(doc["works_public_holidays"], f"{path}.works_public_holidays")
    return resource, hours, works


def _stock_item(value: Any, path: str, period: tuple[dt.date, dt.date]) -> engine.StockPosition:
    doc = v.keys(value, path, required=("sku", "on_hand", "share_of_units", "incoming"))
    incoming = []
    for i, delivery in enumerate(v.array(doc["incoming"], f"{path}.incoming")):
        where = f"{path}.incoming[{i}]"
        delivery = v.keys(delivery, where, required=("date", "units"))
        incoming.append(
            (
                _date_in(delivery["date"], f"{where}.date", period),
                v.number(delivery["units"], f"{where}.units", minimum=0),
            )
        )
    return engine.StockPosition(
        sku=v.string(doc["sku"], f"{path}.sku"),
        on_hand=v.number(doc["on_hand"], f"{path}.on_hand", minimum=0),
        share_of_units=v.rate(doc["share_of_units"], f"{path}.share_of_units"),
        incoming=tuple(incoming),
    )


def _date_in(value: Any, path: str, period: tuple[dt.date, dt.date]) -> dt.date:
    day = v.date(value, path)
    start, end = period
    if not start <= day <= end:
        raise InputError(path, f"must be within the period {start}..{end}, got {day}")
    return day


def _unique(names: list[str], path: str, key: str) -> None:
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            raise InputError(f"{path}[{i}].{key}", f"duplicate {key} {name!r}")
        seen.add(name)


def _day_rows(plan: engine.LoadPlan) -> list[dict[str, Any]]:
    # .tolist() turns numpy scalars into Python floats and bools in one pass.
    columns = {
        "work_hours": (plan.work_minutes / 60.0).tolist(),
        "due_hours": (plan.due_minutes / 60.0).tolist(),
        "capacity_hours": (plan.capacity_minutes / 60.0).tolist(),
        "utilization": plan.utilization.tolist(),
        "backlog_hours": (plan.backlog_minutes / 60.0).tolist(),
        "delay_days": plan.delay_days.tolist(),
        "extra_hours": plan.extra_hours.tolist(),
        "extra_cost": plan.extra_cost.tolist(),
        "feasible": plan.feasible.tolist(),
    }
    dates = [str(day) for day in plan.dates]
    orders = plan.orders.tolist()
    rows = []
    for t, day in enumerate(dates):
        for r, name in enumerate(plan.resources):
            row: dict[str, Any] = {"date": day, "resource": name, "orders": orders[t]}
            for key, values in columns.items():
                row[key] = _json_number(values[t][r])
            rows.append(row)
    return rows


def _summary(plan: engine.LoadPlan) -> dict[str, dict[str, Any]]:
    summary = plan.summary()
    # Column by column, so the day counts stay integers.
    columns = {key: summary[key].tolist() for key in _SUMMARY_KEYS}
    return {
        name: {key: _json_number(values[r]) for key, values in columns.items()}
        for r, name in enumerate(plan.resources)
    }


def _json_number(value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    value = float(value)
    return None if math.isnan(value) else value


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()
