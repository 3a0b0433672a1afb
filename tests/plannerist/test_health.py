"""The health probes: public, cheap (no query / one query), never cached, and let through by
the production SSL redirect when the request is https (directly or behind a proxy)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError


def test_healthz_answers_ok_without_a_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200 and response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_database_nor_session(client):
    # No ``db`` fixture: pytest-django refuses any database access, so no middleware may
    # read the session or the user for this request.
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert not response.cookies and "Cookie" not in response.get("Vary", "")


def test_healthz_db_runs_exactly_one_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        response = client.get("/healthz/db/")
    assert response.status_code == 200 and response.content == b"ok"
    assert captured.captured_queries[0]["sql"] == "SELECT 1"


def test_healthz_db_answers_503_when_the_database_fails(client, db):
    with mock.patch("plannerist.health.connection.cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz/db/")
    assert response.status_code == 503 and response.content == b"database unavailable"


@pytest.mark.parametrize("url", ["/healthz/", "/healthz/db/"])
def test_the_probes_refuse_a_post(client, db, url):
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("url", ["/healthz/", "/healthz/db/"])
def test_the_probes_are_public(client, db, url):
    assert client.get(url).status_code == 200


def test_under_the_ssl_redirect_https_and_a_proxy_s_https_get_through(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/healthz/", secure=True).status_code == 200
    assert client.get("/healthz/db/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert client.get("/healthz/").status_code == 301  # plain http is sent to https like any page
