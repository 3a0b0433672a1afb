"""The project's Celery app with a pause in the middle of a KPI recompute, for the fault tests.

Started as ``celery -A tests.faults.paused_recompute worker`` (:class:`tests.processes.CeleryWorker`)
with ``PLANNERIST_TEST_PAUSE_FILE`` naming a file that does not exist yet: the first recompute
to write its snapshots does write them (inside its transaction, not committed), then creates
that file holding its process id and waits, so that the test knows the worker is in the middle
of writing and can kill it there. Once the file exists, recomputes run straight through. The
product code is not changed: the pause wraps ``kpis.services.recompute._snapshots_upsert`` in the
worker.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plannerist.settings")
django.setup()

from kpis.services import recompute  # noqa: E402  (after django.setup())
from plannerist.celery import app  # noqa: E402

__all__ = ["app"]

PAUSE_FILE = Path(os.environ["PLANNERIST_TEST_PAUSE_FILE"])
LONGEST_PAUSE = 120  # seconds; the test kills the worker long before, a stray one carries on

_snapshots_upsert = recompute._snapshots_upsert


def _snapshots_upsert_then_pause(*args, **kwargs) -> None:
    _snapshots_upsert(*args, **kwargs)
    if PAUSE_FILE.exists():
        return
    written = PAUSE_FILE.with_suffix(".tmp")
    written.write_text(str(os.getpid()))
    written.rename(PAUSE_FILE)  # whole: the test never reads a half-written id
    time.sleep(LONGEST_PAUSE)


recompute._snapshots_upsert = _snapshots_upsert_then_pause
