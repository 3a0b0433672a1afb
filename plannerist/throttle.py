"""Login throttling: too many failed logins for one username from one address pause it, and
too many from one address, whatever the usernames, pause that address.

``MAX_FAILURES`` failures of the same (username, client address) pair within ``WINDOW`` lock
that pair for ``LOCKOUT``: while locked, the password is not even checked, so a right one
is refused too. The username is the one typed, whether or not an account has it, and the
answer is the same either way: the lock tells nothing about which accounts exist. Another
username, or the same one from another address, is not affected by that lock.

Password spraying tries a few passwords on many usernames from one address: past
``MAX_ADDRESS_FAILURES`` failures from an address within ``WINDOW``, whatever the usernames,
every login from it is refused for ``LOCKOUT``. A success does not clear that count (the
sprayer could log into an account of their own to reset it). A shop's team behind one
address fails far fewer than that in 15 minutes.

The counts live in the database (:class:`~plannerist.models.LoginThrottle`), not in Django's
cache: none is configured, and the default one lives in each process, so the gunicorn
workers would each allow ``MAX_FAILURES``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from plannerist.models import LoginThrottle

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)


def client_ip(request: HttpRequest | None) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind ``PLANNERIST_TRUSTED_PROXIES`` proxies
    the address the outermost of them saw (``X-Forwarded-For`` entries further left are the
    client's to write, so they are never trusted)."""
    if request is None:
        return ""
    proxies = settings.PLANNERIST_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


# The address's count across usernames is the row of the empty username: an empty one is never
# checked (the form asks for it first), so no (username, address) pair has it.
ANY_USERNAME = ""


class Lock:
    """Which lock refuses a login: the (username, address) pair's or the whole address's."""

    USERNAME = "username"
    ADDRESS = "address"


def _key(username: str) -> str:
    return (username or "").strip().lower()[:254]


def login_lock(*, username: str, ip: str, now: dt.datetime) -> str | None:
    """The lock that refuses this login now (``Lock.ADDRESS`` first), or None."""
    locked = set(
        LoginThrottle.objects.filter(username__in={_key(username), ANY_USERNAME}, ip=ip, locked_until__gt=now)
        .values_list("username", flat=True)
    )
    if ANY_USERNAME in locked:
        return Lock.ADDRESS
    return Lock.USERNAME if locked else None


def _count_failure(*, username: str, ip: str, now: dt.datetime, limit: int) -> bool:
    """Count one failure of the row; True when it starts its lock."""
    throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(
        username=username, ip=ip, defaults={"window_start": now}
    )
    if throttle.window_start <= now - WINDOW:
        throttle.failures, throttle.window_start = 0, now
    throttle.failures += 1
    throttle.locked_until = None
    if throttle.failures >= limit:
        # The next window starts when the lock ends: one more failure then does not relock.
        throttle.failures, throttle.window_start, throttle.locked_until = 0, now + LOCKOUT, now + LOCKOUT
    throttle.save()
    return throttle.locked_until is not None


@transaction.atomic
def login_failure_record(*, username: str, ip: str, now: dt.datetime) -> str | None:
    """Count a failed login for its pair and its address; returns the lock it starts, if any."""
    # Rows are always locked pair first, then address: concurrent failures cannot deadlock.
    pair_locked = _count_failure(username=_key(username), ip=ip, now=now, limit=MAX_FAILURES)
    address_locked = _count_failure(username=ANY_USERNAME, ip=ip, now=now, limit=MAX_ADDRESS_FAILURES)
    # Rows that neither count in a window nor are locked any more: keep the table small.
    LoginThrottle.objects.filter(window_start__lte=now - WINDOW).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    ).delete()
    if address_locked:
        return Lock.ADDRESS
    return Lock.USERNAME if pair_locked else None


def login_success_record(*, username: str, ip: str) -> None:
    """A successful login forgets its pair's failures (not its address's)."""
    LoginThrottle.objects.filter(username=_key(username), ip=ip).delete()
