"""One day's period start (the pages' "current period") agrees with the recompute's column."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kpis.engine.compute import _period_start, period_start_of


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["day", "week", "month", "quarter"]))
def test_a_days_period_start_is_the_one_the_recompute_gives_its_column(day, period):
    column = _period_start(pd.Series([pd.Timestamp(day)]), period)
    assert period_start_of(day, period) == column.iloc[0].date()


def test_a_quarter_starts_on_the_first_of_january_april_july_or_october():
    assert period_start_of(dt.date(2026, 12, 4), "quarter") == dt.date(2026, 10, 1)
    assert period_start_of(dt.date(2026, 12, 4), "week") == dt.date(2026, 11, 30)  # a Monday
