"""A database that cannot be reached gives a 503 page that says to retry, in the request's
language, rendered without a query; other errors are left to the 500 page.
(``tests/faults/test_postgres_restart.py`` makes it happen with a real PostgreSQL restart.)"""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import IntegrityError, InterfaceError, OperationalError, ProgrammingError
from django.http import HttpResponse

from cockpit import selectors
from plannerist.middleware import RETRY_AFTER_SECONDS, DatabaseUnavailableMiddleware

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.parametrize("error", [
    OperationalError("terminating connection due to administrator command"),
    InterfaceError("connection already closed"),
])  # fmt: skip
def test_a_lost_database_gives_a_503_page_saying_to_retry(org, owner, client_for, error):
    client = client_for(owner)
    with mock.patch.object(selectors, "dashboard_context", side_effect=error):
        french = client.get(f"/o/{org.slug}/")
        english = client.get(f"/o/{org.slug}/", **EN)

    for response in (french, english):
        assert response.status_code == 503
        assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "Momentanément indisponible" in french.content.decode() and 'lang="fr"' in french.content.decode()
    assert "Temporarily unavailable" in english.content.decode() and 'lang="en"' in english.content.decode()
    assert str(error) not in french.content.decode()  # no detail of the failure on the page


def test_the_503_page_is_rendered_without_a_query(rf, db, django_assert_num_queries):
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    with django_assert_num_queries(0):
        response = middleware.process_exception(rf.get("/"), OperationalError("the server is starting up"))
    assert response.status_code == 503


@pytest.mark.parametrize("error", [ProgrammingError("no such column"), IntegrityError("duplicate key"), ValueError()])
def test_other_errors_are_left_to_the_500_page(rf, error):
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(rf.get("/"), error) is None


def test_a_database_lost_outside_the_view_also_gives_the_503_page(org, owner, client_for):
    # The session saved on the way out, after the view: the middleware does not see it,
    # the project's handler500 does.
    client = client_for(owner, **EN)
    client.raise_request_exception = False
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(SessionMiddleware, "process_response", side_effect=lost):
        response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "Temporarily unavailable" in response.content.decode()


def test_any_other_error_outside_the_view_is_still_the_500_page(org, owner, client_for):
    client = client_for(owner, **EN)
    client.raise_request_exception = False
    with mock.patch.object(SessionMiddleware, "process_response", side_effect=ProgrammingError("no such table")):
        response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 500 and "Retry-After" not in response
    assert "Temporarily unavailable" not in response.content.decode()
