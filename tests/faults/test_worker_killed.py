"""Fault: the Celery worker is killed (SIGKILL) in the middle of a KPI recompute.

The recompute task is ``acks_late`` and ``reject_on_worker_lost``: Redis keeps its message
among the unacknowledged ones until the task has run. There are two ways to lose the worker,
and two ways back:

* The pool process running the task dies (the kernel's OOM killer, a crash) and the worker's
  main process lives: it sees the loss and, as the task rejects on a lost worker, puts the
  message back at the head of the queue at once; a new pool process runs it.
* The whole worker dies (its machine or container goes): nobody is left to put the message
  back. A worker makes it visible again once it is older than the visibility timeout
  (``CELERY_VISIBILITY_TIMEOUT``, an hour by default), when it looks: at its start, then
  about every 100 s. A worker restarted sooner does not take it. The test runs the workers
  with a timeout of a few seconds and starts the new one after it has passed.

The kill is made deterministic by ``tests/faults/paused_recompute.py``: the worker pauses
right after writing the snapshots, inside the recompute's transaction, and says so. Either
way the killed recompute never committed (PostgreSQL rolls back a transaction whose
connection drops), and the recompute run again writes every row once.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count

from kpis import services
from kpis.models import KpiSnapshot, RecomputeState
from sales import services as sales_services
from tests.kpis.factories import snapshot_rows, tiny_shop
from tests.processes import CeleryWorker, RedisServer, needs, wait_for, why_no_real_services

pytestmark = needs(why_no_real_services() or RedisServer.why_not())

TASK = "kpis.tasks.recompute_kpis"
TIMEOUT = 60  # seconds for a worker to start, take a message or finish a recompute
VISIBILITY_TIMEOUT = 3  # seconds, for the workers of the whole-worker test


def _paused_worker(start_worker, pause_file: Path, *, env: dict | None = None) -> CeleryWorker:
    # The prefork pool, as in production: a main process and a pool process running the task.
    return start_worker(app="tests.faults.paused_recompute", pool="prefork",
                        env={"PLANNERIST_TEST_PAUSE_FILE": str(pause_file), **(env or {})})  # fmt: skip


def _import_and_pause(org, worker: CeleryWorker, pause_file: Path) -> tuple[str, int]:
    """Import orders (which queues a recompute) and wait until the worker is mid-write;
    returns the task's id and the process id running it."""
    assert sales_services.orders_import(organization=org, files=[tiny_shop()], format="generic").ok
    pid = wait_for(lambda: pause_file.exists() and pause_file.read_text(), timeout=TIMEOUT,
                   what=f"the recompute to pause after writing its snapshots:\n{worker.tail()}")  # fmt: skip
    (task_id,) = worker.received(TASK)
    # Written but not committed: nothing to see from here, and the worker's session is open.
    assert not KpiSnapshot.objects.filter(organization=org).exists()
    assert _sessions_idle_in_transaction() == 1
    return task_id, int(pid)


def _sessions_idle_in_transaction() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _assert_written_once_and_right(org) -> None:
    state = RecomputeState.objects.get(organization=org)
    assert (state.stale, state.pending, state.last_error) == (False, False, "")
    snapshots = KpiSnapshot.objects.filter(organization=org)
    duplicates = snapshots.values("scope", "scope_id", "period", "period_start", "kpi").annotate(
        n=Count("id")).filter(n__gt=1)  # fmt: skip
    assert snapshots.exists() and not duplicates.exists()
    # Every row comes from the run that completed: the killed one left nothing behind.
    assert set(snapshots.values_list("computed_at", flat=True)) == {state.last_computed_at}
    rows = snapshot_rows(org)
    snapshots.delete()
    services.kpis_recompute(organization_id=org.id)  # a clean recompute from nothing
    assert snapshot_rows(org) == rows


@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_mid_write_is_run_again_at_once(org, publishing, start_worker, tmp_path):
    pause_file = tmp_path / "paused"
    worker = _paused_worker(start_worker, pause_file)
    task_id, pid = _import_and_pause(org, worker, pause_file)
    assert pid != worker.process.pid  # the pool process, not the worker's main process

    os.kill(pid, signal.SIGKILL)

    wait_for(lambda: worker.received(TASK) == [task_id, task_id], timeout=TIMEOUT,
             what=f"the message to be delivered again:\n{worker.tail()}")  # fmt: skip
    worker.wait_finished(task_id, timeout=TIMEOUT)
    assert "signal 9 (SIGKILL)" in worker.log() and worker.running
    assert _sessions_idle_in_transaction() == 0
    _assert_written_once_and_right(org)


@pytest.mark.django_db(transaction=True)
def test_a_whole_worker_killed_mid_write_is_run_again_by_the_next_worker_after_the_visibility_timeout(
    org, publishing, start_worker, private_redis, tmp_path
):
    pause_file = tmp_path / "paused"
    env = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    first = _paused_worker(start_worker, pause_file, env=env)
    task_id, _pid = _import_and_pause(org, first, pause_file)

    first.kill()  # SIGKILL to its main process and its pool process: no shutdown handler runs

    # The message is in no queue, but Redis still holds it among the unacknowledged ones.
    redis = private_redis.client()
    assert redis.llen("celery") == 0 and redis.hlen("unacked") == 1
    ((_tag, delivered_at),) = redis.zrange("unacked_index", 0, -1, withscores=True)
    redis.close()
    wait_for(lambda: _sessions_idle_in_transaction() == 0, timeout=TIMEOUT,
             what="PostgreSQL to end the killed worker's session")  # fmt: skip
    assert not KpiSnapshot.objects.filter(organization=org).exists()  # rolled back

    wait_for(lambda: time.time() > delivered_at + VISIBILITY_TIMEOUT, timeout=TIMEOUT,
             what="the visibility timeout to pass")  # fmt: skip
    second = start_worker(env=env)  # the project's app, no pause

    wait_for(lambda: second.received(TASK) == [task_id], timeout=TIMEOUT,
             what=f"the new worker to take the message back:\n{second.tail()}")  # fmt: skip
    second.wait_finished(task_id, timeout=TIMEOUT)
    _assert_written_once_and_right(org)
