"""Recompute requests: after commit only, once per organisation, and a dead broker is survivable."""

from __future__ import annotations

import datetime as dt

import pytest
from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from kpis import services, tasks
from kpis.models import KpiSnapshot, RecomputeState
from sales import services as sales_services
from sales import tasks as sales_tasks
from sales.models import ImportedOrder
from tests.kpis.factories import tiny_shop


@pytest.fixture
def in_process():
    """Run tasks in-process even when the suite runs against a real broker (no worker here)."""
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = eager


@pytest.fixture
def delays(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.recompute_kpis, "delay", lambda org_id: calls.append(org_id))
    return calls


@pytest.mark.django_db
def test_the_recompute_is_enqueued_only_after_commit(org, delays, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.recompute_request(organization=org)
        assert delays == []
    assert len(callbacks) == 1 and delays == [org.id]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_enqueues_nothing(org, delays):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.recompute_request(organization=org)
        raise RuntimeError("the change failed")
    assert delays == []


@pytest.mark.django_db
def test_two_requests_claim_one_recompute(org, delays, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.recompute_request(organization=org)
        assert not services.recompute_request(organization=org)
    assert delays == [org.id]


@pytest.mark.django_db
def test_an_unreachable_broker_keeps_the_import_and_marks_the_org_stale(
    org, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(org_id):
        raise BrokerError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.recompute_kpis, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = sales_services.orders_import(organization=org, files=[tiny_shop()], format="generic")
    assert outcome.ok and ImportedOrder.objects.filter(organization=org).count() == 4
    state = RecomputeState.objects.get(organization=org)
    assert state.stale and not state.pending and "Connection refused" in state.last_error


@pytest.mark.django_db
def test_the_sweep_requeues_a_stale_org_once_the_broker_is_back(org, delays, django_capture_on_commit_callbacks):
    RecomputeState.objects.create(organization=org, stale=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_stale() == 1
    assert delays == [org.id]


@pytest.mark.django_db
def test_the_eager_task_writes_snapshots_and_clears_the_state(org, django_capture_on_commit_callbacks, in_process):
    with django_capture_on_commit_callbacks(execute=True):
        sales_services.orders_import(organization=org, files=[tiny_shop()], format="generic")
    state = RecomputeState.objects.get(organization=org)
    assert KpiSnapshot.objects.filter(organization=org).exists()
    assert (state.stale, state.pending, state.last_computed_at is not None) == (False, False, True)


@pytest.mark.django_db
def test_the_task_returns_early_for_a_deleted_org(org):
    org_id = org.id
    org.delete()
    assert tasks.recompute_kpis.apply(args=[org_id]).get() is None


@pytest.mark.django_db
def test_the_nightly_run_requests_every_organisation(org, other_org, delays, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.nightly_recompute() == 2
    assert sorted(delays) == sorted([org.id, other_org.id])


def _queries_of(run) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run()
    return len(queries)


@pytest.mark.django_db
def test_the_nightly_run_claims_every_organisation_in_as_many_queries_for_3_as_for_30(
    delays, django_capture_on_commit_callbacks
):
    from plannerist.models import Organization
    from tests.factories import make_org

    counts = []
    for number in (3, 30):
        orgs = [make_org() for _ in range(number)]
        RecomputeState.objects.all().delete()
        delays.clear()
        with django_capture_on_commit_callbacks(execute=True):
            counts.append(_queries_of(tasks.nightly_recompute))
        everyone = sorted(Organization.objects.values_list("id", flat=True))
        assert sorted(delays) == everyone and set(everyone) >= {o.id for o in orgs}
    assert counts[0] == counts[1], counts
    assert RecomputeState.objects.filter(stale=True, pending=True).count() == RecomputeState.objects.count()


@pytest.mark.django_db
def test_the_nightly_run_marks_a_pending_organisation_stale_without_queueing_it_twice(
    org, other_org, delays, django_capture_on_commit_callbacks
):
    RecomputeState.objects.create(organization=org, pending=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.nightly_recompute() == 1
    assert delays == [other_org.id]
    assert RecomputeState.objects.get(organization=org).stale


@pytest.mark.django_db
def test_a_nightly_run_the_broker_refuses_leaves_every_organisation_stale_for_the_sweep(
    org, other_org, monkeypatch, django_capture_on_commit_callbacks
):
    from plannerist import publish

    attempts = []

    def refuse(org_id):
        attempts.append(org_id)
        raise BrokerError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.recompute_kpis, "delay", refuse)
    publish.resume()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.nightly_recompute() == 2
    finally:
        publish.resume()
    assert len(attempts) == 1  # the second is failed at once: the broker was unreachable a moment ago
    states = RecomputeState.objects.filter(organization__in=[org, other_org])
    assert [(s.stale, s.pending, "Connection refused" in s.last_error) for s in states] == [(True, False, True)] * 2


# ---------------------------------------------------------------- import previews and lost runs


def _preview(org):
    return sales_services.import_preview(organization=org, files=[tiny_shop()], format="generic", by=None).batch


@pytest.mark.django_db
def test_an_unconfirmed_preview_is_deleted_after_a_day_by_the_beat_job(org):
    from django.conf import settings
    from django.utils import timezone

    from sales.models import ImportBatch

    old, fresh = _preview(org), _preview(org)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert sales_tasks.expire_imports.apply().get() == (1, 0)
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [fresh.pk]
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "sales.tasks.expire_imports" in scheduled


@pytest.mark.django_db
def test_a_run_lost_with_its_worker_is_failed_by_the_beat_job_and_stops_polling(org):
    from django.utils import timezone

    from sales.models import ImportBatch

    batch = _preview(org)
    started = timezone.now() - dt.timedelta(hours=3)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING, started_at=started)
    assert sales_services.import_batches_expire(now=timezone.now()) == (0, 1)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and batch.is_finished and batch.pending_lines is None
    assert batch.errors[0]["code"] == sales_services.IMPORT_LOST


def test_after_a_broker_failure_the_next_publishes_give_up_at_once(monkeypatch):
    """One request queuing two jobs with the broker hung waits one socket timeout, not two."""
    from plannerist import publish as publishing

    calls = []

    class Task:
        def delay(self, *args):
            calls.append(args)
            raise BrokerError("Timeout reading from socket")

    assert publishing.publish(Task(), 1) == "Timeout reading from socket"
    assert publishing.publish(Task(), 2) == "broker unreachable a moment ago"
    assert calls == [(1,)]
    publishing.resume()
    assert publishing.publish(Task(), 3) == "Timeout reading from socket" and calls == [(1,), (3,)]
