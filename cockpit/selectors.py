"""Reads for the cockpit: the portfolio of the user's organisations and an organisation's dashboard."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Max

from campaigns.models import Campaign
from cockpit import charts, pages
from cockpit.engine import attention
from kpis import charts as kpi_charts
from kpis import pages as kpi_pages
from kpis import selectors as kpis
from kpis.engine import KPI_PAIRS, period_start_of, periods
from kpis.engine.rules import last_complete_week
from kpis.models import PeakOutlook, RecomputeState, Signal
from plannerist.models import Membership, User
from plannerist.selectors import memberships_of
from plannerist.tenancy import Access
from reviews.models import ReviewDecision, WeeklyReview

PAIR_PERIODS = 8
CALENDAR_WEEKS_BEFORE = 4
CALENDAR_WEEKS_AFTER = 8
DASHBOARD_SIGNALS = 8  # the most pressing; the KPI page lists them all
ATTENTION_SHOWN = 50  # the portfolio's most pressing lines; the filter narrows them to a client


def dashboard_context(access: Access, *, period: str, today: dt.date) -> dict:
    """Everything the organisation's dashboard shows, read from the snapshots (constant
    number of queries whatever the number of campaigns, resources or periods)."""

    org = access.organization
    start, end = today - dt.timedelta(weeks=CALENDAR_WEEKS_BEFORE), today + dt.timedelta(weeks=CALENDAR_WEEKS_AFTER)
    campaigns = access.scoped(Campaign).filter(start__lte=end, end__gte=start).only(
        "id", "name", "status", "start", "end", "mechanic", "organization_id")
    weeks, load = pages.load_rows(kpis.forecast_snapshots(org.id, since=today))
    signals = kpis.open_signals(org.id, limit=DASHBOARD_SIGNALS)
    return {
        **pairs_context(access, period=period, today=today),
        "calendar": pages.calendar_rows(campaigns, start, end),
        "calendar_months": pages.calendar_months(start, end),
        "today_left": round(100 * (today - start).days / ((end - start).days + 1), 2),
        "load_weeks": weeks,
        "load": load,
        "load_chart": charts.load(weeks, load),
        "signals": signals,
        "paces": kpis.stored_paces(org.id),
        # Counted only when the most pressing fill the list: fewer are all there are.
        "signals_total": kpis.signal_count(org.id) if len(signals) == DASHBOARD_SIGNALS else len(signals),
        "state": kpis.recompute_state(org.id),
    }


def pairs_context(access: Access, *, period: str, today: dt.date) -> dict:
    """The three KPI pairs of the last complete ``period``: all the period swap reads (four
    queries; the calendar, the load and the signals stay as the page drew them)."""
    org = access.organization
    current = period_start_of(today, period)
    table = kpis.kpi_table(org.id, period=period, count=PAIR_PERIODS + 1)
    span = kpis.actuals_span(org.id)
    done, _ = periods.complete_periods(table, current, period=period, span=span)
    targets = kpis.targets_of(org.id)
    pairs = []
    for k, (a, b) in enumerate(KPI_PAIRS):
        sides = (kpi_pages.pair_side(a, done, targets, period=period), kpi_pages.pair_side(b, done, targets, period=period))
        pairs.append({"sides": sides, "status": kpi_pages.pair_status(sides),
                      "chart": kpi_charts.pair(done, sides, currency=org.currency, div_id=f"pair-{k}")})
    return {
        "period": period,
        "period_label": done.index[-1] if len(done) else None,
        "partial": periods.partial_period(table, current, period=period, span=span),
        "missing_count": _missing_count(org.id, pairs),
        "pairs": pairs,
    }


def _missing_count(organization_id: int, pairs: list[dict]) -> int:
    """How many products sold the catalogue lacks, read only when a side says its costs are
    missing (the count is that sentence's): counting them scans every imported line."""
    if not any(side.unknown_costs for pair in pairs for side in pair["sides"]):
        return 0
    return kpis.missing_product_count(organization_id)


def portfolio(user: User, *, now: dt.datetime, query: str = "", status: str = "", sort: str = "name") -> dict:
    """Every organisation of the user with a traffic light per KPI pair (last complete ISO
    week against its targets), open signals, the last review and what is due, each by its
    own today at ``now`` (``rows``); and what needs attention across them, the most pressing
    first (``attention``, :mod:`cockpit.engine.attention`). A constant number of queries
    whatever the number of organisations."""
    memberships = [m for m in memberships_of(user) if query.casefold() in m.organization.name.casefold()]
    ids = [m.organization_id for m in memberships]
    today_of = {m.organization_id: m.organization.today(now) for m in memberships}
    spans = kpis.actuals_spans(ids)
    # Each organisation's last week its data covers whole: a week holding a day is no week.
    week_of = {org_id: periods.last_whole_week(last_complete_week(today_of[org_id]), spans.get(org_id)) for org_id in ids}
    starts = sorted({start for week in week_of.values() for start in (week - dt.timedelta(weeks=1), week)})
    values: dict[tuple[int, str], dict[dt.date, float | None]] = {}
    for org_id, start, kpi, value in kpis.pair_snapshots(ids, period="week", starts=starts):
        values.setdefault((org_id, kpi), {})[start] = value
    targets = kpis.targets_of_many(ids)
    signal_counts = kpis.signal_counts_of_many(ids)
    signals: dict[int, list[Signal]] = {org_id: [] for org_id in ids}
    for signal in kpis.pressing_signals_of_many(ids, per_organization=attention.SIGNALS_PER_CLIENT):
        signals[signal.organization_id].append(signal)
    states = {s.organization_id: s for s in RecomputeState.objects.filter(organization_id__in=ids)}
    reviews = review_overview(today_of)
    items = needs_attention(memberships, today_of=today_of, spans=spans, signals=signals, signal_counts=signal_counts)
    flagged = {item.organization.id for item in items}
    rows = []
    for m in memberships:
        org_id = m.organization_id
        week = week_of[org_id]
        weeks = [week - dt.timedelta(weeks=1), week]
        lights = []
        for a, b in KPI_PAIRS:
            sides = tuple(
                kpi_pages.side_of(key, [values.get((org_id, key), {}).get(w) for w in weeks], targets[org_id],
                              period="week", last_start=week)
                for key in (a, b)
            )
            lights.append({"sides": sides, "status": kpi_pages.pair_status(sides)})
        rows.append({
            "membership": m, "organization": m.organization, "lights": lights, "signals": sum(signal_counts[org_id].values()),
            "state": states.get(org_id), "red": sum(light["status"] == "bad" for light in lights),
            "attention": org_id in flagged,
            **reviews.get(org_id, {"last_review": None, "due": 0, "overdue": 0}),
        })
    if status == "attention":
        rows = [r for r in rows if r["red"] or r["signals"] or r["overdue"] or r["attention"]]
    keys = {
        "name": lambda r: r["organization"].name.casefold(),
        "signals": lambda r: (-r["signals"], -r["red"], r["organization"].name.casefold()),
        "review": lambda r: (r["last_review"] is not None, r["last_review"] or dt.datetime.min.replace(tzinfo=dt.UTC)),
        "due": lambda r: (-r["overdue"], -r["due"], r["organization"].name.casefold()),
    }
    counts = Counter(item.kind for item in items)
    return {
        "rows": sorted(rows, key=keys.get(sort, keys["name"])), "clients": len(memberships),
        "attention": items[:ATTENTION_SHOWN], "attention_total": len(items),
        "attention_counts": [(kind, counts[kind]) for kind in attention.SEVERITY if counts[kind]],
    }


def needs_attention(
    memberships: list[Membership], *, today_of: dict[int, dt.date], spans: dict[int, tuple[dt.date, dt.date]],
    signals: dict[int, list[Signal]], signal_counts: dict[int, dict[tuple[str, str], int]],
) -> list[attention.Item]:
    """What needs attention across ``memberships``' organisations, from what the portfolio
    already read (their most pressing signals and the counts of all, their actuals' spans)
    and three queries more: the reviews of the week due, the campaigns starting soon and the
    stored peak days."""
    ids = list(today_of)
    if not ids:
        return []
    due_weeks = {org_id: attention.review_due(today)[0] for org_id, today in today_of.items()}
    reviews = {(r.organization_id, r.week_start): r for r in WeeklyReview.objects.filter(
        organization_id__in=ids, week_start__in=set(due_weeks.values())).only(
        "id", "organization_id", "week_start", "reviewed_at")}
    first, last = min(today_of.values()), max(today_of.values())
    campaigns: dict[int, list[attention.CampaignFact]] = {}
    for c in Campaign.objects.filter(
        organization_id__in=ids, status__in=attention.UNAPPROVED_STATUSES, start__gte=first,
        start__lte=last + dt.timedelta(days=attention.APPROVAL_WITHIN_DAYS),
    ).only("id", "organization_id", "name", "status", "start"):
        campaigns.setdefault(c.organization_id, []).append(attention.CampaignFact(c.name, c.status, c.start, ref=c))
    peaks = {p.organization_id: attention.PeakFact(p.day, p.resource, p.utilisation, p.overloaded_days)
             for p in PeakOutlook.objects.filter(organization_id__in=ids)}
    clients = []
    for m in memberships:
        org, org_id = m.organization, m.organization_id
        review = reviews.get((org_id, due_weeks[org_id]))
        clients.append(attention.ClientFacts(
            organization=org, name=org.name, today=today_of[org_id], since=org.today(org.created_at),
            signals=[attention.SignalFact(s.action, s.rule, s.subject, ref=s) for s in signals[org_id]],
            pressing_total=sum(n for (action, _rule), n in signal_counts[org_id].items() if action in ("stop", "adjust")),
            open_rules=frozenset(rule for _action, rule in signal_counts[org_id]),
            review_reviewed=review is not None and review.is_reviewed, review_ref=review,
            last_actual=spans[org_id][1] if org_id in spans else None,
            campaigns=campaigns.get(org_id, ()), peak=peaks.get(org_id),
        ))
    return attention.needs_attention(clients)


def review_overview(today_of: dict[int, dt.date]) -> dict[int, dict]:
    """Per organisation (id → its today): when it was last reviewed, open decisions due
    within a week and overdue (two queries)."""
    organization_ids = list(today_of)

    last = dict(WeeklyReview.objects.filter(organization_id__in=organization_ids, reviewed_at__isnull=False)
                .values("organization_id").annotate(last=Max("reviewed_at")).values_list("organization_id", "last"))
    due: dict[int, dict[str, int]] = {org_id: {"due_soon": 0, "overdue": 0} for org_id in organization_ids}
    for org_id, day, n in (ReviewDecision.objects.filter(review__organization_id__in=organization_ids, done=False)
                           .values("review__organization_id", "due").annotate(n=Count("id"))
                           .values_list("review__organization_id", "due", "n")):
        if day is None:
            continue
        today = today_of[org_id]
        due[org_id]["due_soon"] += n if day <= today + dt.timedelta(days=7) else 0
        due[org_id]["overdue"] += n if day < today else 0
    return {
        org_id: {"last_review": last.get(org_id), "due": due.get(org_id, {}).get("due_soon", 0),
                 "overdue": due.get(org_id, {}).get("overdue", 0)}
        for org_id in organization_ids
    }
