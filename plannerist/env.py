"""Read settings from the environment, failing loudly on a malformed value.

Every variable is optional unless the caller says otherwise; a value that is present but
cannot be read stops start-up with a message naming the variable, never a silent default.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def string(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"{name} must be set in the environment.")
        return default
    return value


def boolean(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def integer(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None


def string_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database(name: str) -> dict | None:
    """A Django DATABASES entry from a ``postgres://user:password@host:port/db`` URL."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    url = urlsplit(value)
    if url.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name} must be a PostgreSQL URL (postgres://user:password@host:port/name); "
            f"got the scheme {url.scheme!r}."
        )
    db_name = unquote(url.path.lstrip("/"))
    if not db_name:
        raise ImproperlyConfigured(f"{name} must name a database after the host (…/name).")
    try:
        port = url.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a port that is not a number.") from None
    options = dict(parse_qsl(url.query))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": db_name,
        "USER": unquote(url.username or ""),
        "PASSWORD": unquote(url.password or ""),
        "HOST": url.hostname or "",
        "PORT": str(port or ""),
        "CONN_MAX_AGE": integer("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
        "TEST": {"NAME": f"test_{db_name}"},
    }


def redis_url(*names: str) -> str | None:
    """The first of ``names`` that is set, checked to be a redis:// URL."""
    for name in names:
        value = os.environ.get(name)
        if value:
            if urlsplit(value).scheme not in {"redis", "rediss"}:
                raise ImproperlyConfigured(f"{name} must be a redis:// URL; got {value!r}.")
            return value
    return None
