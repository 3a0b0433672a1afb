"""Sending e-mail: a message rendered from templates in the reader's language, sent by a Celery
task that retries, so that a mail server down or slow never fails nor slows a web request.

One call sends one message::

    from plannerist import mail

    outcome = mail.send(
        "mail/weekly_pack", to=[member.email], language=organization.language,
        context={"organization": organization, "week": week},
        attachments=[("plannerist-2026-W49.pdf", pdf_bytes, "application/pdf")],
    )
    if outcome:                 # queued (or, with no broker, already handed to the server)
        record(outcome.to, outcome.subject)
    else:
        show(outcome.reason)    # e.g. no mail server configured: say how to get the file instead

``"mail/weekly_pack"`` names three templates: ``mail/weekly_pack_subject.txt`` (one line),
``mail/weekly_pack.txt`` (the text part) and ``mail/weekly_pack.html`` (the HTML part, which
may extend ``mail/base.html``). They are rendered here, in the request, with ``language``
active (``fr`` or ``en``: translations, dates and money in that language); the task only sends
what was rendered, attachments travelling base64 in its JSON arguments. Context values are
used while rendering only, so any object may be passed.

The task (:func:`plannerist.tasks.send_mail`) follows the shared retry policy: a refused
connection, a timeout or a temporary (4xx) answer is logged and tried again later with a
growing pause, up to ``RETRY_POLICY["max_retries"]`` times; a permanent (5xx) refusal and the
last failure are logged as errors. No exception reaches the caller. Without a mail server
(:func:`sending_configured` is False) nothing is queued and the outcome says so: the page must
then tell the user how to get what the mail would have carried, never that a mail was sent.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from plannerist.publish import publish
from plannerist.tasks import send_mail

logger = logging.getLogger(__name__)

Attachment = tuple[str, bytes, str]  # (file name, content, MIME type)


@dataclass(frozen=True)
class Outcome:
    """What :func:`send` did: true when the message was queued (or sent, with no broker)."""

    queued: bool
    to: tuple[str, ...]
    subject: str
    reason: str = ""

    def __bool__(self) -> bool:
        return self.queued


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def sending_configured() -> bool:
    """Whether mail can leave: ``EMAIL_URL`` or ``EMAIL_HOST`` is set (the console counts)."""
    return bool(settings.PLANNERIST_EMAIL_SENDING)


def render(template: str, *, language: str, context: Mapping[str, Any]) -> Rendered:
    """The subject (one line), text and HTML of ``template`` in ``language``."""
    context = {"site_name": "Plannerist", **context}
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return Rendered(subject=" ".join(subject.split()), text=text.strip() + "\n", html=html)


def payload(rendered: Rendered, *, to: Sequence[str], attachments: Sequence[Attachment] = (),
            reply_to: Sequence[str] = ()) -> dict[str, Any]:
    """The task's JSON argument: the rendered message, attachments base64-encoded."""
    return {
        "subject": rendered.subject, "text": rendered.text, "html": rendered.html,
        "to": list(to), "reply_to": list(reply_to), "from": settings.DEFAULT_FROM_EMAIL,
        "attachments": [[name, base64.b64encode(content).decode("ascii"), mimetype]
                        for name, content, mimetype in attachments],
    }


def send(template: str, *, to: Sequence[str], language: str, context: Mapping[str, Any] | None = None,
         attachments: Sequence[Attachment] = (), reply_to: Sequence[str] = ()) -> Outcome:
    """Render ``template`` in ``language`` for ``to`` and queue its sending (see the module's
    docstring). Never raises for the mail server or the broker. The :class:`Outcome` is true
    once the sending task has the message (delivery failures are then the task's to retry and
    log), false with its reason when nothing was queued (no mail server configured, broker
    unreachable)."""
    recipients = tuple(to)
    rendered = render(template, language=language, context=context or {})
    if not sending_configured():
        return Outcome(False, recipients, rendered.subject, "no mail server is configured")
    try:
        reason = publish(send_mail, payload(rendered, to=recipients, attachments=attachments, reply_to=reply_to))
    except Exception as error:  # with no broker the task ran here: whatever it raised, never a 500
        logger.error("Mail %r to %s not sent: %s", rendered.subject, ", ".join(recipients), error)
        return Outcome(False, recipients, rendered.subject, str(error))
    if reason is not None:
        logger.error("Mail %r to %s not queued: %s", rendered.subject, ", ".join(recipients), reason)
        return Outcome(False, recipients, rendered.subject, reason)
    return Outcome(True, recipients, rendered.subject)
