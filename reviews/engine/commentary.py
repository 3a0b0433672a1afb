"""Commentary from the numbers, without a language model: rules on the weekly KPI snapshots
choose what is worth a sentence, each remark carrying the figures it says (the KPI, the
reviewed week's value, the value it is compared with and that one's week), so that every
sentence can be traced to its figure.

Pure pandas (no Django): ``table`` is the organisation's weekly snapshots, one row per week
start (oldest first), one column per KPI key. The words are the caller's
(:mod:`reviews.commentary`, FR/EN).

The rules, most telling first:

- ``under_target``: off its target (the KPI's bad side) for :data:`STREAK_WEEKS` weeks or more
  in a row, up to the reviewed week;
- ``doubled`` / ``halved``: about twice (:data:`DOUBLING` times) or about half its value
  :data:`LOOKBACK_WEEKS` weeks before, or more so (positive values only);
- ``up`` / ``down``: week on week, a relative change of at least :data:`BIG_CHANGE` (a share:
  :data:`BIG_CHANGE_POINTS` points);
- ``highest`` / ``lowest``: the highest or lowest of the weeks in the table (at least
  :data:`RECORD_WEEKS` of them).

A KPI gets one remark at most (its first rule in that order), and at most ``limit`` in all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

STREAK_WEEKS = 3
LOOKBACK_WEEKS = 4
DOUBLING = 1.95  # "doubled" as one says it of 10.0 % against 5.1 %; "halved" its inverse
BIG_CHANGE = 0.20
BIG_CHANGE_POINTS = 0.05
RECORD_WEEKS = 6
RULES = ("under_target", "doubled", "halved", "up", "down", "highest", "lowest")


@dataclasses.dataclass(frozen=True)
class Remark:
    """One sentence's figures: ``value`` is the KPI in the reviewed ``week``; ``reference``
    what it is compared with (the week before, :data:`LOOKBACK_WEEKS` weeks before, or the
    target) and ``reference_week`` that figure's week (None for a target); ``weeks`` how
    many weeks the remark spans."""

    rule: str
    kpi: str
    value: float
    reference: float | None
    week: dt.date
    reference_week: dt.date | None
    weeks: int

    @property
    def change(self) -> float | None:
        """``value − reference`` (a share's change is in its unit: 0.05 is 5 points)."""
        return None if self.reference is None else self.value - self.reference

    @property
    def change_rate(self) -> float | None:
        if self.reference is None or self.reference == 0:
            return None
        return (self.value - self.reference) / abs(self.reference)


def _worse(value: np.ndarray, target: float, direction: str) -> np.ndarray:
    return value < target if direction == "higher" else value > target


def _first_remark(kpi: str, series: pd.Series, week: dt.date, *, target: float | None, direction: str,
                  unit: str) -> Remark | None:
    values = series.to_numpy(dtype="float64")
    weeks = list(series.index)
    now = values[-1]
    if not np.isfinite(now):
        return None
    if target is not None:
        off = _worse(values, target, direction) & np.isfinite(values)
        streak = len(off) - int(np.flatnonzero(~off)[-1]) - 1 if (~off).any() else len(off)
        if streak >= STREAK_WEEKS:
            return Remark("under_target", kpi, float(now), float(target), week, None, streak)
    if len(values) > LOOKBACK_WEEKS:
        before = values[-1 - LOOKBACK_WEEKS]
        if np.isfinite(before) and before > 0 and now > 0:
            for rule, hit in (("doubled", now >= DOUBLING * before), ("halved", now * DOUBLING <= before)):
                if hit:
                    return Remark(rule, kpi, float(now), float(before), week, weeks[-1 - LOOKBACK_WEEKS],
                                  LOOKBACK_WEEKS)
    if len(values) > 1 and np.isfinite(values[-2]):
        last = values[-2]
        change = now - last
        # A count from zero has no rate: only a share (in points) may move from there.
        big = abs(change) >= BIG_CHANGE_POINTS if unit == "share" else (last != 0 and abs(change) >= BIG_CHANGE * abs(last))
        if big and change != 0:
            return Remark("up" if change > 0 else "down", kpi, float(now), float(last), week, weeks[-2], 1)
    known = values[np.isfinite(values)]
    if len(known) >= RECORD_WEEKS and np.unique(known).size > 1:
        if now >= known.max() and (known[:-1] < now).all():
            return Remark("highest", kpi, float(now), None, week, None, len(known))
        if now <= known.min() and (known[:-1] > now).all():
            return Remark("lowest", kpi, float(now), None, week, None, len(known))
    return None


def remarks(table: pd.DataFrame, *, week: dt.date, kpis: Mapping[str, tuple[str, str]],
            targets: Mapping[str, float], limit: int = 5) -> list[Remark]:
    """What is worth saying about ``week`` (the table's last row must be it, else nothing),
    for the KPIs of ``kpis`` (key → (direction ``higher``/``lower``, unit)) in that order
    of priority, at most ``limit`` remarks, the most telling rule first."""
    if table.empty or pd.Timestamp(table.index[-1]).date() != week:
        return []
    found = []
    for kpi, (direction, unit) in kpis.items():
        if kpi not in table.columns:
            continue
        remark = _first_remark(kpi, table[kpi], week, target=targets.get(kpi), direction=direction, unit=unit)
        if remark is not None:
            found.append(remark)
    found.sort(key=lambda r: RULES.index(r.rule))  # stable: the KPIs' order within a rule
    return found[:limit]
