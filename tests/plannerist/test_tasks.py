"""Every task of the project retries with the one shared policy (plannerist.tasks)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

from plannerist.celery import app
from plannerist.tasks import RETRY_POLICY, TRANSIENT_ERRORS

PROJECT = ("plannerist.", "sales.", "forecasting.", "campaigns.", "capacity.", "kpis.", "reviews.", "cockpit.")
# The import batches retry by hand: when retries run out the batch is failed with the reason.
RETRY_BY_HAND = {"sales.tasks.run_import", "sales.tasks.preview_import"}


def test_lost_connections_are_the_transient_errors():
    assert set(TRANSIENT_ERRORS) == {OperationalError, InterfaceError}


def test_every_project_task_retries_transient_errors_with_the_shared_policy():
    app.loader.import_default_modules()
    tasks = {name: task for name, task in app.tasks.items() if name.startswith(PROJECT)}
    assert {"kpis.tasks.recompute_kpis", "forecasting.tasks.refit_forecast",
            "reviews.tasks.prepare_review_drafts"} <= set(tasks)
    for name, task in tasks.items():
        assert task.acks_late, name
        if name in RETRY_BY_HAND:
            continue
        assert tuple(task.autoretry_for) == RETRY_POLICY["autoretry_for"], name
        assert (task.retry_backoff, task.max_retries) == (True, RETRY_POLICY["max_retries"]), name
