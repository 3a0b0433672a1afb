"""Fault: PostgreSQL restarts while the site serves requests.

A private PostgreSQL cluster (``initdb`` in a temporary directory, a port of its own: the
shared server is never touched) holds a migrated database with one organisation
(``seed_site.py``); gunicorn serves the site from it as in production: sync workers, DEBUG
off, persistent connections (``CONN_MAX_AGE`` 60) checked before reuse
(``CONN_HEALTH_CHECKS``). ``PLANNERIST_PRODUCTION`` stays off only because its compressed
``collectstatic`` takes half a minute; nothing here depends on it.

Under load, threads keep requesting the dashboard and the KPI page while the server stops
(``pg_ctl stop -m fast``: it ends every session, so the requests in flight lose their
connection) and starts again; the restart takes two steps so that the test also makes
requests while the server is down. What must hold: every request gets an answer, never a
500; those that could not reach the database get the 503 page with ``Retry-After``
(``plannerist/middleware.py``), in the request's language; every request made once the
server is back succeeds.

A quiet restart (``pg_ctl restart -m fast`` while nobody asks) leaves each gunicorn worker
with a persistent connection the server has ended, and no failed request to make Django drop
it: the health check before its reuse must replace it, so each worker's first request
afterwards succeeds.
"""

from __future__ import annotations

import dataclasses
import http.client
import itertools
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from django.conf import settings

from plannerist.middleware import RETRY_AFTER_SECONDS
from tests.processes import (
    REPO,
    Gunicorn,
    PostgresCluster,
    child_environment,
    needs,
    wait_for,
    why_no_postgres,
)

pytestmark = needs(why_no_postgres() or PostgresCluster.why_not())

TIMEOUT = 60  # seconds for the site to answer, or to give so many answers
REQUEST_TIMEOUT = 30  # gunicorn's own worker timeout


@dataclasses.dataclass(frozen=True)
class Answer:
    started: float  # time.monotonic() when the request was sent
    path: str
    status: int | None = None  # None: no HTTP answer at all (see error)
    retry_after: str | None = None
    body: str = ""
    error: str = ""


@dataclasses.dataclass
class Site:
    cluster: PostgresCluster
    gunicorn: Gunicorn
    org: str
    session: str

    def get(self, path: str, *, language: str = "fr") -> Answer:
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.gunicorn.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request("GET", path, headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session}", "Accept-Language": language})  # fmt: skip
            response = connection.getresponse()
            return Answer(started, path, response.status, response.getheader("Retry-After"),
                          response.read().decode(errors="replace"))  # fmt: skip
        except (OSError, http.client.HTTPException) as error:
            return Answer(started, path, error=repr(error))
        finally:
            connection.close()


class Load:
    """Threads requesting ``paths`` in turn, one request after another, until ``stop()``."""

    def __init__(self, site: Site, paths: list[str], *, threads: int = 3) -> None:
        self.site, self.paths = site, paths
        self.answers: list[Answer] = []
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]

    def _run(self, offset: int) -> None:
        for path in itertools.islice(itertools.cycle(self.paths), offset, None):
            if self._stopping.is_set():
                return
            self.answers.append(self.site.get(path))
            time.sleep(0.02)  # a busy site, not a denial of service on two cores

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def count(self, *, since: float = 0.0, status: int | None = None) -> int:
        return sum(1 for a in list(self.answers) if a.started > since and (status is None or a.status == status))

    def stop(self) -> list[Answer]:
        self._stopping.set()
        for thread in self._threads:
            thread.join(REQUEST_TIMEOUT + 5)
        return list(self.answers)


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    cluster = PostgresCluster(PostgresCluster.find_binaries())
    env = child_environment(DATABASE_URL=cluster.url("plannerist"), DATABASE_CONN_MAX_AGE="60", DJANGO_DEBUG="0")
    gunicorn = Gunicorn(env=env)
    try:
        cluster.init()
        cluster.start()
        cluster.create_database("plannerist")
        _run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], env)
        seeded = json.loads(_run([sys.executable, "-m", "tests.faults.seed_site"], env))
        gunicorn.start()
        yield Site(cluster, gunicorn, seeded["org"], seeded["session"])
    finally:
        gunicorn.close()
        cluster.close()


def test_under_load_a_postgres_restart_gives_503_pages_then_every_request_succeeds(site):
    dashboard, kpi_page = f"/o/{site.org}/", f"/o/{site.org}/kpis/"
    load = Load(site, [dashboard, kpi_page])
    load.start()
    try:
        wait_for(lambda: load.count(status=200) >= 6, timeout=TIMEOUT,
                 what=f"the site to serve pages:\n{site.gunicorn.tail()}")  # fmt: skip
        site.cluster.stop(mode="fast")
        down = [site.get(dashboard), site.get(kpi_page, language="en")]
        site.cluster.start()
        back = time.monotonic()
        wait_for(lambda: load.count(since=back) >= 12, timeout=TIMEOUT,
                 what=f"answers after the restart:\n{site.gunicorn.tail()}")  # fmt: skip
    finally:
        answers = load.stop()

    everything = answers + down
    assert [a.error for a in everything if a.error] == []  # each request got an HTTP answer
    assert {a.status for a in everything} <= {200, 503}, {a.status for a in everything}
    unavailable = [a for a in everything if a.status == 503]
    assert all(a.retry_after == str(RETRY_AFTER_SECONDS) for a in unavailable)
    assert not [a.body for a in unavailable if "Traceback" in a.body or "OperationalError" in a.body]
    assert [a.status for a in down] == [503, 503]
    assert "Momentanément indisponible" in down[0].body and "Temporarily unavailable" in down[1].body
    after = [a.status for a in answers if a.started > back]
    assert after and set(after) == {200}, after
    assert site.gunicorn.log().count("Booting worker") == 2  # no worker died or was replaced


def _until_every_worker_answered(site: Site, path: str) -> list[Answer]:
    """Request ``path`` one at a time until each gunicorn worker has answered one."""
    since, answers = len(site.gunicorn.log()), []

    def every_worker_answered() -> bool:
        answers.append(site.get(path))
        return len({pid for pid, _status, _path in site.gunicorn.answered(since=since)}) == site.gunicorn.workers

    wait_for(every_worker_answered, timeout=TIMEOUT, what=f"each worker to answer:\n{site.gunicorn.tail()}")
    return answers


def test_after_a_quiet_restart_each_worker_reconnects_on_its_first_request(site):
    kpi_page = f"/o/{site.org}/kpis/"
    assert {a.status for a in _until_every_worker_answered(site, kpi_page)} == {200}  # each holds a connection

    site.cluster.restart(mode="fast")  # nobody asks meanwhile: no request fails to warn Django

    after = _until_every_worker_answered(site, kpi_page)
    assert [a.status for a in after] == [200] * len(after)
