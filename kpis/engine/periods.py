"""Period arithmetic of the KPI pages (pure: no Django): which ISO weeks, months and quarters
are over and covered day by day by the data, how many days a period has, the latest one the
data covers only in part."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd


def complete_periods(
    table: pd.DataFrame, current_start: dt.date, *, period: str = "week", span: tuple[dt.date, dt.date] | None = None
) -> tuple[pd.DataFrame, pd.Series | None]:
    """The periods that are over, and the one in progress (None when it has no figure yet).

    With ``span``, the first and the last day holding actuals, a period the data covers only
    in part (it starts before the first day or ends after the last) is not complete either:
    a week holding one day of data against a whole week reads "−86 %", which is no change the
    shop made. Only periods the data covers day by day are compared.
    """
    in_progress = table.index == current_start
    current = table.loc[in_progress].iloc[-1] if in_progress.any() else None
    over = ~in_progress & (table.index < current_start)
    if span is not None:
        over &= np.array(
            [covered_days(start, period, span) == period_days(start, period) for start in table.index], dtype=bool
        )
    return table.loc[over], current


def covered_days(start: dt.date, period: str, span: tuple[dt.date, dt.date]) -> int:
    end = start + dt.timedelta(days=period_days(start, period) - 1)
    first, last = max(start, span[0]), min(end, span[1])
    return max(0, (last - first).days + 1)


def last_whole_week(week: dt.date, span: tuple[dt.date, dt.date] | None) -> dt.date:
    """The Monday of the last ISO week, not after ``week``, that the data covers to its
    Sunday (``week`` itself without actuals, or when the data covers no whole week)."""
    if span is None:
        return week
    covered = span[1] - dt.timedelta(days=(span[1].weekday() + 1) % 7 + 6)
    return week if covered < span[0] else min(week, covered)


@dataclasses.dataclass(frozen=True)
class PartialPeriod:
    """A period over on the calendar but only partly covered by the data, left out of the
    comparisons: its start, the days of it the data covers and the last day of data."""

    start: dt.date
    days: int
    of_days: int
    last_day: dt.date


def partial_period(
    table: pd.DataFrame, current_start: dt.date, *, period: str, span: tuple[dt.date, dt.date] | None
) -> PartialPeriod | None:
    """The latest period left out by :func:`complete_periods` for holding part of its days
    only, after the last complete one (what the page says it does not compare)."""
    if span is None:
        return None
    done, _current = complete_periods(table, current_start, period=period, span=span)
    after = [s for s in table.index if s < current_start and (not len(done) or s > done.index[-1])]
    if not after:
        return None
    start = after[-1]
    return PartialPeriod(start, covered_days(start, period, span), period_days(start, period), span[1])


def period_days(start: dt.date, period: str) -> int:
    if period == "day":
        return 1
    if period == "week":
        return 7
    months = 1 if period == "month" else 3
    month = start.month - 1 + months
    end = dt.date(start.year + month // 12, month % 12 + 1, 1)
    return (end - start).days
