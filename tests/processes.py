"""Real processes for the tests that need them: a Celery worker, a private Redis server, a
private PostgreSQL cluster and gunicorn (``tests/kpis/test_worker_real.py``, ``tests/faults/``).

Each runs in a session of its own (so that the whole process group can be signalled) and
logs to a file, never a pipe, that could fill up and block it; the tests read the log to know
when it is ready and what it did. ``stop()`` is safe to call twice and on a process that
never started or has already died: fixtures call it in their finalizers, even on failure.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote, urlencode

import pytest
from celery import Celery, current_app
from django.conf import settings

REPO = Path(__file__).resolve().parents[1]
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


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on (the kernel's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


# ---------------------------------------------------------------- when the tests can run

def _on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def why_no_postgres() -> str | None:
    if not _on_postgres():
        return "needs PostgreSQL (DATABASE_URL): runs in the PostgreSQL + Redis pass of make test"
    return None


def why_no_real_services() -> str | None:
    if not settings.CELERY_BROKER_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        return "no real Celery broker: CELERY_BROKER_URL is not set, tasks run in-process"
    if not _on_postgres():
        return "needs PostgreSQL (DATABASE_URL): the worker process must reach the test database"
    return None


def needs(reason: str | None) -> list[pytest.MarkDecorator]:
    """The marks of a module that runs in the PostgreSQL + Redis pass only, skipped with ``reason``."""
    return [pytest.mark.services, pytest.mark.skipif(reason is not None, reason=reason or "")]


def child_environment(**values: str) -> dict[str, str]:
    """This process's environment without its database and broker, plus ``values``."""
    env = {
        key: value for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
    }  # fmt: skip
    env.update(DJANGO_SETTINGS_MODULE="plannerist.settings", PYTHONUNBUFFERED="1", **values)
    return env


def publishing_app(broker_url: str, *, queue: str = "celery") -> Celery:
    """A Celery app configured as the project's, publishing to ``queue`` of ``broker_url``.

    Every task goes to ``queue`` (the project's routes to a queue per job are dropped), the
    one the test's worker consumes. Made current for a test (:func:`current`), it is the one the shared tasks' ``delay``
    resolves to, so the product code (``recompute_request`` → ``on_commit`` → ``delay``) runs
    unchanged while the project's app, its connection pool and its cached router are left
    alone. Its broker is set through ``broker_write_url`` (what publishing connects to), as
    Celery prefers ``CELERY_BROKER_URL`` from the environment to a ``broker_url`` set in code.
    """
    app = Celery("plannerist-test-publisher", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=broker_url, broker_write_url=broker_url, broker_read_url=broker_url,
                    task_default_queue=queue, task_routes=None, task_always_eager=False)  # fmt: skip
    return app


@contextmanager
def current(app: Celery) -> Iterator[Celery]:
    """``app`` is the current Celery app inside the block, the previous one after it."""
    previous = current_app._get_current_object()
    app.set_current()
    try:
        yield app
    finally:
        previous.set_current()


# ---------------------------------------------------------------- processes

class Process:
    """A command started in a session of its own, its output in a log file."""

    name = "process"

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self._log_file = tempfile.NamedTemporaryFile(prefix=f"{self.name}-", suffix=".log", delete=False)
        self.log_path = Path(self._log_file.name)

    def _spawn(self, command: list[str], *, env: Mapping[str, str] | None = None, cwd: Path = REPO) -> None:
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=self._log_file,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"the {self.name} exited with {self.process.returncode}:\n{self.tail()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL to the whole process group: no shutdown handler runs."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(10)

    def stop(self, *, timeout: float = 10) -> None:
        """SIGTERM (a warm shutdown), then SIGKILL after ``timeout`` s."""
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

    def close(self) -> None:
        """Stop, and remove the log."""
        self.stop()
        self._log_file.close()
        self.log_path.unlink(missing_ok=True)


class CeleryWorker(Process):
    """``celery -A <app> worker`` consuming only ``queue`` of ``broker_url``.

    ``app`` is ``plannerist`` unless a test starts the project's app through a module of its
    own (``tests/faults/paused_recompute.py``); ``env`` adds to the worker's environment.
    """

    name = "celery-worker"

    def __init__(
        self, *, broker_url: str, database_url: str, queue: str, hostname: str, app: str = "plannerist",
        pool: str = "solo", env: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.broker_url, self.database_url, self.queue, self.hostname = broker_url, database_url, queue, hostname
        self.app, self.pool, self.env = app, pool, dict(env or {})

    def start(self, *, timeout: float = 60) -> None:
        env = child_environment(
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=self.broker_url,
            # The worker must not keep a connection idle across tests: pytest-django truncates
            # the tables between them and drops the database at the end.
            DATABASE_CONN_MAX_AGE="0",
            **self.env,
        )
        self._spawn([
            sys.executable, "-m", "celery", "-A", self.app, "worker",
            f"--pool={self.pool}", "--concurrency=1", "-Q", self.queue, "-n", self.hostname,
            "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO",
        ], env=env)  # fmt: skip
        try:
            wait_for(self._ready, timeout=timeout, what=f"the Celery worker to be ready:\n{self.tail()}")
        except BaseException:
            self.stop()
            raise

    def _ready(self) -> bool:
        self.check_alive()
        return re.search(r"\bready\.", self.log()) is not None

    def received(self, task: str) -> list[str]:
        """Ids of the ``task`` messages the worker has received, in order (a redelivered
        message appears again)."""
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


class RedisServer(Process):
    """A private ``redis-server`` on 127.0.0.1, saving nothing to disk. Its port is chosen
    once, so that ``stop()`` then ``start()`` is a restart at the same address."""

    name = "redis-server"

    def __init__(self) -> None:
        super().__init__()
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="redis-"))

    @staticmethod
    def binary() -> str | None:
        return shutil.which("redis-server")

    @staticmethod
    def why_not() -> str | None:
        if RedisServer.binary() is None:
            return "no redis-server program to start a private Redis"
        return None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, *, timeout: float = 20) -> None:
        self._spawn([
            self.binary(), "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.directory),
        ])  # fmt: skip
        wait_for(self._answers, timeout=timeout, what=f"redis-server on port {self.port}:\n{self.tail()}")

    def _answers(self) -> bool:
        import redis

        self.check_alive()
        try:
            with redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1) as client:
                return client.ping()
        except redis.ConnectionError:
            return False

    def client(self, db: int = 0):
        import redis

        return redis.Redis(port=self.port, db=db, socket_timeout=5)

    def hang(self) -> None:
        """SIGSTOP: the server still accepts connections (the kernel does) but never answers."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.running:
            os.killpg(self.process.pid, signal.SIGCONT)

    def close(self) -> None:
        self.resume()
        super().close()
        shutil.rmtree(self.directory, ignore_errors=True)


class PostgresCluster:
    """A private PostgreSQL cluster (``initdb``) in a temporary directory, listening on a free
    port of 127.0.0.1 with trust authentication; stopped and removed by ``close()``.

    PostgreSQL refuses to run as root: the tests running as root run its programs as the
    ``postgres`` system user (``runuser``), which then owns the directory.
    """

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="pg-"))
        self.data = self.directory / "data"
        self.log_path = self.directory / "postgres.log"
        self.started = False

    @staticmethod
    def find_binaries() -> Path | None:
        """The directory of ``initdb`` and ``pg_ctl``: on the PATH, else Debian's newest."""
        found = shutil.which("initdb")
        if found:
            return Path(found).parent
        candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
        return candidates[-1].parent if candidates else None

    @staticmethod
    def why_not() -> str | None:
        if PostgresCluster.find_binaries() is None:
            return "no PostgreSQL server programs (initdb, pg_ctl) to start a private cluster"
        if os.geteuid() == 0 and (shutil.which("runuser") is None or not _has_user("postgres")):
            return "running as root without a postgres user and runuser: initdb refuses root"
        return None

    def _run(self, program: str, *args: str, timeout: float = 60) -> None:
        command = [str(self.bindir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(f"{program} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{self.tail()}")

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, user="postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale",
                  "--no-sync")  # fmt: skip

    def _pg_ctl(self, action: str, *options: str) -> None:
        # fsync off: the cluster is thrown away; only the server's restart matters here.
        server = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-o", server, "-w", "-t", "60",
                  *options, action)  # fmt: skip

    def start(self) -> None:
        self._pg_ctl("start")
        self.started = True

    def stop(self, *, mode: str = "fast") -> None:
        """``fast``: the server ends every session (rolling back what they were doing), then stops."""
        if self.started:
            self._pg_ctl("stop", "-m", mode)
            self.started = False

    def restart(self, *, mode: str = "fast") -> None:
        self._pg_ctl("restart", "-m", mode)
        self.started = True

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as connection:  # fmt: skip
            connection.execute(f'CREATE DATABASE "{name}"')

    def tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def close(self) -> None:
        try:
            self.stop(mode="immediate")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class Gunicorn(Process):
    """``gunicorn plannerist.wsgi`` on a free port of 127.0.0.1 with sync workers, as in
    production (``docker-compose.yml``); its access log says which worker answered what."""

    name = "gunicorn"

    def __init__(self, *, env: Mapping[str, str], workers: int = 2) -> None:
        super().__init__()
        self.port = free_port()
        self.env, self.workers = dict(env), workers

    def start(self, *, timeout: float = 60) -> None:
        self._spawn([
            sys.executable, "-m", "gunicorn", "plannerist.wsgi", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers), "--timeout", "30", "--graceful-timeout", "5",
            "--access-logfile", "-", "--access-logformat", "access %(p)s %(s)s %(U)s",
            # Not the account's shared control socket ($HOME/.gunicorn/gunicorn.ctl), that
            # another gunicorn on the machine may be using.
            "--no-control-socket",
        ], env=self.env)  # fmt: skip
        try:
            wait_for(self._answers, timeout=timeout, what=f"gunicorn to answer:\n{self.tail()}")
        except BaseException:
            self.stop()
            raise

    def _answers(self) -> bool:
        self.check_alive()
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def answered(self, *, since: int = 0) -> list[tuple[int, int, str]]:
        """(worker pid, status, path) of the requests answered, from offset ``since`` of the log."""
        return [(int(pid), int(status), path)
                for pid, status, path in re.findall(r"^access <(\d+)> (\d{3}) (\S+)$", self.log()[since:], re.M)]  # fmt: skip
