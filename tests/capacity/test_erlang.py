"""Erlang C staffing (economics.md § 3), pure."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.engine.erlang import erlang_c, service_level_for, staffing, staffing_by_band


def naive_erlang_c(agents: int, traffic: float) -> float:
    """The textbook formula with factorials: fine for small counts only."""
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


def test_economics_worked_example_needs_eight_agents():
    # economics.md § 3: 100 contacts/h, 180 s, 80 % within 20 s.
    result = staffing(100, 180, 20, 0.8)
    assert result.traffic == pytest.approx(5.0)
    assert result.agents == 8
    assert result.service_level == pytest.approx(0.8801, abs=1e-4)
    assert result.asa_seconds == pytest.approx(10.036, abs=1e-3)
    assert result.occupancy == pytest.approx(0.625)


def test_economics_worked_example_seven_agents_reach_only_0_7404():
    assert service_level_for(7, 5.0, 180, 20) == pytest.approx(0.7404, abs=1e-4)


def test_call_centre_helper_example_needs_fourteen_agents():
    # Call Centre Helper's Erlang C example (callcentrehelper.com/erlang-c-formula-example-121281.htm):
    # 100 calls per 30 minutes, 180 s handling, 80 % within 20 s. Figures as published by
    # pyworkforce's README for that example (ErlangC(transactions=100, aht=3, interval=30,
    # asa=20/60)): 14 raw positions, service level 0.8883500191794669, occupancy
    # 0.7142857142857143, waiting probability 0.1741319335950498; 13 positions give 0.795.
    result = staffing(200, 180, 20, 0.8)
    assert result.traffic == pytest.approx(10.0)
    assert result.agents == 14
    assert result.service_level == pytest.approx(0.8883500191794669, rel=1e-12)
    assert result.occupancy == pytest.approx(0.7142857142857143)
    assert erlang_c(14, 10.0) == pytest.approx(0.1741319335950498, rel=1e-12)
    assert service_level_for(13, 10.0, 180, 20) == pytest.approx(0.795, abs=1e-3)


def test_no_contacts_need_no_agent():
    result = staffing(0, 180, 20, 0.8)
    assert (result.agents, result.service_level, result.asa_seconds) == (0, 1.0, 0.0)
    assert result.occupancy is None


def test_an_unstable_queue_always_waits():
    assert erlang_c(5, 5.0) == 1.0
    assert erlang_c(4, 5.0) == 1.0
    assert service_level_for(5, 5.0, 180, 20) == 0.0


def test_thousands_of_agents_do_not_overflow():
    # 30,000 contacts/h of 5 minutes: 2,500 Erlangs, where A**n / n! overflows a float.
    result = staffing(30_000, 300, 20, 0.9)
    assert math.isfinite(result.service_level) and result.service_level >= 0.9
    assert 2_500 < result.agents < 2_700
    assert service_level_for(result.agents - 1, result.traffic, 300, 20) < 0.9
    assert 0 <= erlang_c(result.agents, result.traffic) <= 1


@settings(max_examples=200, deadline=None)
@given(agents=st.integers(1, 60), load=st.floats(0.01, 0.99))
def test_erlang_b_recursion_matches_the_factorial_formula(agents, load):
    traffic = agents * load
    assert erlang_c(agents, traffic) == pytest.approx(naive_erlang_c(agents, traffic), rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    contacts=st.floats(0.5, 2_000),
    aht=st.floats(10, 900),
    answer=st.floats(0, 120),
    target=st.floats(0.05, 0.99),
)
def test_staffing_is_the_fewest_agents_reaching_the_service_level(contacts, aht, answer, target):
    result = staffing(contacts, aht, answer, target)
    assert result.agents > result.traffic
    assert result.service_level >= target - 1e-12
    assert service_level_for(result.agents, result.traffic, aht, answer) == pytest.approx(
        result.service_level
    )
    fewer = result.agents - 1
    assert fewer <= result.traffic or service_level_for(fewer, result.traffic, aht, answer) < target
    assert result.asa_seconds == pytest.approx(
        erlang_c(result.agents, result.traffic) * aht / (result.agents - result.traffic)
    )


@settings(max_examples=100, deadline=None)
@given(contacts=st.floats(0, 1_000), more=st.floats(0, 500))
def test_more_contacts_never_need_fewer_agents(contacts, more):
    assert staffing(contacts + more, 240, 20, 0.8).agents >= staffing(contacts, 240, 20, 0.8).agents


def test_bands_match_one_staffing_per_band():
    contacts = np.array([0, 12, 100, 200, 640, 35.5])
    bands = staffing_by_band(contacts, 180, 20, 0.8)
    for i, n in enumerate(contacts):
        single = staffing(float(n), 180, 20, 0.8)
        assert bands.agents[i] == single.agents
        assert bands.service_level[i] == pytest.approx(single.service_level)
        assert bands.asa_seconds[i] == pytest.approx(single.asa_seconds)
    assert bands.agents.tolist()[:4] == [
        0,
        2,
        8,
        14,
    ]  # 12/h is 0.6 Erlang: SL 0.43 with 1, 0.88 with 2
    assert np.isnan(bands.occupancy[0])


def test_a_service_level_of_one_is_refused():
    with pytest.raises(ValueError, match="service_level"):
        staffing(100, 180, 20, 1.0)
