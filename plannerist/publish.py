"""Queueing a Celery task from a web request without letting a lost broker slow it twice.

A request may queue several jobs (the KPI recompute, the forecast refit). When the broker
cannot be reached, the first ``delay`` waits out its socket timeout and fails; the others
would each wait as long again. After a failure, :func:`publish` does not try again in this
process for :data:`PAUSE_SECONDS`: the jobs are reported not queued at once, and the callers
leave their organisation stale for the beat's sweep or the nightly run, as for the first.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from kombu.exceptions import OperationalError as BrokerError

PAUSE_SECONDS = 5.0
_paused_until = 0.0


def publish(task: Any, *args: Any) -> str | None:
    """``task.delay(*args)``; returns None when queued, else why not (never raises)."""
    global _paused_until
    if time.monotonic() < _paused_until:
        return "broker unreachable a moment ago"
    try:
        task.delay(*args)
    except (BrokerError, ConnectionError, OSError) as error:
        _paused_until = time.monotonic() + PAUSE_SECONDS
        return str(error)
    return None


def publish_each(task: Any, ids: Iterable[Any]) -> tuple[list[Any], str | None]:
    """:func:`publish` ``task`` once for each id; returns the ids not queued and why the first
    was not (after a refusal the rest fail at once, for :data:`PAUSE_SECONDS`)."""
    refused, error = [], None
    for one in ids:
        if (why := publish(task, one)) is not None:
            refused.append(one)
            error = error or why
    return refused, error


def resume() -> None:
    """Try the broker again at the next publish (tests starting a new broker)."""
    global _paused_until
    _paused_until = 0.0
