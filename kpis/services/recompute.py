"""KPI recomputes: snapshots and signals brought in line with a fresh computation, requested
after every change and queued once; a sweep catches up what a lost message left stale."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable, Sequence

import pandas as pd
from django.db import transaction
from django.utils import timezone

from kpis import selectors
from kpis.engine.peaks import PEAK_WEEKS, peak_day
from kpis.models import CampaignPace, KpiCohort, KpiSnapshot, PeakOutlook, RecomputeState, Signal
from plannerist.bulk import insert_rows
from plannerist.models import Organization
from plannerist.publish import publish_each
from sales.services.common import in_chunks, time_zone

logger = logging.getLogger(__name__)


@transaction.atomic
def kpis_recompute(*, organization_id: int) -> int:
    """Bring the organisation's KPI snapshots in line with a fresh computation; returns how
    many rows the organisation now has.

    Only what changed is written: rows whose value moved are upserted on their natural key
    (``computed_at`` is when the value was last written), rows the computation no longer
    gives are deleted, the rest is left alone; so running it twice gives the same rows, and
    an everyday recompute writes a handful of rows, not thousands. ``pending`` is released
    first, so that a change made during the computation queues another recompute; ``stale``
    is cleared only if nothing changed since the computation started.
    """
    organization = Organization.objects.get(pk=organization_id)
    started = timezone.now()
    state, _ = RecomputeState.objects.get_or_create(organization=organization)
    # First, before reading anything: this update locks the organisation's state row until
    # commit, so a second recompute of the same organisation waits here and then reads the
    # first one's data and more (tests/faults/test_concurrent_recomputes.py).
    RecomputeState.objects.filter(pk=state.pk).update(pending=False)
    today = timezone.localdate(started, time_zone(organization.timezone))
    kpis = selectors.organisation_kpis(organization, today=today)
    outlook = selectors.capacity_outlook(organization, today=today)
    forecast = selectors.forecast_rows(outlook)
    parts = [part for part in (kpis, forecast) if not part.empty]
    rows = pd.concat(parts, ignore_index=True) if parts else kpis
    values = rows["value"].astype("float64")
    keys = zip(*(rows[column].tolist() for column in ("scope", "scope_id", "period", "period_start", "kpi")), strict=True)
    fresh = dict(zip(keys, values.astype(object).where(values.notna(), None).tolist(), strict=True))
    stored = selectors.snapshot_values(organization.id)
    changed = [key for key, value in fresh.items() if key not in stored or not _same(stored[key][1], value)]
    _snapshots_upsert(organization.id, [(key, fresh[key]) for key in changed], started)
    gone = [pk for key, (pk, _value) in stored.items() if key not in fresh]
    for chunk in in_chunks(gone):
        KpiSnapshot.objects.filter(pk__in=chunk).delete()
    paces = selectors.campaign_paces(organization, today=today)
    findings = selectors.signal_findings(organization, kpis, today=today, outlook=outlook, paces=paces)
    signals_replace(organization=organization, findings=findings, raised_at=started)
    paces_replace(organization=organization, paces=paces, computed_at=started)
    peak_outlook_replace(organization=organization, outlook=outlook, today=today, computed_at=started)
    cohorts_replace(organization=organization, cohorts=selectors.cohort_retention(organization), computed_at=started)
    RecomputeState.objects.filter(pk=state.pk).update(last_computed_at=started, last_error="")
    RecomputeState.objects.filter(pk=state.pk, stale_since__lte=started).update(stale=False, stale_since=None)
    return len(fresh)


def _snapshots_upsert(organization_id: int, rows: list[tuple[tuple, float | None]], at: dt.datetime) -> None:
    """Insert or update snapshots on their natural key (the first recompute of two years
    writes 50,000 rows: see :mod:`plannerist.bulk`)."""
    if not rows:
        return
    key = ["organization_id", "scope", "scope_id", "period", "period_start", "kpi"]
    insert_rows(
        KpiSnapshot, [*key, "value", "computed_at"],
        ([organization_id, *natural, value, at] for natural, value in rows),
        conflict=key, update=["value", "computed_at"],
    )


def _same(old: float | None, new: float | None) -> bool:
    if old is None or new is None:
        return old is new
    return abs(old - new) <= 1e-9 * max(1.0, abs(old), abs(new))


def signals_replace(*, organization: Organization, findings: Sequence, raised_at: dt.datetime) -> None:
    """The organisation's open signals become ``findings`` (the last recompute's)."""
    Signal.objects.filter(organization=organization).delete()
    Signal.objects.bulk_create(
        Signal(
            organization=organization, rule=f.rule, action=f.action, side=f.side, subject=f.subject[:200],
            evidence=f.evidence, campaign_id=f.campaign_id, raised_at=raised_at,
        )
        for f in findings
    )


def paces_replace(*, organization: Organization, paces: Sequence, computed_at: dt.datetime) -> None:
    """The organisation's stored campaign paces become ``paces`` (the last recompute's)."""
    CampaignPace.objects.filter(organization=organization).delete()
    CampaignPace.objects.bulk_create(
        CampaignPace(organization=organization, campaign_id=p.id, figures=dataclasses.asdict(p), computed_at=computed_at)
        for p in paces
    )


def peak_outlook_replace(*, organization: Organization, outlook, today: dt.date, computed_at: dt.datetime) -> None:
    """The organisation's stored busiest day of the next :data:`PEAK_WEEKS` becomes the one of
    ``outlook``, the capacity outlook the recompute just read, which itself looks as far as the
    organisation's ``SignalThresholds.horizon_weeks`` (8 by default); None, and the row goes,
    when nothing is described."""
    if outlook is None:
        PeakOutlook.objects.filter(organization=organization).delete()
        return
    plan = outlook.plan
    until = min(today + dt.timedelta(weeks=PEAK_WEEKS, days=-1), outlook.period.end)
    peak = peak_day(plan.dates, plan.resources, plan.working, plan.utilization, until=until)
    PeakOutlook.objects.update_or_create(organization=organization, defaults={
        "until": peak.until, "day": peak.day, "resource": peak.resource[:120], "utilisation": peak.utilisation,
        "overloaded_days": peak.overloaded_days, "computed_at": computed_at,
    })


def cohorts_replace(*, organization: Organization, cohorts: pd.DataFrame, computed_at: dt.datetime) -> None:
    """The organisation's stored cohort retention becomes ``cohorts`` (the engine's table,
    computed from every imported order by the recompute, so that the KPI page reads it)."""
    KpiCohort.objects.filter(organization=organization).delete()
    columns = selectors.COHORT_COLUMNS
    KpiCohort.objects.bulk_create(
        (KpiCohort(organization=organization, cohort_month=month, months_since_first=offset,
                   cohort_customers=size, active_customers=active, computed_at=computed_at)
         for month, offset, size, active in zip(*(cohorts[c].tolist() for c in columns), strict=True)),
        batch_size=1000,
    )


def recompute_request(*, organization: Organization) -> bool:
    """Mark the KPIs stale and queue one recompute after commit, unless one is already queued.

    Returns whether this call claimed the recompute. A broker that cannot be reached is
    logged and leaves the organisation stale for :func:`stale_recompute_sweep`; it never
    raises into the caller (a web request must not fail because Redis is down).
    """
    state, _ = RecomputeState.objects.get_or_create(organization=organization)
    RecomputeState.objects.filter(pk=state.pk, stale=False).update(stale=True, stale_since=timezone.now())
    claimed = RecomputeState.objects.filter(pk=state.pk, pending=False).update(pending=True)
    if claimed:
        organization_id = organization.id
        transaction.on_commit(lambda: _publish_recompute(organization_id))
    return bool(claimed)


def recompute_request_many(*, organization_ids: Iterable[int]) -> int:
    """:func:`recompute_request` for many organisations at once (the nightly run, the sweep):
    their states made, marked stale and claimed in a few statements per 2,000 organisations
    whatever their number, then one message each after commit. Returns how many were claimed.

    One organisation at a time cost ~19 ms (a get_or_create and two updates): the nightly
    fan-out of 10,000 would pass the task's 120 s soft limit and leave the rest unqueued and
    not even stale (benchmarks/README.md, "What breaks first").
    """
    ids, now, claimed = list(organization_ids), timezone.now(), []
    with transaction.atomic():
        for chunk in in_chunks(ids):
            states = RecomputeState.objects.filter(organization_id__in=chunk)
            known = set(states.values_list("organization_id", flat=True))
            RecomputeState.objects.bulk_create(
                [RecomputeState(organization_id=i) for i in chunk if i not in known], ignore_conflicts=True
            )
            states.filter(stale=False).update(stale=True, stale_since=now)
            free = list(states.filter(pending=False).select_for_update(skip_locked=True)
                        .values_list("organization_id", flat=True))
            RecomputeState.objects.filter(organization_id__in=free).update(pending=True)
            claimed += free
        if claimed:
            transaction.on_commit(lambda: _publish_recomputes(claimed))
    return len(claimed)


def _publish_recompute(organization_id: int) -> None:
    _publish_recomputes([organization_id])


def _publish_recomputes(organization_ids: list[int]) -> None:
    """One recompute message per organisation; those the broker refused are left stale and
    not pending, for the sweep (after a refusal :func:`publish` fails the rest at once)."""
    from kpis.tasks import recompute_kpis

    refused, error = publish_each(recompute_kpis, organization_ids)
    if refused:
        logger.warning("KPI recompute of %d organisation(s) not queued (%s…): %s", len(refused), refused[:5], error)
        for chunk in in_chunks(refused):
            RecomputeState.objects.filter(organization_id__in=chunk).update(
                pending=False, stale=True, last_error=f"not queued: {error}"[:500]
            )


# A queued recompute not done after this long was lost (a worker killed with the message is
# redelivered after the broker's visibility timeout, 20 min): the sweep queues another.
STUCK_PENDING = dt.timedelta(minutes=30)


def stale_recompute_sweep(*, now: dt.datetime | None = None) -> int:
    """Queue a recompute for every stale organisation (a lost message is retried after
    :data:`STUCK_PENDING`); returns how many were claimed."""
    now = now or timezone.now()
    RecomputeState.objects.filter(stale=True, pending=True, stale_since__lt=now - STUCK_PENDING).update(pending=False)
    stale = RecomputeState.objects.filter(stale=True, pending=False).values_list("organization_id", flat=True)
    return recompute_request_many(organization_ids=stale)


def all_recompute_request() -> int:
    """Queue a recompute for every organisation (the nightly run); returns how many were claimed."""
    return recompute_request_many(organization_ids=Organization.objects.values_list("id", flat=True))
