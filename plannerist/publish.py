"""Queueing a Celery task from a web request without letting a lost broker slow it twice.

A request may queue several jobs (the KPI recompute, the forecast refit). When the broker
cannot be reached, the first ``delay`` waits out its socket timeout and fails; the others
would each wait as long again. After a failure, :func:`publish` does not try again in this
process for :data:`PAUSE_SECONDS`: the jobs are reported not queued at once, and the callers
leave their organisation stale for the beat's sweep or the nightly run, as for the first.
"""

from __future__ import annotations

import time
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


def resume() -> None:
    """Try the broker again at the next publish (tests starting a new broker)."""
    global _paused_until
    _paused_until = 0.0
