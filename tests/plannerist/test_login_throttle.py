"""Login throttling: five failures of one e-mail from one address pause it for 15 minutes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db.models import F
from django.test import Client, RequestFactory, override_settings

from plannerist import throttle
from plannerist.models import LoginThrottle
from tests import factories

LOGIN = "/accounts/login/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LOCKED = "Too many failed attempts"
WRONG = "password you specified are not correct"  # allauth's message


def attempt(client: Client, email: str, password: str, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **EN, **extra)


def fail(client: Client, email: str, times: int, **extra):
    return [attempt(client, email, "not-the-password", **extra) for _ in range(times)]


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def age_the_throttles(by: dt.timedelta) -> None:
    """As if ``by`` had passed since the failures."""
    LoginThrottle.objects.update(window_start=F("window_start") - by, locked_until=F("locked_until") - by)


@pytest.fixture
def user(db):
    return factories.make_user("camille@example.test")


def test_five_failures_lock_and_the_right_password_is_then_refused_with_the_message(user):
    client = Client()
    responses = fail(client, user.email, 5)
    assert all(WRONG in r.content.decode() for r in responses[:4])
    assert LOCKED in responses[4].content.decode() and responses[4].status_code == 429

    sixth = attempt(client, user.email, factories.PASSWORD)
    assert sixth.status_code == 429
    assert LOCKED in sixth.content.decode() and "15 minutes" in sixth.content.decode()
    assert not logged_in(client)


def test_after_the_lockout_the_right_password_works(user):
    client = Client()
    fail(client, user.email, 5)
    age_the_throttles(throttle.LOCKOUT - dt.timedelta(seconds=30))
    assert attempt(client, user.email, factories.PASSWORD).status_code == 429

    age_the_throttles(dt.timedelta(minutes=1))
    response = attempt(client, user.email, factories.PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    assert not LoginThrottle.objects.exclude(username=throttle.ANY_USERNAME).exists()  # the address's stays


def test_failures_older_than_the_window_do_not_count(user):
    client = Client()
    fail(client, user.email, 4)
    age_the_throttles(throttle.WINDOW + dt.timedelta(seconds=1))
    fail(client, user.email, 4)
    assert attempt(client, user.email, factories.PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(user):
    client = Client()
    fail(client, user.email, 4)
    assert attempt(client, user.email, factories.PASSWORD).status_code == 302
    client.logout()
    fail(client, user.email, 4)
    assert attempt(client, user.email, factories.PASSWORD).status_code == 302


def test_an_empty_password_neither_counts_nor_resets(user):
    client = Client()
    fail(client, user.email, 4)
    attempt(client, user.email, "")
    response = fail(client, user.email, 1)[0]
    assert LOCKED in response.content.decode()


def test_other_users_and_other_addresses_are_not_affected(user, db):
    other = factories.make_user("lea@example.test")
    fail(Client(), user.email, 5)

    neighbour = Client()
    assert attempt(neighbour, other.email, factories.PASSWORD).status_code == 302
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert attempt(elsewhere, user.email, factories.PASSWORD).status_code == 302


def test_the_lock_says_nothing_about_whether_the_account_exists(user):
    known = fail(Client(), user.email, 6)[-1]
    unknown = fail(Client(), "nobody@example.test", 6)[-1]
    assert known.status_code == unknown.status_code == 429
    assert alert(known) == alert(unknown) and LOCKED in alert(known)


def alert(response) -> str:
    return re.search(r'<div class="error" role="alert">(.*?)</div>', response.content.decode(), re.S)[1]


def test_the_username_is_counted_whatever_its_case_and_spaces(user):
    client = Client()
    for typed in ["CAMILLE@example.test", " camille@example.test", "Camille@Example.test", user.email,
                  "camille@EXAMPLE.TEST"]:
        attempt(client, typed, "wrong")
    assert attempt(client, user.email, factories.PASSWORD).status_code == 429


def test_the_admin_login_is_throttled_too(db):
    admin = factories.make_user("admin@example.test")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": admin.email, "password": "wrong"}, **EN)
    response = client.post("/admin/login/", {"username": admin.email, "password": factories.PASSWORD}, **EN)
    assert LOCKED in response.content.decode() and not logged_in(client)


def test_expired_throttles_are_cleared_as_new_failures_come(user):
    fail(Client(), "someone@example.test", 2)
    age_the_throttles(throttle.WINDOW + dt.timedelta(minutes=1))
    fail(Client(), user.email, 1)
    rows = LoginThrottle.objects.exclude(username=throttle.ANY_USERNAME)
    assert list(rows.values_list("username", flat=True)) == [user.email]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.2"),  # no proxy trusted: the header is the client's to forge
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the left entry was written by the client
        (2, "198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (2, "10.0.0.9", "10.0.0.2"),  # fewer entries than proxies: the header is not trusted
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(PLANNERIST_TRUSTED_PROXIES=proxies):
        assert throttle.client_ip(request) == expected


SPRAYED = "Too many failed attempts from your network"


def test_one_address_trying_many_e_mails_is_paused_whatever_the_e_mails(user):
    sprayer = Client(REMOTE_ADDR="198.51.100.20")
    responses = [attempt(sprayer, f"someone{n}@example.test", "Summer2026!") for n in range(throttle.MAX_ADDRESS_FAILURES)]
    assert all(WRONG in r.content.decode() for r in responses[:-1])
    assert responses[-1].status_code == 429 and SPRAYED in alert(responses[-1])

    right = attempt(sprayer, user.email, factories.PASSWORD)  # even a right password, from there
    assert right.status_code == 429 and SPRAYED in alert(right) and not logged_in(sprayer)
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert attempt(elsewhere, user.email, factories.PASSWORD).status_code == 302

    age_the_throttles(throttle.LOCKOUT + dt.timedelta(seconds=1))
    assert attempt(sprayer, user.email, factories.PASSWORD).status_code == 302


def test_a_successful_login_does_not_clear_the_address_s_count(user):
    sprayer = Client(REMOTE_ADDR="198.51.100.21")
    for n in range(throttle.MAX_ADDRESS_FAILURES - 1):
        attempt(sprayer, f"someone{n}@example.test", "wrong")
        if n == 10:
            assert attempt(sprayer, user.email, factories.PASSWORD).status_code == 302
            sprayer.logout()
    last = attempt(sprayer, "one-more@example.test", "wrong")
    assert last.status_code == 429 and SPRAYED in alert(last)
