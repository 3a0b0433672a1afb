"""Planned working hours per day and resource.

A resource works on a day when its hours are above 0. A public holiday (unless the
resource works public holidays) and an absence set the day's hours to 0, so the work that
arrives that day is due on the resource's next working day, like a weekend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .demand import Dates, Floats, weekday_index


@dataclass(frozen=True)
class AbsenceSpan:
    """Column ``resource`` (a resource, or a staff member before :func:`hours_by_resource`)
    does not work from ``start`` to ``end`` inclusive."""

    resource: int
    start: dt.date
    end: dt.date


def weekday_hours(
    dates: Dates,
    hours_per_weekday: ArrayLike,
    *,
    holidays: Iterable[dt.date] | ArrayLike = (),
    works_public_holidays: bool | ArrayLike = False,
    absences: Iterable[AbsenceSpan] = (),
) -> Floats:
    """Hours per day (rows) and column from each column's Monday..Sunday hours.

    ``hours_per_weekday`` has shape (columns, 7); ``works_public_holidays`` is one flag or
    one per column; ``holidays`` are the public holidays' dates.
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    weekly = np.atleast_2d(np.asarray(hours_per_weekday, dtype=np.float64))
    if weekly.ndim != 2 or weekly.shape[1] != 7:
        raise ValueError(f"hours_per_weekday needs shape (columns, 7), got {weekly.shape}")
    hours = weekly[:, weekday_index(dates)].T.copy()
    holiday_dates = np.array([np.datetime64(d, "D") for d in holidays], dtype="datetime64[D]")
    if holiday_dates.size:
        on_holiday = np.isin(dates, holiday_dates)
        works = np.broadcast_to(np.asarray(works_public_holidays, dtype=bool), weekly.shape[:1])
        hours[on_holiday[:, None] & ~works[None, :]] = 0.0
    for absence in absences:
        away = (dates >= np.datetime64(absence.start, "D")) & (
            dates <= np.datetime64(absence.end, "D")
        )
        hours[away, absence.resource] = 0.0
    return hours


def hours_by_resource(hours: ArrayLike, resource_of: ArrayLike, n_resources: int) -> Floats:
    """Sum staff columns into resource columns: ``resource_of[s]`` is staff s's resource.

    Lets a caller build each person's hours (part time, freelancers three days a week,
    absences) with :func:`weekday_hours` and plan per team.
    """
    staff_hours = np.asarray(hours, dtype=np.float64)
    owner = np.asarray(resource_of, dtype=np.int64)
    membership = np.zeros((owner.size, n_resources))
    membership[np.arange(owner.size), owner] = 1.0
    return staff_hours @ membership
