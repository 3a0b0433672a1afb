"""Settings read the environment and fail loudly; production settings pass check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "PLANNERIST_PRODUCTION": "1",
    "DJANGO_SECRET_KEY": "k" * 20 + "a-test-only-secret-key-that-is-long-enough-1234567890",
    "DJANGO_ALLOWED_HOSTS": "plannerist.example.com",
}


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PLANNERIST_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "PLANNERIST_VAR_DIR": str(ROOT / "var"), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://root@localhost/db"),
        ("DATABASE_URL", "postgres://localhost:notaport/db"),
        ("CELERY_BROKER_URL", "amqp://guest@localhost//"),
        ("CELERY_TASK_TIME_LIMIT", "three minutes"),
        ("EMAIL_URL", "imap://mail.example.com"),
    ],
)
def test_a_malformed_environment_value_stops_start_up_naming_it(name, value):
    result = run("check", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_production_requires_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = run("check", **env)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy():
    result = run("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_embedded_default_needs_no_variable():
    from django.conf import settings

    if os.environ.get("DATABASE_URL"):
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
        assert settings.CELERY_TASK_ALWAYS_EAGER is False
    else:
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert settings.DEBUG is False


def test_production_cookies_are_secure_and_hsts_is_on():
    """What ``check --deploy`` above also vouches for, read from the production settings."""
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "'plannerist.csp.ContentSecurityPolicyMiddleware' in s.MIDDLEWARE)"
    )
    result = run("shell", "-c", script, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    last_line = result.stdout.strip().splitlines()[-1]  # after the shell's "objects imported" notice
    assert last_line.split() == ["True", "True", "True", "31536000", "True", "True", "True"]


@pytest.mark.parametrize("password", ["12345678", "password1", "camille@example.test", "court"])
def test_weak_passwords_are_refused_when_a_member_chooses_one(password, db):
    from django.contrib.auth.forms import SetPasswordForm

    from tests import factories

    user = factories.make_user("camille@example.test")
    form = SetPasswordForm(user, {"new_password1": password, "new_password2": password})
    assert not form.is_valid() and form.errors["new_password2"]


def test_a_long_uncommon_password_is_accepted(db):
    from django.contrib.auth.forms import SetPasswordForm

    from tests import factories

    user = factories.make_user()
    form = SetPasswordForm(user, {"new_password1": "lavande-et-cire-2026", "new_password2": "lavande-et-cire-2026"})
    assert form.is_valid(), form.errors


def _proxy_ssl_header(**env: str) -> str:
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    result = run("shell", "-c", code, **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_x_forwarded_proto_is_trusted_only_behind_a_declared_proxy():
    assert _proxy_ssl_header() == "None"  # a client reaching gunicorn directly does not choose it
    assert _proxy_ssl_header(PLANNERIST_TRUSTED_PROXIES="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"
