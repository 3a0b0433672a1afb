"""Booked extra capacity (freelancers, planned overtime) and the campaigns that need it.

Booked hours are paid whether or not work fills them, and they were booked for the campaigns'
extra work: their cost belongs in what fixing the peak costs and in each campaign's cost to
deliver, or booking a freelancer would make a campaign look cheaper than overtime.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def booked_cost_share(
    booked_cost: ArrayLike,
    booked_minutes: ArrayLike,
    campaign_minutes: ArrayLike,
    campaigns_minutes: ArrayLike,
) -> float:
    """The part of the booked capacity's cost one campaign bears, over arrays of shape
    (days, resources).

    ``booked_cost`` and ``booked_minutes`` are what the booked staff cost and give each day
    (minutes after efficiency); ``campaign_minutes`` is the campaign's own extra work due that
    day, ``campaigns_minutes`` that of every campaign counted (itself included). On a day a
    resource has booked capacity, the campaigns' extra work fills it up to its size; the cost
    of the part it fills is shared between the campaigns pro rata of each one's extra work
    that day::

        share = Σ booked_cost × campaign_minutes / max(campaigns_minutes, booked_minutes)

    So the campaigns together never pay more than the booking, a campaign with no extra work
    on the days the booked capacity covers pays nothing, and the part of the booking no
    campaign's work fills stays with the usual orders (it counts in the peak's cost, in no
    campaign's). A campaign that lowers the work (negative uplift) bears nothing.
    """
    cost = np.asarray(booked_cost, dtype=np.float64)
    size = np.asarray(booked_minutes, dtype=np.float64)
    own = np.maximum(np.asarray(campaign_minutes, dtype=np.float64), 0.0)
    every = np.maximum(np.asarray(campaigns_minutes, dtype=np.float64), own)
    filled = np.maximum(every, size)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where((cost > 0) & (filled > 0), cost * own / filled, 0.0)
    return float(share.sum())
