"""E-mail settings read from EMAIL_URL or EMAIL_HOST & co (plannerist.env.email), failing loudly."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from plannerist import env

SMTP = "django.core.mail.backends.smtp.EmailBackend"
NAMES = ("EMAIL_URL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
         "EMAIL_USE_SSL", "EMAIL_TIMEOUT")


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_nothing_set_means_no_mail():
    assert env.email() is None


def test_a_starttls_url_with_an_encoded_password(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp://postmaster%40shop.fr:p%40ss%3Aword@smtp.example.com:587/?tls=1")
    assert env.email() == {
        "EMAIL_BACKEND": SMTP, "EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "postmaster@shop.fr", "EMAIL_HOST_PASSWORD": "p@ss:word",
        "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 20,
    }


def test_smtps_is_tls_from_the_first_byte_on_465(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtps://u:p@mail.example.com?timeout=5")
    settings = env.email()
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_SSL"], settings["EMAIL_USE_TLS"]) == (465, True, False)
    assert settings["EMAIL_TIMEOUT"] == 5


def test_console_prints_the_mail(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "console://")
    assert env.email() == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_the_separate_variables_when_no_url(monkeypatch):
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.com")
    monkeypatch.setenv("EMAIL_HOST_USER", "shop")
    settings = env.email()
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"], settings["EMAIL_USE_TLS"]) == ("smtp.example.com", 587, True)
    monkeypatch.setenv("EMAIL_USE_SSL", "1")
    monkeypatch.setenv("EMAIL_USE_TLS", "0")
    assert (env.email()["EMAIL_PORT"], env.email()["EMAIL_USE_SSL"]) == (465, True)


@pytest.mark.parametrize(("name", "value", "words"), [
    ("EMAIL_URL", "imap://mail.example.com", "smtp://"),
    ("EMAIL_URL", "smtp://", "name the mail server"),
    ("EMAIL_URL", "smtp://mail.example.com:twentyfive", "port"),
    ("EMAIL_URL", "smtp://mail.example.com?tls=maybe", "tls="),
    ("EMAIL_URL", "smtp://mail.example.com?starttls=1", "unknown options"),
    ("EMAIL_URL", "smtps://mail.example.com?tls=1", "both"),
    ("EMAIL_PORT", "five-eight-seven", "whole number"),
])
def test_a_malformed_value_names_its_variable(monkeypatch, name, value, words):
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.com")
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured) as raised:
        env.email()
    assert name in str(raised.value) and words in str(raised.value)
