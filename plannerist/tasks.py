"""The retry policy every Celery task shares, so that it is written once, and the task that
sends e-mail (``plannerist.mail``).

A task is acknowledged after it ran (``acks_late``): a worker killed mid-task leaves it to
another. Lost connections, lock timeouts and serialisation failures are worth another try
later (:data:`TRANSIENT_ERRORS`), up to five times with a growing pause. Soft and hard time
limits and JSON serialisation come from ``plannerist/settings.py``.
"""

from __future__ import annotations

import base64
import logging
import smtplib
from typing import Any

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)
RETRY_POLICY: dict[str, Any] = {
    "acks_late": True, "autoretry_for": TRANSIENT_ERRORS, "retry_backoff": True, "max_retries": 5,
}


def retrying_task(**options: Any):
    """``@shared_task`` with :data:`RETRY_POLICY`; ``options`` add to it or override it."""
    return shared_task(**{**RETRY_POLICY, **options})


def mail_error_is_transient(error: Exception) -> bool:
    """A refused or lost connection, a timeout, or a 4xx answer: the server may take it later.
    A 5xx answer (unknown recipient, message refused) would be refused again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPException, OSError))


def mail_message(payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The Django message of a ``plannerist.mail.payload``."""
    message = EmailMultiAlternatives(
        subject=payload["subject"], body=payload["text"], from_email=payload["from"], to=payload["to"],
        reply_to=payload.get("reply_to") or None, headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(payload["html"], "text/html")
    for name, content, mimetype in payload.get("attachments", []):
        message.attach(name, base64.b64decode(content), mimetype)
    return message


@retrying_task(bind=True)
def send_mail(self, payload: dict[str, Any]) -> None:
    """Send one rendered message; a transient failure is logged and tried again later (the
    shared backoff), a permanent one or the last try is logged as an error and dropped.

    With no broker (tasks run in the request) there is no later: the tries follow at once."""
    message, to = mail_message(payload), ", ".join(payload["to"])
    attempt = self.request.retries
    while True:
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            tries = attempt + 1
            if not mail_error_is_transient(error) or attempt >= self.max_retries:
                logger.error("Mail %r to %s not sent after %d tries, given up: %s",
                             payload["subject"], to, tries, error)
                return
            countdown = get_exponential_backoff_interval(factor=1, retries=attempt, maximum=600)
            logger.warning("Mail %r to %s not sent (try %d of %d), trying again%s: %s", payload["subject"], to,
                           tries, self.max_retries + 1, "" if self.request.is_eager else f" in {countdown} s", error)
            if not self.request.is_eager:
                raise self.retry(exc=error, countdown=countdown) from error
            attempt += 1
        else:
            logger.info("Mail %r sent to %s (try %d)", payload["subject"], to, attempt + 1)
            return
