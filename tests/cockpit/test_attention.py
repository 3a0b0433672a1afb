"""What needs attention across clients, as rules on plain facts (no database)."""

from __future__ import annotations

import datetime as dt

from cockpit.engine.attention import (
    CampaignFact,
    ClientFacts,
    PeakFact,
    SignalFact,
    client_items,
    needs_attention,
    review_due,
)

WEDNESDAY = dt.date(2026, 12, 2)  # ISO week 49; week 48 began on Monday 23 November


def client(name: str = "Lumière", **facts) -> ClientFacts:
    facts.setdefault("review_reviewed", True)
    return ClientFacts(organization=name, name=name, today=facts.pop("today", WEDNESDAY), **facts)


def kinds(items) -> list[str]:
    return [item.kind for item in items]


def test_a_weeks_review_is_due_on_the_tuesday_after_it():
    assert review_due(WEDNESDAY) == (dt.date(2026, 11, 23), dt.date(2026, 12, 1))
    # On Monday and Tuesday last week's review is not due yet: the one before is checked.
    assert review_due(dt.date(2026, 12, 1)) == (dt.date(2026, 11, 16), dt.date(2026, 11, 24))
    assert review_due(dt.date(2026, 11, 30)) == (dt.date(2026, 11, 16), dt.date(2026, 11, 24))


def test_an_unreviewed_week_past_its_due_day_is_overdue_by_the_days_since():
    [item] = client_items(client(review_reviewed=False))
    assert (item.kind, item.days, item.day, item.iso_week) == ("review_overdue", 1, dt.date(2026, 12, 1), "2026-W48")
    assert client_items(client(review_reviewed=True)) == []


def test_no_review_is_expected_of_a_week_that_ended_before_the_client_came():
    assert client_items(client(review_reviewed=False, since=dt.date(2026, 11, 30))) == []
    assert kinds(client_items(client(review_reviewed=False, since=dt.date(2026, 11, 29)))) == ["review_overdue"]


def test_data_is_stale_past_seven_days_without_actuals():
    assert client_items(client(last_actual=WEDNESDAY - dt.timedelta(days=7))) == []
    [item] = client_items(client(last_actual=WEDNESDAY - dt.timedelta(days=8)))
    assert (item.kind, item.days) == ("data_stale", 8)
    assert client_items(client(last_actual=None)) == []  # never had data: nothing went stale


def test_a_campaign_starting_within_seven_days_unapproved_needs_attention():
    campaigns = [
        CampaignFact("Today", "draft", WEDNESDAY),
        CampaignFact("In 7", "planned", WEDNESDAY + dt.timedelta(days=7)),
        CampaignFact("In 8", "draft", WEDNESDAY + dt.timedelta(days=8)),
        CampaignFact("Approved", "approved", WEDNESDAY + dt.timedelta(days=2)),
        CampaignFact("Started", "draft", WEDNESDAY - dt.timedelta(days=1)),
    ]
    items = client_items(client(campaigns=campaigns))
    assert [(i.kind, i.days) for i in items] == [("campaign_unapproved", 0), ("campaign_unapproved", 7)]


def test_a_peak_over_capacity_ahead_needs_attention_unless_its_signal_says_so():
    peak = PeakFact(WEDNESDAY + dt.timedelta(days=10), "Packing", 1.35, 4)
    [item] = client_items(client(peak=peak))
    assert (item.kind, item.resource, item.utilisation, item.overloaded_days) == ("over_capacity", "Packing", 1.35, 4)
    assert client_items(client(peak=PeakFact(peak.day, "Packing", 0.95, 0))) == []
    assert client_items(client(peak=PeakFact(WEDNESDAY - dt.timedelta(days=1), "Packing", 1.5, 1))) == []
    signalled = client_items(client(peak=peak, signals=[SignalFact("adjust", "utilisation_over", "Packing")]))
    assert kinds(signalled) == ["adjust"]


def test_items_come_by_severity_then_urgency_then_client():
    soon = CampaignFact("Soldes", "draft", WEDNESDAY + dt.timedelta(days=3))
    clients = [
        client("Zoé", peak=PeakFact(WEDNESDAY + dt.timedelta(days=9), "Packing", 1.2, 1), campaigns=[soon]),
        client("Yves", last_actual=WEDNESDAY - dt.timedelta(days=9), review_reviewed=False,
               signals=[SignalFact("amplify", "roas_amplify"), SignalFact("adjust", "return_spike")]),
        client("Xavier", last_actual=WEDNESDAY - dt.timedelta(days=30), signals=[SignalFact("stop", "margin_negative")]),
        client("Albert", signals=[SignalFact("adjust", "cac_over_target")]),
    ]
    items = needs_attention(clients)
    assert [(i.kind, i.name) for i in items] == [
        ("stop", "Xavier"), ("adjust", "Albert"), ("adjust", "Yves"), ("review_overdue", "Yves"),
        ("data_stale", "Xavier"), ("data_stale", "Yves"), ("campaign_unapproved", "Zoé"), ("over_capacity", "Zoé"),
    ]  # amplify is no exception; the longest without data first


def test_a_clients_three_most_pressing_signals_are_shown_the_last_counting_the_rest():
    signals = [SignalFact("adjust", f"rule_{k}") for k in range(4)] + [SignalFact("stop", "margin_negative")]
    items = client_items(client(signals=signals))
    assert [(i.kind, i.more) for i in items] == [("stop", 0), ("adjust", 0), ("adjust", 2)]


def test_signals_read_as_the_most_pressing_count_the_rest_from_the_totals():
    peak = PeakFact(WEDNESDAY + dt.timedelta(days=10), "Packing", 1.35, 4)
    items = client_items(client(signals=[SignalFact("stop", "margin_negative")], pressing_total=6,
                                open_rules=frozenset({"margin_negative", "utilisation_over"}), peak=peak))
    assert [(i.kind, i.more) for i in items] == [("stop", 5)]  # the overload's signal, unread, still counts
