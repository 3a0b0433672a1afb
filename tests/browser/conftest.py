"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

The demo businesses (``cockpit.demo.seed()``, about 25 s) are seeded ONCE for this folder,
then copied aside with SQLite's backup API; each test gets its own pristine copy (restored in
a few milliseconds) in the transactional test database, which pytest-django empties again
after the test, so the rest of the suite never sees the demo rows. On another database
(PostgreSQL) each test seeds afresh: correct, only slower (``make test`` runs these tests in
the embedded, SQLite pass only).

Without /usr/bin/chromium the tests skip saying so; under CI (``CI`` set) they fail instead.
"""

from __future__ import annotations

import os
import sqlite3
import time

import pytest

from tests.browser import helpers

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
BROWSER_DIR = os.path.dirname(__file__)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # Every test in this folder is a browser test, even one whose module forgot the mark:
    # the PostgreSQL pass of `make test` leaves them out with `-m "not browser"`.
    for item in items:
        if str(item.path).startswith(BROWSER_DIR + os.sep):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package", autouse=True)
def _sync_playwright_next_to_django():
    """Playwright's sync API keeps an asyncio loop running in the test's thread, and Django
    refuses database calls from a thread with a running loop: the database work the tests
    do (restoring the demo data, pytest-django's flush after each test) would raise
    SynchronousOnlyOperation. Nothing here is async; allowed for this folder only."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser():
    if not helpers.CHROMIUM.exists():
        message = (f"{helpers.CHROMIUM} is missing: install Debian's Chromium "
                   "(`apt-get install -y chromium`, or `make browser-deps` as root)")
        if IN_CI:
            pytest.fail(f"{message}; the browser tests are required under CI", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(helpers.CHROMIUM), args=helpers.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="package")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The seeded test database, copied into a private in-memory SQLite database (or None
    when the test database is not an in-memory SQLite one)."""
    from django.core.management import call_command
    from django.db import connection

    from cockpit import demo

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield None
        return
    with django_db_blocker.unblock():
        started = time.perf_counter()
        demo.seed()
        connection.ensure_connection()
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(snapshot)
        call_command("flush", interactive=False, verbosity=0)  # the next tests start empty, as always
        print(f"\nbrowser tests: demo data seeded once in {time.perf_counter() - started:.1f} s")
    yield snapshot
    snapshot.close()


@pytest.fixture
def demo_data(demo_snapshot, transactional_db, live_server):
    """The demo businesses in the test database, fresh for this test."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from cockpit import demo

    if demo_snapshot is None:
        demo.seed()
    else:
        connection.ensure_connection()
        demo_snapshot.backup(connection.connection)
        ContentType.objects.clear_cache()  # ids from the snapshot, not from the last flush


@pytest.fixture
def context(browser, demo_data, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page on the live server; the test fails on an uncaught JavaScript error, a script or
    handler refused by the Content Security Policy, or a 5xx."""
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("console", lambda message: message.type == "error" and "Content Security Policy" in message.text
            and problems.append(f"{message.text} (on {page.url})"))
    page.on("response", lambda response: response.status >= 500 and problems.append(
        f"{response.status} on {response.request.method} {response.url}"))
    # What the page asked the server (static files aside): printed, so shown when a test fails.
    started = time.perf_counter()
    exchanges: list[str] = []

    def note(request, outcome: str) -> None:
        if "/static/" not in request.url:
            data = (request.post_data or "")[:300] if request.method == "POST" else ""
            exchanges.append(f"{time.perf_counter() - started:7.2f}s {request.method} {request.url} -> {outcome} {data}")

    page.on("requestfinished", lambda request: note(request, str(request.response().status if request.response() else "?")))
    page.on("requestfailed", lambda request: note(request, f"failed ({request.failure})"))
    yield page
    page.goto("about:blank")  # stop any polling before the database is emptied
    print("\n".join(["requests of the test:", *exchanges]))
    assert not problems, "\n".join(problems)
