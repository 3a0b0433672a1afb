"""The shop's calendar, as columns of 0/1 features over a range of days.

Public holidays come from the ``holidays`` package for the country; Black Friday (the
Friday after the fourth Thursday of November), Cyber Monday (the Monday after it) and, in
France, the national sales periods ("soldes") are computed here.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

# The event columns a model may learn an effect for, in a fixed order.
EVENTS = (
    "holiday",
    "black_week",
    "black_friday",
    "cyber_monday",
    "sales_first_week",
    "sales_rest",
    "dec_15_23",
    "dec_24",
    "dec_25_26",
    "dec_27_31",
)


def supported_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes the ``holidays`` package knows."""
    return frozenset(holidays.list_supported_countries())


def black_friday(year: int) -> dt.date:
    """The Friday after the fourth Thursday of November."""
    first = dt.date(year, 11, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(weeks=3, days=1)


def cyber_monday(year: int) -> dt.date:
    return black_friday(year) + dt.timedelta(days=3)


def _wednesdays(year: int, month: int) -> list[dt.date]:
    first = dt.date(year, month, 1)
    day = first + dt.timedelta(days=(2 - first.weekday()) % 7)
    days = []
    while day.month == month:
        days.append(day)
        day += dt.timedelta(weeks=1)
    return days


def sales_weeks(year: int) -> int:
    """Length of each national sales period: 4 weeks since the arrêté of 27 May 2019
    (in force 1 January 2020), 6 weeks 2015–2019, 5 weeks 2009–2014 (loi LME)."""
    if year >= 2020:
        return 4
    if year >= 2015:
        return 6
    return 5


def france_sales_periods(year: int) -> list[tuple[dt.date, dt.date]]:
    """The national winter and summer sales ("soldes") of ``year``, first and last day.

    Winter starts the second Wednesday of January, or the first when the second falls
    after the 12th; summer starts the last Wednesday of June, or the one before when the
    last falls after the 28th (Code de commerce D310-15-2 until 2019, then the arrêté of
    27 May 2019). The départements' exceptions (Moselle, overseas…) and one-off moves
    (summer 2020, 2023) are not modelled here. None before 2009 (dates were set locally).
    """
    if year < 2009:
        return []
    january = _wednesdays(year, 1)
    winter = january[1] if january[1].day <= 12 else january[0]
    june = _wednesdays(year, 6)
    summer = june[-1] if june[-1].day <= 28 else june[-2]
    length = dt.timedelta(weeks=sales_weeks(year), days=-1)
    return [(winter, winter + length), (summer, summer + length)]


@lru_cache(maxsize=64)
def _holidays(country: str, first_year: int, last_year: int) -> dict[dt.date, str]:
    found = holidays.country_holidays(country, years=range(first_year, last_year + 1))
    # "Christmas Day (observed)" is the same closure as "Christmas Day".
    return {day: name.replace(" (observed)", "") for day, name in found.items()}


def public_holidays(days: pd.DatetimeIndex, country: str) -> pd.Series:
    """The holiday's name for each day ("" on an ordinary day)."""
    if len(days) == 0:
        return pd.Series([], index=days, dtype=object)
    return _holiday_names(country, days[0].year, days[-1].year).reindex(days)


@lru_cache(maxsize=64)
def _holiday_names(country: str, first_year: int, last_year: int) -> pd.Series:
    every_day = pd.date_range(f"{first_year}-01-01", f"{last_year}-12-31", freq="D")
    names = pd.Series("", index=every_day, dtype=object)
    found = _holidays(country, first_year, last_year)
    if found:
        names[pd.DatetimeIndex(list(found))] = list(found.values())
    return names


def calendar_features(days: pd.DatetimeIndex, country: str) -> pd.DataFrame:
    """One row per day: the ``EVENTS`` columns as 0/1 floats."""
    if len(days) == 0:
        return pd.DataFrame(0.0, index=days, columns=list(EVENTS))
    return _year_features(country, days[0].year, days[-1].year).reindex(days)


@lru_cache(maxsize=64)
def _year_features(country: str, first_year: int, last_year: int) -> pd.DataFrame:
    years = range(first_year, last_year + 1)
    days = pd.date_range(f"{first_year}-01-01", f"{last_year}-12-31", freq="D")
    frame = pd.DataFrame(0.0, index=days, columns=list(EVENTS))
    frame["holiday"] = (public_holidays(days, country) != "").astype(float).to_numpy()
    for year in years:
        friday = pd.Timestamp(black_friday(year))
        frame.loc[friday - pd.Timedelta(days=7) : friday - pd.Timedelta(days=1), "black_week"] = 1.0
        frame.loc[friday:friday, "black_friday"] = 1.0
        monday = pd.Timestamp(cyber_monday(year))
        frame.loc[monday:monday, "cyber_monday"] = 1.0
        if country == "FR":
            for first, last in france_sales_periods(year):
                start = pd.Timestamp(first)
                frame.loc[start : start + pd.Timedelta(days=6), "sales_first_week"] = 1.0
                frame.loc[start + pd.Timedelta(days=7) : pd.Timestamp(last), "sales_rest"] = 1.0
    month, day = days.month, days.day
    december = month == 12
    frame["dec_15_23"] = (december & (day >= 15) & (day <= 23)).astype(float)
    frame["dec_24"] = (december & (day == 24)).astype(float)
    frame["dec_25_26"] = (december & ((day == 25) | (day == 26))).astype(float)
    frame["dec_27_31"] = (december & (day >= 27)).astype(float)
    # A Christmas holiday is already its own column: the public-holiday column keeps the rest.
    frame.loc[frame["dec_25_26"] == 1.0, "holiday"] = 0.0
    return frame


def yearly_fourier(days: pd.DatetimeIndex, harmonics: int) -> np.ndarray:
    """Sine/cosine pairs of the day's position in the year (absolute, so any fit agrees)."""
    t = (days - pd.Timestamp("2000-01-01")).days.to_numpy(dtype=float) / 365.25
    k = np.arange(1, harmonics + 1)
    angle = 2 * np.pi * np.outer(t, k)
    return np.hstack([np.sin(angle), np.cos(angle)])
