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


_EMAIL_SCHEMES = {  # scheme → (backend, default port, implicit TLS)
    "smtp": ("django.core.mail.backends.smtp.EmailBackend", 25, False),
    "smtps": ("django.core.mail.backends.smtp.EmailBackend", 465, True),
    "console": ("django.core.mail.backends.console.EmailBackend", None, False),
}


def email(url_name: str = "EMAIL_URL") -> dict | None:
    """Django's e-mail settings (``EMAIL_BACKEND``, ``EMAIL_HOST``…) from one URL, or from the
    separate ``EMAIL_HOST``/``EMAIL_PORT``/``EMAIL_HOST_USER``/``EMAIL_HOST_PASSWORD``/
    ``EMAIL_USE_TLS``/``EMAIL_USE_SSL`` variables when it is not set; None when neither is.

    ``smtp://user:password@host:587/?tls=1`` (STARTTLS), ``smtps://user:password@host`` (TLS
    from the first byte, port 465) or ``console://`` (the mail is printed, as under
    ``make demo``). The user and password are percent-decoded (``@`` is ``%40``)."""
    value = os.environ.get(url_name, "").strip()
    if not value:
        host = string("EMAIL_HOST")
        if host is None:
            return None
        use_ssl = boolean("EMAIL_USE_SSL", False)
        return _smtp(host, integer("EMAIL_PORT", 465 if use_ssl else 587), string("EMAIL_HOST_USER", ""),
                     string("EMAIL_HOST_PASSWORD", ""), tls=boolean("EMAIL_USE_TLS", not use_ssl), ssl=use_ssl)
    url = urlsplit(value)
    if url.scheme not in _EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"{url_name} must start with smtp://, smtps:// or console://; got the scheme {url.scheme!r}."
        )
    backend, default_port, implicit_tls = _EMAIL_SCHEMES[url.scheme]
    if default_port is None:
        return {"EMAIL_BACKEND": backend}
    if not url.hostname:
        raise ImproperlyConfigured(f"{url_name} must name the mail server (smtp://user:password@host:587).")
    try:
        port = url.port or default_port
    except ValueError:
        raise ImproperlyConfigured(f"{url_name} has a port that is not a number.") from None
    options = dict(parse_qsl(url.query))
    unknown = set(options) - {"tls", "ssl", "timeout"}
    if unknown:
        raise ImproperlyConfigured(f"{url_name} has unknown options {sorted(unknown)}: use tls=1, ssl=1 or timeout=N.")
    flags = {}
    for key in ("tls", "ssl"):
        flag = options.get(key, "").strip().lower()
        if flag not in _TRUE | _FALSE:
            raise ImproperlyConfigured(f"{url_name}'s {key}= must be 1 or 0; got {options[key]!r}.")
        flags[key] = flag in _TRUE
    if flags["tls"] and (flags["ssl"] or implicit_tls):
        raise ImproperlyConfigured(f"{url_name} asks for both STARTTLS (tls=1) and TLS from the start (smtps, ssl=1).")
    settings = _smtp(url.hostname, port, unquote(url.username or ""), unquote(url.password or ""),
                     tls=flags["tls"], ssl=flags["ssl"] or implicit_tls)
    if "timeout" in options:
        try:
            settings["EMAIL_TIMEOUT"] = int(options["timeout"])
        except ValueError:
            raise ImproperlyConfigured(f"{url_name}'s timeout= must be a whole number of seconds.") from None
    return settings


def _smtp(host: str, port: int, user: str, password: str, *, tls: bool, ssl: bool) -> dict:
    if tls and ssl:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on: choose one.")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": host, "EMAIL_PORT": port,
        "EMAIL_HOST_USER": user, "EMAIL_HOST_PASSWORD": password, "EMAIL_USE_TLS": tls, "EMAIL_USE_SSL": ssl,
        # A mail server that does not answer must not hold a worker for long: the task retries later.
        "EMAIL_TIMEOUT": integer("EMAIL_TIMEOUT", 20),
    }
