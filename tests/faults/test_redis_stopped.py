"""Fault: Redis, the Celery broker, stops (or hangs) while people use the site.

The web side only needs Redis to queue recomputes. With Redis gone, the pages still render
from the stored snapshots; an edit saves at once, its recompute cannot be queued, so the
organisation is left stale (``recompute_request`` → ``_publish_recompute``) and the pages
say "stale since …". When Redis is back, the beat's ``sweep_stale`` task queues the stale
organisations and a worker catches up.

The broker is a private ``redis-server`` (tests/faults/conftest.py) that the test stops and
starts again on the same port; the web requests go through the Django test client in this
process, which publishes to it (the ``publishing`` fixture); the worker runs in a subprocess
through the whole outage and reconnects by itself.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from kpis import tasks
from kpis.models import RecomputeState
from sales.models import DailyActual
from tests.kpis.factories import last_week, type_figures
from tests.processes import CeleryWorker, RedisServer, needs, wait_for, why_no_real_services

pytestmark = needs(why_no_real_services() or RedisServer.why_not())

TIMEOUT = 60  # seconds for the worker to start, reconnect, take a message or finish a task
EDIT_SECONDS = 2.0  # what an edit may take with Redis down (the broker's 2 s socket timeouts)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _run(worker: CeleryWorker, task: str, count: int) -> None:
    """Wait until the worker has received ``count`` ``task`` messages and finished them all."""
    ids = wait_for(lambda: len(ids := worker.received(task)) >= count and ids, timeout=TIMEOUT,
                   what=f"{count} {task} in the worker:\n{worker.tail()}")  # fmt: skip
    for task_id in ids:
        worker.wait_finished(task_id, timeout=TIMEOUT)


def _latest(response, kpi: str) -> float | None:
    """The KPI page's value of ``kpi`` for the last complete period."""
    return next(row.latest for row in response.context["rows"] if row.definition.key == kpi)


def _edit(client, org, day: dt.date, orders: int) -> float:
    """Type a day's figures through the quick-entry page; returns how long the request took."""
    started = time.monotonic()
    response = client.post(f"/o/{org.slug}/kpis/today/", {
        "date": day.isoformat(), "orders": str(orders), "paid_incl_vat": str(30 * orders)})  # fmt: skip
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:500]
    return elapsed


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_pages_render_edits_save_and_the_sweep_catches_up_after(
    org, owner, client_for, publishing, private_redis, start_worker
):
    monday, tuesday = last_week()[:2]
    type_figures(org, [monday, tuesday], orders=4)
    type_figures(org, last_week()[2:], orders=0)  # the whole week has data: it is compared
    worker = start_worker()
    tasks.recompute_kpis.delay(org.id)
    _run(worker, tasks.recompute_kpis.name, 1)
    client = client_for(owner, **EN)
    assert _latest(client.get(f"/o/{org.slug}/kpis/"), "orders") == 8

    private_redis.stop()

    # The pages render from the snapshots.
    dashboard = client.get(f"/o/{org.slug}/")
    assert dashboard.status_code == 200 and dashboard.context["period_label"] == monday
    kpi_page = client.get(f"/o/{org.slug}/kpis/")
    assert kpi_page.status_code == 200 and _latest(kpi_page, "orders") == 8
    assert "Stale since" not in kpi_page.content.decode()

    # Edits save, each in well under the broker's timeouts, and leave the organisation stale.
    durations = [_edit(client, org, monday, 10), _edit(client, org, tuesday, 12)]
    assert max(durations) < EDIT_SECONDS, durations
    assert DailyActual.objects.filter(organization=org, date=monday, orders=10).exists()
    state = RecomputeState.objects.get(organization=org)
    assert (state.stale, state.pending) == (True, False) and state.last_error.startswith("not queued")
    for path in ("", "kpis/"):
        page = client.get(f"/o/{org.slug}/{path}")
        assert page.status_code == 200 and "Stale since" in page.content.decode()
    assert _latest(client.get(f"/o/{org.slug}/kpis/"), "orders") == 8  # the last computed figures

    private_redis.start()  # on the same port

    tasks.sweep_stale.delay()  # what beat sends every five minutes
    _run(worker, tasks.sweep_stale.name, 1)  # once the worker has reconnected
    _run(worker, tasks.recompute_kpis.name, 2)  # the sweep queued the organisation's recompute
    assert "Connection to broker lost" in worker.log()  # the same worker, through the outage
    state.refresh_from_db()
    assert (state.stale, state.pending, state.last_error) == (False, False, "")
    kpi_page = client.get(f"/o/{org.slug}/kpis/")
    assert _latest(kpi_page, "orders") == 22 and "Stale since" not in kpi_page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_hung_redis_holds_an_edit_no_longer_than_the_socket_timeout(
    org, owner, client_for, publishing, private_redis
):
    client = client_for(owner, **EN)
    private_redis.hang()  # connections are accepted (by the kernel), nothing is answered

    elapsed = _edit(client, org, last_week()[0], 4)

    # The publish waits out one 2 s socket timeout (so Redis did hang), and no more.
    assert 1.5 < elapsed < 2 * EDIT_SECONDS, elapsed
    state = RecomputeState.objects.get(organization=org)
    # The edit's first publish (the forecast refit's: its receiver runs first, INSTALLED_APPS
    # follows the floors) waits out the timeout; the recompute's then says the broker was
    # unreachable a moment ago instead of waiting again.
    assert (state.stale, state.pending) == (True, False)
    assert "timeout" in state.last_error.lower() or "unreachable a moment ago" in state.last_error.lower()
    page = client.get(f"/o/{org.slug}/kpis/")
    assert page.status_code == 200 and "Stale since" in page.content.decode()
