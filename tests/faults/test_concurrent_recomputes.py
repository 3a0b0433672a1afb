"""Fault: two recomputes of the same organisation at once (two workers, a redelivered message
beside a new one), on PostgreSQL.

What keeps them apart: ``kpis_recompute`` starts by updating the organisation's
``RecomputeState`` row (to release ``pending``) inside its transaction, and PostgreSQL locks
that row until the transaction ends. A second recompute waits there, then reads the figures
and the snapshots as they are once the first has committed: it writes each row once (on the
unique key), and, being the last to read, it leaves the snapshots of the latest figures.
Without that wait, the second would compare its fresh values with the snapshots of before
the first, skip a row whose value it finds unchanged, and let the first's older value stand.

Each recompute runs in a thread of this process, with a database connection of its own.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.db.models import Count

from kpis import services
from kpis.models import KpiSnapshot
from tests.kpis.factories import last_week, snapshot_rows, type_figures
from tests.processes import needs, wait_for, why_no_postgres

pytestmark = needs(why_no_postgres())

TIMEOUT = 60  # seconds for a recompute to finish (one takes well under a second here)


class Recompute(threading.Thread):
    """``kpis_recompute`` of one organisation in a thread; keeps its result or its error."""

    def __init__(self, organization_id: int, *, name: str, start_together: threading.Barrier | None = None) -> None:
        super().__init__(name=name, daemon=True)
        self.organization_id, self.start_together = organization_id, start_together
        self.result: int | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            if self.start_together is not None:
                self.start_together.wait(TIMEOUT)
            self.result = services.kpis_recompute(organization_id=self.organization_id)
        except BaseException as error:  # handed to the test thread by outcome()
            self.error = error
        finally:
            connection.close()

    def outcome(self) -> int:
        self.join(TIMEOUT)
        assert not self.is_alive(), f"the recompute {self.name} did not finish"
        if self.error is not None:
            raise AssertionError(f"the recompute {self.name} failed: {self.error!r}") from self.error
        return self.result


def _type_figures(org, *, orders: int) -> None:
    type_figures(org, last_week()[:3], orders=orders)  # committed at once


def _assert_one_row_per_key(org) -> None:
    snapshots = KpiSnapshot.objects.filter(organization=org)
    duplicates = snapshots.values("scope", "scope_id", "period", "period_start", "kpi").annotate(
        n=Count("id")).filter(n__gt=1)  # fmt: skip
    assert snapshots.exists() and not duplicates.exists()


def _clean_recompute(org) -> set[tuple]:
    """The snapshots one recompute from nothing gives now."""
    KpiSnapshot.objects.filter(organization=org).delete()
    services.kpis_recompute(organization_id=org.id)
    return snapshot_rows(org)


def _sessions_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_two_recomputes_started_together_write_each_row_once_and_agree_with_one(org):
    _type_figures(org, orders=4)
    together = threading.Barrier(2)
    runs = [Recompute(org.id, name=f"recompute-{n}", start_together=together) for n in (1, 2)]
    for run in runs:
        run.start()

    counts = [run.outcome() for run in runs]

    assert counts[0] == counts[1] > 0
    _assert_one_row_per_key(org)
    assert snapshot_rows(org) == _clean_recompute(org)


@pytest.mark.django_db(transaction=True)
def test_the_recompute_started_last_leaves_the_snapshots_of_the_latest_figures(org, monkeypatch):
    _type_figures(org, orders=4)
    before = _clean_recompute(org)
    paused, release = threading.Event(), threading.Event()
    upsert = services.recompute._snapshots_upsert

    def upsert_then_pause(*args, **kwargs) -> None:
        upsert(*args, **kwargs)
        if threading.current_thread().name == "first":
            paused.set()
            release.wait(TIMEOUT)

    monkeypatch.setattr(services.recompute, "_snapshots_upsert", upsert_then_pause)
    _type_figures(org, orders=9)
    first = Recompute(org.id, name="first")
    first.start()
    assert paused.wait(TIMEOUT), "the first recompute never wrote its snapshots"
    # The first has written the snapshots of 9 orders a day, not committed. The figures go
    # back to 4 a day, and a second recompute starts: it must wait for the first.
    _type_figures(org, orders=4)
    second = Recompute(org.id, name="second")
    second.start()
    try:
        # It waits for the first one's lock (were it not to wait, it would end first, and
        # the values below would tell).
        wait_for(lambda: _sessions_waiting_for_a_lock() == 1 or not second.is_alive(), timeout=TIMEOUT,
                 what="the second recompute to wait for the first one or to end")  # fmt: skip
    finally:
        release.set()

    assert first.outcome() == second.outcome() > 0
    _assert_one_row_per_key(org)
    assert snapshot_rows(org) == before  # 4 a day, as the figures are now, not the first's 9
    assert _clean_recompute(org) == before
