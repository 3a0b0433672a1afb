"""What needs the consultant's attention across her clients, the most pressing first.

Pure: the facts of each client come in as plain values (read in a constant number of queries
by :func:`cockpit.selectors.needs_attention`), each client's own today with them; the items
come out ordered by :data:`SEVERITY`, then by how urgent they are within their kind, then by
client. ``organization`` and ``ref`` are carried through untouched for the page to render
(the organisation, and the signal, review or campaign row an item is about).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# The kinds, the most pressing first.
SEVERITY = ("stop", "adjust", "review_overdue", "data_stale", "campaign_unapproved", "over_capacity")

# A week's review is due on this weekday of the week after it (0 = Monday): the Monday job
# prepares the drafts at 6:00, the consultant has Monday and Tuesday to review them; from
# Wednesday on, a review not marked reviewed is overdue.
REVIEW_DUE_WEEKDAY = 1
# Data is stale when the last day holding actuals (typed or imported) is more than this many
# days before today.
STALE_AFTER_DAYS = 7
# A campaign still a draft or planned (not approved) starting within this many days.
APPROVAL_WITHIN_DAYS = 7
UNAPPROVED_STATUSES = ("draft", "planned")
# A client's most pressing stop and adjust signals shown; the last one shown says how many
# more the KPI page lists.
SIGNALS_PER_CLIENT = 3
# The capacity rule already raised for the same overload, as an adjust signal: the portfolio
# shows that signal, not a second line about the same day.
OVERLOAD_RULE = "utilisation_over"


@dataclass(frozen=True)
class SignalFact:
    action: str
    rule: str
    subject: str = ""
    ref: object = None


@dataclass(frozen=True)
class CampaignFact:
    name: str
    status: str
    start: dt.date
    ref: object = None


@dataclass(frozen=True)
class PeakFact:
    day: dt.date | None
    resource: str
    utilisation: float | None
    overloaded_days: int


@dataclass(frozen=True)
class ClientFacts:
    """One client as the portfolio read it, by its own ``today``. ``signals`` may be only its
    most pressing (at least :data:`SIGNALS_PER_CLIENT` of its stop and adjust ones) when
    ``pressing_total`` says how many stop and adjust signals it has and ``open_rules`` which
    rules have an open signal. ``review_reviewed`` says whether the review of
    :func:`review_due`'s week is marked reviewed (``review_ref`` that review, None when no
    draft exists); none is expected of a week that ended before the client was added
    (``since``, its first day)."""

    organization: object
    name: str
    today: dt.date
    since: dt.date | None = None
    signals: Sequence[SignalFact] = ()
    pressing_total: int | None = None
    open_rules: frozenset[str] = frozenset()
    review_reviewed: bool = False
    review_ref: object = None
    last_actual: dt.date | None = None
    campaigns: Sequence[CampaignFact] = ()
    peak: PeakFact | None = None


@dataclass(frozen=True)
class Item:
    """One line of "needs attention": its ``kind`` (one of :data:`SEVERITY`) and its figures
    (``days`` overdue, without data, or before the campaign starts; ``day`` the due day, the
    last day with data, the campaign's start or the peak day; ``week`` the review's Monday)."""

    kind: str
    organization: object
    name: str
    ref: object = None
    days: int | None = None
    day: dt.date | None = None
    week: dt.date | None = None
    utilisation: float | None = None
    resource: str = ""
    overloaded_days: int = 0
    more: int = 0  # the client's further signals, not shown
    urgency: tuple = field(default=(), compare=False)

    @property
    def iso_week(self) -> str:
        """The review's ISO week as users type it: ``2026-W48``."""
        if self.week is None:
            return ""
        year, week, _day = self.week.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def rank(self) -> tuple:
        return (SEVERITY.index(self.kind), self.urgency, self.name.casefold())


def review_due(today: dt.date) -> tuple[dt.date, dt.date]:
    """The latest ISO week whose review is due before ``today``: its Monday and its due day."""
    monday = today - dt.timedelta(days=today.weekday())
    week = monday - dt.timedelta(weeks=1)
    due = week + dt.timedelta(weeks=1, days=REVIEW_DUE_WEEKDAY)
    if due >= today:
        week, due = week - dt.timedelta(weeks=1), due - dt.timedelta(weeks=1)
    return week, due


def client_items(client: ClientFacts) -> list[Item]:
    """Everything of one client that needs attention (unordered)."""
    pressing = sorted((s for s in client.signals if s.action in ("stop", "adjust")),
                      key=lambda s: (s.action != "stop", s.rule, s.subject))
    shown = pressing[:SIGNALS_PER_CLIENT]
    more = (len(pressing) if client.pressing_total is None else client.pressing_total) - len(shown)
    items = [
        Item(s.action, client.organization, client.name, ref=s.ref, urgency=(s.rule, s.subject),
             more=more if k == len(shown) - 1 and more > 0 else 0)
        for k, s in enumerate(shown)
    ]
    week, due = review_due(client.today)
    expected = client.since is None or client.since <= week + dt.timedelta(days=6)
    if expected and not client.review_reviewed:
        days = (client.today - due).days
        items.append(Item("review_overdue", client.organization, client.name, ref=client.review_ref, days=days,
                          day=due, week=week, urgency=(-days,)))
    if client.last_actual is not None and (client.today - client.last_actual).days > STALE_AFTER_DAYS:
        days = (client.today - client.last_actual).days
        items.append(Item("data_stale", client.organization, client.name, days=days, day=client.last_actual,
                          urgency=(-days,)))
    horizon = client.today + dt.timedelta(days=APPROVAL_WITHIN_DAYS)
    for c in client.campaigns:
        if c.status in UNAPPROVED_STATUSES and client.today <= c.start <= horizon:
            items.append(Item("campaign_unapproved", client.organization, client.name, ref=c.ref,
                              days=(c.start - client.today).days, day=c.start, urgency=(c.start, c.name)))
    peak = client.peak
    overload_signalled = OVERLOAD_RULE in client.open_rules or any(s.rule == OVERLOAD_RULE for s in client.signals)
    if (peak is not None and peak.day is not None and peak.day >= client.today and peak.utilisation is not None
            and peak.utilisation > 1.0 and not overload_signalled):
        items.append(Item("over_capacity", client.organization, client.name, day=peak.day,
                          utilisation=peak.utilisation, resource=peak.resource, overloaded_days=peak.overloaded_days,
                          urgency=(-peak.utilisation,)))
    return items


def needs_attention(clients: Iterable[ClientFacts]) -> list[Item]:
    """Every client's items, the most pressing first (:data:`SEVERITY`), then the most urgent
    of a kind (the longest overdue or without data, the soonest start, the highest peak)."""
    return sorted((item for client in clients for item in client_items(client)), key=lambda item: item.rank)
