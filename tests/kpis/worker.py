"""A real Celery worker in a subprocess, for the tests that need one (``test_worker_real.py``).

The worker runs ``celery -A plannerist worker`` from the repository root with the solo pool,
on its own queue of its own Redis database, against the database the tests use. Its log goes
to a file (never a pipe, that could fill up and block it) that the tests read to know when it
is ready and which tasks it received and finished.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote, urlencode

REPO = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def wait_for(check: Callable[[], T], *, timeout: float, what: str, interval: float = 0.05) -> T:
    """Call ``check`` until it returns something truthy; fail with ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def database_url(settings_dict: dict) -> str:
    """A ``postgres://`` URL for a Django PostgreSQL settings entry (its current NAME)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or ""  # empty: the local socket, as in Django
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    options = settings_dict.get("OPTIONS") or {}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}{query}"


class CeleryWorker:
    """``celery -A plannerist worker`` consuming only ``queue`` of ``broker_url``."""

    def __init__(self, *, broker_url: str, database_url: str, queue: str, hostname: str) -> None:
        self.broker_url = broker_url
        self.database_url = database_url
        self.queue = queue
        self.hostname = hostname
        self.process: subprocess.Popen | None = None
        self._log_file = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)
        self.log_path = Path(self._log_file.name)

    def start(self, *, timeout: float = 60) -> None:
        env = {
            key: value for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
        }  # fmt: skip
        env.update(
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=self.broker_url,
            DJANGO_SETTINGS_MODULE="plannerist.settings",
            # The worker must not keep a connection idle across tests: pytest-django truncates
            # the tables between them and drops the database at the end.
            DATABASE_CONN_MAX_AGE="0",
            PYTHONUNBUFFERED="1",
        )
        command = [
            sys.executable, "-m", "celery", "-A", "plannerist", "worker",
            "--pool=solo", "--concurrency=1", "-Q", self.queue, "-n", self.hostname,
            "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=self._log_file,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            wait_for(self._ready, timeout=timeout, what=f"the Celery worker to be ready:\n{self.tail()}")
        except BaseException:
            self.stop()
            raise

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"the Celery worker exited with {self.process.returncode}:\n{self.tail()}")
        return re.search(r"\bready\.", self.log()) is not None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def received(self, task: str) -> list[str]:
        """Ids of the ``task`` messages the worker has received, in order."""
        return re.findall(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] received", self.log())

    def finished(self, task_id: str) -> bool:
        """Whether the task ran to its end; a failure or a retry fails the test at once."""
        log = self.log()
        for outcome in ("raised unexpected", "retry:", "Retry in"):
            if re.search(rf"\[{re.escape(task_id)}\][^\n]*{outcome}", log):
                raise AssertionError(f"task {task_id} failed in the worker:\n{self.tail()}")
        return re.search(rf"\[{re.escape(task_id)}\] succeeded", log) is not None

    def wait_finished(self, task_id: str, *, timeout: float = 30) -> None:
        wait_for(lambda: self.finished(task_id), timeout=timeout,
                 what=f"task {task_id} to finish in the worker:\n{self.tail()}")  # fmt: skip

    def stop(self, *, timeout: float = 10) -> None:
        """Warm shutdown (SIGTERM: finish the task at hand), then SIGKILL; closes the log."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout)
            except ProcessLookupError:
                pass
        self._log_file.close()

    def remove_log(self) -> None:
        self.log_path.unlink(missing_ok=True)
