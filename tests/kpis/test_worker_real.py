"""KPI recomputes through a real Redis broker and a real Celery worker (no eager mode).

Run in the services pass of ``make test`` (PostgreSQL + Redis); skipped on the embedded
default, where tasks run in-process and there is no broker to send to.

How the pieces meet:

* Database: the worker is given ``DATABASE_URL`` naming the database pytest-django created
  (``connection.settings_dict["NAME"]`` once it is set up, ``test_…``). The tests are
  ``transaction=True`` so what they write is committed and the worker sees it.
* Broker: the worker consumes one queue of its own (a fresh name per test module) on a
  Redis database of its own (:data:`WORKER_REDIS_DB`, same server as ``CELERY_BROKER_URL``).
  The test process publishes there through a Celery app of its own, made current for the
  test (:func:`tests.processes.publishing_app`). Nothing is flushed: the queue name is unique, so two runs at once on the same Redis
  database cannot take each other's messages; its keys are deleted before and after.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from kpis import services, tasks
from kpis.models import KpiSnapshot, RecomputeState
from sales import services as sales_services
from sales.models import DailyActual
from tests.kpis.factories import snapshot_rows, tiny_shop
from tests.processes import (
    CeleryWorker,
    current,
    database_url,
    needs,
    publishing_app,
    wait_for,
    why_no_real_services,
)

TASK = "kpis.tasks.recompute_kpis"
WORKER_REDIS_DB = 9
TIMEOUT = 30  # seconds for one task to reach the worker and finish; a run takes well under 1 s


pytestmark = needs(why_no_real_services())


class RealWorker:
    """The running worker, its queue in Redis, and the app the test publishes with."""

    def __init__(self, worker: CeleryWorker, app: Celery, redis) -> None:
        self.worker, self.app, self.redis = worker, app, redis

    def queue_length(self) -> int:
        # kombu keeps one Redis list per priority step, named after the queue.
        return sum(self.redis.llen(key) for key in self.redis.scan_iter(match=f"{self.worker.queue}*")
                   if self.redis.type(key) == b"list")  # fmt: skip

    def received(self) -> list[str]:
        return self.worker.received(TASK)

    def run_new_tasks(self, seen: list[str], count: int = 1) -> list[str]:
        """Wait until ``count`` more tasks than ``seen`` were received and all have finished."""
        new = wait_for(
            lambda: (ids := self.received()[len(seen):]) and len(ids) >= count and ids,
            timeout=TIMEOUT, what=f"{count} new {TASK} in the worker:\n{self.worker.tail()}",
        )  # fmt: skip
        for task_id in new:
            self.worker.wait_finished(task_id, timeout=TIMEOUT)
        return new

    def idle(self) -> bool:
        return self.queue_length() == 0 and all(self.worker.finished(i) for i in self.received())


def _delete_queue(redis, queue: str) -> None:
    keys = list(redis.scan_iter(match=f"*{queue}*"))
    if keys:
        redis.delete(*keys)


@pytest.fixture(scope="module")
def _worker_setup(django_db_setup):
    import redis as redis_lib

    broker_url = urlsplit(settings.CELERY_BROKER_URL)._replace(path=f"/{WORKER_REDIS_DB}").geturl()
    token = uuid.uuid4().hex[:12]
    queue = f"plannerist-test-kpis-{token}"
    client = redis_lib.Redis.from_url(broker_url, socket_timeout=5)
    _delete_queue(client, queue)

    app = publishing_app(broker_url, queue=queue)
    with app.connection_for_write() as publishing:
        assert publishing.virtual_host == str(WORKER_REDIS_DB), "CELERY_BROKER_WRITE_URL is set?"
    assert TASK in app.tasks

    # django_db_setup has pointed the connection at the test database.
    worker = CeleryWorker(
        broker_url=broker_url, database_url=database_url(connection.settings_dict), queue=queue,
        hostname=f"kpis-test-{token}@%h",
    )  # fmt: skip
    try:
        worker.start()
        yield RealWorker(worker, app, client)
    finally:
        worker.close()
        _delete_queue(client, queue)
        app.close()
        client.close()


@pytest.fixture
def real_worker(_worker_setup):
    """The module's worker, with the test app current for the test (publishing to its queue)."""
    with current(_worker_setup.app):
        assert tasks.recompute_kpis.app is _worker_setup.app
        yield _worker_setup
        # Leave no task behind to run against the next test's (truncated) tables.
        wait_for(_worker_setup.idle, timeout=TIMEOUT, what="the worker to finish its tasks")


def the_state(organization) -> tuple:
    state = RecomputeState.objects.get(organization=organization)
    return state.stale, state.pending, state.last_computed_at, state.last_error


@pytest.mark.django_db(transaction=True)
def test_an_import_then_an_edit_are_recomputed_by_the_worker(org, real_worker):
    seen = real_worker.received()
    outcome = sales_services.orders_import(organization=org, files=[tiny_shop()], format="generic")
    assert outcome.ok and outcome.days_rebuilt

    real_worker.run_new_tasks(seen)
    stale, pending, computed_at, error = the_state(org)
    assert (stale, pending, error) == (False, False, "") and computed_at is not None
    rows = snapshot_rows(org)
    values = {row[:5]: row[5] for row in rows}
    day = {d: ("organisation", "", "day", dt.date(2026, 4, d)) for d in (1, 2, 3)}
    # Tiny shop: two orders on 1 April, one on the 2nd, one on the 3rd; no ad spend yet.
    assert [values[(*day[d], "orders")] for d in (1, 2, 3)] == [2.0, 1.0, 1.0]
    assert values[(*day[2], "revenue_excl_vat")] > 0 and values[(*day[2], "roas")] is None

    # An edit: ad spend typed in for 2 April, then the request the edit views make.
    seen = real_worker.received()
    assert DailyActual.objects.filter(
        organization=org, date=dt.date(2026, 4, 2), campaign_id=None, channel=None
    ).update(ad_spend=Decimal("50.00")) == 1
    assert services.recompute_request(organization=org)  # outside a transaction: sent at once

    real_worker.run_new_tasks(seen)
    stale, pending, later, error = the_state(org)
    assert (stale, pending, error) == (False, False, "") and later > computed_at
    updated = snapshot_rows(org)
    values = {row[:5]: row[5] for row in updated}
    assert values[(*day[2], "roas")] == pytest.approx(values[(*day[2], "revenue_excl_vat")] / 50)
    assert [values[(*day[d], "orders")] for d in (1, 2, 3)] == [2.0, 1.0, 1.0]
    assert updated != rows and {row[:5] for row in updated} >= {row[:5] for row in rows}
    roas = KpiSnapshot.objects.get(organization=org, scope="organisation", scope_id="", period="day",
                                   period_start=dt.date(2026, 4, 2), kpi="roas")  # fmt: skip
    assert roas.computed_at == later  # written by this recompute


@pytest.mark.django_db(transaction=True)
def test_running_the_task_twice_gives_the_same_rows(org, real_worker):
    seen = real_worker.received()
    assert sales_services.orders_import(organization=org, files=[tiny_shop()], format="generic").ok
    real_worker.run_new_tasks(seen)

    results = []
    for _ in range(2):
        task_id = tasks.recompute_kpis.delay(org.id).id
        real_worker.worker.wait_finished(task_id, timeout=TIMEOUT)
        snapshots = KpiSnapshot.objects.filter(organization=org)
        ids = {(s, i, p, start, k): pk for s, i, p, start, k, pk in snapshots.values_list(
            "scope", "scope_id", "period", "period_start", "kpi", "pk")}  # fmt: skip
        results.append((snapshot_rows(org), snapshots.count(), ids, the_state(org)))
    (first, first_count, first_ids, first_state), (second, second_count, second_ids, second_state) = results

    assert first and first == second
    assert first_count == second_count == len(first)  # no duplicates, nothing left over
    assert first_ids == second_ids  # the same rows, upserted in place (not deleted and re-inserted)
    duplicates = (
        KpiSnapshot.objects.filter(organization=org)
        .values("scope", "scope_id", "period", "period_start", "kpi")
        .annotate(n=Count("id")).filter(n__gt=1)
    )  # fmt: skip
    assert not duplicates.exists()
    # Both runs went through (the second one later) and left the state clean.
    assert first_state[:2] == second_state[:2] == (False, False) and second_state[2] > first_state[2]


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs(org, other_org, real_worker):
    for organization in (org, other_org):  # committed actuals: a recompute would give snapshots
        DailyActual.objects.create(organization=organization, date=dt.date(2026, 4, 1), orders=3,
                                   units=4, paid_incl_vat=Decimal("72.00"))  # fmt: skip
    seen = real_worker.received()

    with pytest.raises(RuntimeError), transaction.atomic():
        assert services.recompute_request(organization=org)
        raise RuntimeError("the change failed")
    assert real_worker.queue_length() == 0

    # A committed request behind it on the same FIFO queue and the same one-at-a-time worker:
    # once it has run, anything sent before it (publishing is synchronous) would have run too,
    # so no fixed wait is needed.
    assert services.recompute_request(organization=other_org)
    real_worker.run_new_tasks(seen)
    assert KpiSnapshot.objects.filter(organization=other_org).exists()

    assert len(real_worker.received()) == len(seen) + 1  # only the committed one was received
    assert real_worker.queue_length() == 0
    assert not KpiSnapshot.objects.filter(organization=org).exists()
    assert not RecomputeState.objects.filter(organization=org).exists()  # rolled back with it


@pytest.mark.django_db(transaction=True)
def test_after_an_import_the_worker_recomputes_again_once_the_forecast_is_refitted(org, real_worker):
    from forecasting.models import Forecast

    seen = real_worker.received()
    assert sales_services.orders_import(organization=org, files=[tiny_shop()], format="generic").ok
    # The import queues a recompute and a refit; the refit asks for another recompute (merged
    # into the first when that one has not started yet: it then starts after the refit).
    real_worker.run_new_tasks(seen)
    wait_for(lambda: RecomputeState.objects.filter(organization=org, pending=False).exists()
             and real_worker.idle(), timeout=TIMEOUT, what="the recompute after the refit")
    wait_for(real_worker.idle, timeout=TIMEOUT, what="the worker to finish its tasks")
    forecast = Forecast.objects.get(organization=org)
    stale, pending, computed_at, error = the_state(org)
    assert (stale, pending, error) == (False, False, "") and computed_at > forecast.fitted_at
