"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), and helpers to read what it got.

The ``smtp_server`` fixture (tests/conftest.py) starts one per test, points Django's SMTP
backend at it, runs Celery tasks in-process (so that a mail is sent before the request ends),
and yields the :class:`SmtpServer`: ``smtp_server.messages`` are the messages received, as
:class:`email.message.EmailMessage`. ``smtp_server.refuse(n)`` makes it answer the next ``n``
messages with a temporary failure (451), as a busy server would; ``smtp_server.stop()`` takes it
down (connections then are refused)::

    def test_the_invitation_is_mailed(smtp_server, ...):
        ...
        message = smtp_server.only()
        assert "Lumière" in text_of(message) and links_in(message)
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.processes import free_port, wait_for

LINK = re.compile(r"https?://[^\s\"'<>]+")


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        if self.server.refusals > 0:
            self.server.refusals -= 1
            self.server.refused += 1
            return "451 4.3.0 Busy: try again later"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.server.messages.append(message)
        return "250 OK"


class SmtpServer:
    """aiosmtpd on a free port of 127.0.0.1; ``messages`` holds what it accepted."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.refusals = 0
        self.refused = 0
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused from now on (safe to call twice)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def refuse(self, times: int) -> None:
        """Answer the next ``times`` messages with 451 (a temporary failure)."""
        self.refusals = times

    def only(self) -> EmailMessage:
        """The one message received (fails when there is not exactly one)."""
        assert len(self.messages) == 1, [m["Subject"] for m in self.messages]
        return self.messages[0]

    def wait_for_message(self, count: int = 1, timeout: float = 10) -> EmailMessage:
        """The ``count``-th message, once it arrived (a worker or a live server sends it)."""
        wait_for(lambda: len(self.messages) >= count, timeout=timeout, what=f"{count} mail(s) on the SMTP server")
        return self.messages[count - 1]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(message: EmailMessage) -> list[str]:
    """The links of the text part, in order."""
    return LINK.findall(text_of(message))


def attachments_of(message: EmailMessage) -> list[tuple[str, bytes, str]]:
    return [(part.get_filename(), part.get_content(), part.get_content_type()) for part in message.iter_attachments()]


@contextmanager
def running_smtp_server(settings) -> Iterator[SmtpServer]:
    """Start the server and send Django's mail to it (``settings``: pytest-django's fixture)."""
    from celery import current_app

    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.PLANNERIST_EMAIL_SENDING = True
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True  # the mail is sent before the request answers
    try:
        yield server
    finally:
        current_app.conf.task_always_eager = eager
        server.stop()
