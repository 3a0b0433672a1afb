"""Live support staffing with Erlang C (economics.md, section 3). Pure Python and numpy.

Traffic A = contacts_per_hour × aht_seconds / 3600 Erlangs. With n agents (n > A):
P_wait = Erlang C(n, A), SL = 1 − P_wait × exp(−(n − A) × T / aht),
ASA = P_wait × aht / (n − A), occupancy = A / n.

Erlang C comes from the Erlang B recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)) and
C = n·B / (n − A·(1 − B)): no factorial or power of A, so it neither overflows nor loses
precision for thousands of agents, and the search for n reuses B(n − 1).

With no contacts (A = 0) no agent is needed: 0 agents, service level 1, ASA 0 and no
occupancy (None / NaN).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

# A service level computed as 0.79999999999999 for a target of 0.8 is floating-point noise,
# not a miss.
_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Staffing:
    agents: int
    service_level: float
    asa_seconds: float
    occupancy: float | None
    traffic: float


@dataclass(frozen=True, eq=False)
class BandStaffing:
    """One value per band (hour, half hour…); NaN occupancy where there is no traffic."""

    agents: NDArray[np.int64]
    service_level: NDArray[np.float64]
    asa_seconds: NDArray[np.float64]
    occupancy: NDArray[np.float64]
    traffic: NDArray[np.float64]


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a contact waits, with ``agents`` agents and ``traffic`` Erlangs.

    1 when the queue is unstable (agents ≤ traffic): every contact eventually waits.
    """
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def service_level_for(
    agents: int, traffic: float, aht_seconds: float, answer_seconds: float
) -> float:
    """Share of contacts answered within ``answer_seconds``."""
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    wait = erlang_c(agents, traffic)
    return 1.0 - wait * float(np.exp(-(agents - traffic) * answer_seconds / aht_seconds))


def staffing(
    contacts_per_hour: float, aht_seconds: float, answer_seconds: float, service_level: float
) -> Staffing:
    """The fewest agents answering ``service_level`` of contacts within ``answer_seconds``."""
    bands = staffing_by_band([contacts_per_hour], aht_seconds, answer_seconds, service_level)
    occupancy = float(bands.occupancy[0])
    return Staffing(
        agents=int(bands.agents[0]),
        service_level=float(bands.service_level[0]),
        asa_seconds=float(bands.asa_seconds[0]),
        occupancy=None if np.isnan(occupancy) else occupancy,
        traffic=float(bands.traffic[0]),
    )


def staffing_by_band(
    contacts_per_hour: ArrayLike, aht_seconds: float, answer_seconds: float, service_level: float
) -> BandStaffing:
    """:func:`staffing` for every band at once (contacts per hour of each band).

    Runs the Erlang B recursion for all bands together, one agent count at a time, and
    stops each band at its first agent count that reaches the service level.
    """
    if not 0 < service_level < 1:
        raise ValueError(f"service_level must be between 0 and 1 exclusive, got {service_level}")
    if aht_seconds <= 0 or answer_seconds < 0:
        raise ValueError("aht_seconds must be > 0 and answer_seconds >= 0")
    contacts = np.atleast_1d(np.asarray(contacts_per_hour, dtype=np.float64))
    if np.any(contacts < 0) or not np.all(np.isfinite(contacts)):
        raise ValueError("contacts_per_hour must be finite and >= 0")
    traffic = contacts * aht_seconds / 3600.0
    agents = np.zeros(traffic.shape, dtype=np.int64)
    reached = np.ones(traffic.shape)
    asa = np.zeros(traffic.shape)
    occupancy = np.full(traffic.shape, np.nan)

    pending = traffic > 0
    blocking = np.ones(traffic.shape)
    n = 0
    while pending.any():
        n += 1
        blocking = traffic * blocking / (n + traffic * blocking)
        stable = pending & (n > traffic)
        if not stable.any():
            continue
        surplus = np.where(stable, n - traffic, 1.0)
        wait = np.where(stable, n * blocking / (n - traffic * (1.0 - blocking)), 1.0)
        level = 1.0 - wait * np.exp(-surplus * answer_seconds / aht_seconds)
        done = stable & (level >= service_level - _TOLERANCE)
        agents[done] = n
        reached[done] = level[done]
        asa[done] = (wait * aht_seconds / surplus)[done]
        occupancy[done] = traffic[done] / n
        pending &= ~done
    return BandStaffing(agents, reached, asa, occupancy, traffic)
