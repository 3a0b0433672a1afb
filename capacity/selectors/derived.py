"""Views derived from a plan: days to throttle intake, live-channel staffing per hour, the
resources' summaries and booked hours."""

from __future__ import annotations

import datetime as dt

import numpy as np

from capacity import engine
from capacity.engine.erlang import staffing_by_band
from capacity.models import Resource, StaffMember
from capacity.selectors.loading import CapacitySetting
from capacity.selectors.results import INTRADAY_PROFILE, ErlangBands, ThrottleRow


def throttle_rows(plan: engine.LoadPlan) -> list[ThrottleRow]:
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


def summary_rows(plan: engine.LoadPlan) -> list[dict]:
    frame = plan.summary()
    return [
        {key: (None if isinstance(v, float) and np.isnan(v) else v) for key, v in row.items()}
        for row in frame.reset_index().to_dict("records")
    ]


def booked_hours_cost(setting: CapacitySetting) -> tuple[np.ndarray, np.ndarray]:
    """Hours and cost per day (rows) and resource (columns) of the freelancers and planned
    overtime booked in the period."""
    shape = (setting.dates.size, len(setting.resources))
    hours, cost = np.zeros(shape), np.zeros(shape)
    index = {resource.pk: r for r, resource in enumerate(setting.resources)}
    for column, member in enumerate(setting.staff):
        if member.kind == StaffMember.Kind.EMPLOYEE:
            continue
        worked = setting.staff_hours[:, column]
        hours[:, index[member.resource_id]] += worked
        cost[:, index[member.resource_id]] += worked * float(member.hourly_cost)
    return hours, cost
