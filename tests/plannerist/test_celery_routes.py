"""Each kind of job has its Celery queue, and a worker started without -Q consumes them all."""

from __future__ import annotations

import pytest

from plannerist.celery import app

QUEUE_OF = {
    "sales.tasks.run_import": "imports",
    "sales.tasks.preview_import": "imports",
    "sales.tasks.expire_imports": "imports",
    "cockpit.tasks.sample_fill_task": "imports",
    "kpis.tasks.recompute_kpis": "recompute",
    "kpis.tasks.sweep_stale": "recompute",
    "kpis.tasks.nightly_recompute": "recompute",
    "forecasting.tasks.refit_forecast": "refit",
    "forecasting.tasks.nightly_refit": "refit",
    "reviews.tasks.prepare_review_drafts": "reviews",
    "reviews.tasks.send_scheduled_packs": "reviews",
    "plannerist.tasks.send_mail": "mail",
}
PROJECT_APPS = ("plannerist.", "sales.", "forecasting.", "campaigns.", "capacity.", "kpis.", "reviews.", "cockpit.")


@pytest.fixture(autouse=True)
def _tasks_discovered():
    """The tasks modules, as a worker imports them at its start."""
    app.loader.import_default_modules()


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize(("task_name", "queue"), sorted(QUEUE_OF.items()))
def test_each_job_is_routed_to_its_queue(task_name, queue):
    assert task_name in app.tasks
    assert _queue(task_name) == queue


def test_every_project_task_is_routed_and_listed_here():
    project = {name for name in app.tasks if name.startswith(PROJECT_APPS)}
    assert project == set(QUEUE_OF)
    assert all(_queue(name) != app.conf.task_default_queue for name in project)


def test_a_worker_without_queues_named_consumes_every_routed_queue():
    consumed = set(app.amqp.queues)  # what `celery worker` takes from without -Q
    assert set(QUEUE_OF.values()) | {app.conf.task_default_queue} <= consumed


def test_the_beat_schedule_s_jobs_land_on_their_queues():
    from django.conf import settings

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {name: _queue(name) for name in scheduled} == {name: QUEUE_OF[name] for name in scheduled}
