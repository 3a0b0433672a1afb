"""Fixtures of the fault tests: a private Redis server, Celery workers on it, publishing to it.

The Redis server is the test's own (a free port, nothing saved): a test may stop it, and the
workers' unacknowledged messages (kept per server, not per queue) are nobody else's. The
workers use the test database, so the tests using them are ``transaction=True``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from tests.processes import CeleryWorker, RedisServer, current, database_url, publishing_app


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def publishing(private_redis: RedisServer) -> Iterator[Celery]:
    """The tasks' ``delay`` publishes to the private Redis for the test."""
    app = publishing_app(private_redis.url())
    with app.connection_for_write() as publishing_to:
        assert publishing_to.port == private_redis.port, "CELERY_BROKER_WRITE_URL is set?"
    with current(app):
        yield app
    app.close()


@pytest.fixture
def start_worker(private_redis: RedisServer) -> Iterator[Callable[..., CeleryWorker]]:
    """Start a Celery worker on the private Redis and the test database; stopped at the end."""
    started: list[CeleryWorker] = []

    def start(*, app: str = "plannerist", pool: str = "solo", env: Mapping[str, str] | None = None) -> CeleryWorker:
        # The Redis is the test's own: the worker consumes every queue, as a worker started
        # without -Q does, so that what a task queues from the worker (a sweep's recomputes,
        # a refit's recompute) is run too.
        queues = ",".join(queue.name for queue in settings.CELERY_TASK_QUEUES)
        worker = CeleryWorker(
            broker_url=private_redis.url(), database_url=database_url(connection.settings_dict), queue=queues,
            hostname=f"fault-{uuid.uuid4().hex[:8]}@%h", app=app, pool=pool, env=env,
        )  # fmt: skip
        started.append(worker)
        worker.start()
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.close()
