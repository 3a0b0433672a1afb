"""Login throttling: too many failed logins for one username from one address pause it.

``MAX_FAILURES`` failures of the same (username, client address) pair within ``WINDOW`` lock
that pair for ``LOCKOUT``: while locked, the password is not even checked, so a right one
is refused too. The username is the one typed, whether or not an account has it, and the
answer is the same either way: the lock tells nothing about which accounts exist. Another
username, or the same one from another address, is not affected.

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


def _key(username: str) -> str:
    return (username or "").strip().lower()[:254]


def login_locked_until(*, username: str, ip: str, now: dt.datetime) -> dt.datetime | None:
    """When the lock on this pair ends, or None when it may try to log in."""
    return (
        LoginThrottle.objects.filter(username=_key(username), ip=ip, locked_until__gt=now)
        .values_list("locked_until", flat=True)
        .first()
    )


@transaction.atomic
def login_failure_record(*, username: str, ip: str, now: dt.datetime) -> dt.datetime | None:
    """Count a failed login; returns the end of the lock when this failure starts one."""
    throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(
        username=_key(username), ip=ip, defaults={"window_start": now}
    )
    if throttle.window_start <= now - WINDOW:
        throttle.failures, throttle.window_start = 0, now
    throttle.failures += 1
    throttle.locked_until = None
    if throttle.failures >= MAX_FAILURES:
        # The next window starts when the lock ends: one more failure then does not relock.
        throttle.failures, throttle.window_start, throttle.locked_until = 0, now + LOCKOUT, now + LOCKOUT
    throttle.save()
    # Pairs that neither count in a window nor are locked any more: keep the table small.
    LoginThrottle.objects.filter(window_start__lte=now - WINDOW).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    ).delete()
    return throttle.locked_until


def login_success_record(*, username: str, ip: str) -> None:
    """A successful login forgets the pair's failures."""
    LoginThrottle.objects.filter(username=_key(username), ip=ip).delete()
