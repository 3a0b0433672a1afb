from __future__ import annotations

import pytest
from django.test import Client

from plannerist import publish
from plannerist.models import Role
from tests import factories


@pytest.fixture
def org(db):
    return factories.make_org(slug="lumiere", name="Lumière & Cire")


@pytest.fixture
def other_org(db):
    return factories.make_org(slug="concurrent", name="Concurrent SARL")


@pytest.fixture
def make_user_in(db):
    return factories.make_user_in


@pytest.fixture
def owner(org):
    return factories.make_user_in(org, Role.OWNER)


@pytest.fixture
def viewer(org):
    return factories.make_user_in(org, Role.VIEWER)


@pytest.fixture
def client_for():
    def login(user, **client_kwargs) -> Client:
        client = Client(**client_kwargs)
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _rate_limits_forgotten():
    """allauth counts sign-ups, resets and confirmation mails per address in the cache: one
    test's count does not limit the next test (they all come from 127.0.0.1)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _broker_tried_again():
    """A broker failure one test provokes does not pause the next test's publishes."""
    yield
    publish.resume()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 receiving the mail this test sends (``tests/mail.py``):
    ``smtp_server.messages`` are the messages received; ``refuse(n)``, ``stop()`` make it fail."""
    from tests.mail import running_smtp_server

    with running_smtp_server(settings) as server:
        yield server
