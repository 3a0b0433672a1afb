"""Booked extra capacity shared between the campaigns that need it (pure, no database)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from capacity.engine import booked_cost_share

# One resource over two days; 120 booked minutes costing 60 € on the first day only.
COST = np.array([[60.0], [0.0]])
BOOKED = np.array([[120.0], [0.0]])


def test_a_campaign_filling_the_booked_hours_alone_pays_them_all():
    assert booked_cost_share(COST, BOOKED, [[540.0], [540.0]], [[540.0], [540.0]]) == pytest.approx(60.0)


def test_two_campaigns_share_the_booking_pro_rata_of_their_extra_work():
    assert booked_cost_share(COST, BOOKED, [[90.0], [0.0]], [[360.0], [0.0]]) == pytest.approx(15.0)


def test_the_part_no_campaign_fills_stays_with_the_usual_orders():
    assert booked_cost_share(COST, BOOKED, [[30.0], [0.0]], [[30.0], [0.0]]) == pytest.approx(15.0)


def test_a_campaign_without_work_on_the_booked_days_or_lowering_work_pays_nothing():
    assert booked_cost_share(COST, BOOKED, [[0.0], [500.0]], [[0.0], [500.0]]) == 0.0
    assert booked_cost_share(COST, BOOKED, [[-60.0], [0.0]], [[-60.0], [0.0]]) == 0.0


@given(
    st.lists(st.floats(0, 1e4), min_size=3, max_size=3),
    st.floats(1, 1e4),
    st.floats(0, 1e4),
)
def test_the_campaigns_together_never_pay_more_than_the_booking(works, booked, cost):
    total = sum(works)
    shares = [booked_cost_share([[cost]], [[booked]], [[w]], [[total]]) for w in works]
    assert sum(shares) <= cost * (1 + 1e-9) + 1e-9
    assert all(s >= 0 for s in shares)
