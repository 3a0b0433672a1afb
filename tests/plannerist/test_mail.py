"""E-mail: messages rendered in the reader's language, sent by a retrying task through a real
SMTP server (aiosmtpd, tests/mail.py); a failing server is retried and logged, never a 500."""

from __future__ import annotations

import logging
import smtplib

import pytest
from django.test import Client

from plannerist import mail
from plannerist.models import Invitation, Role
from plannerist.tasks import RETRY_POLICY, mail_error_is_transient
from tests.mail import attachments_of, html_of, links_in, text_of

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _invitation_context(org) -> dict:
    return {"organization": org, "role": "Viewer", "link": "https://plannerist.example/join/abc/", "days": 7,
            "inviter": "Camille <b>Martin</b>"}


def test_a_message_is_rendered_in_the_language_asked_text_unescaped_and_html_escaped(org):
    french = mail.render("mail/invitation", language="fr", context=_invitation_context(org))
    english = mail.render("mail/invitation", language="en", context=_invitation_context(org))
    assert english.subject == "You are invited to Lumière & Cire on Plannerist"
    assert french.subject == "Vous êtes invité·e à rejoindre Lumière & Cire sur Plannerist"
    assert "Lumière & Cire" in english.text and "Camille <b>Martin</b>" in english.text  # plain text: as typed
    assert "Lumière &amp; Cire" in english.html and "Camille &lt;b&gt;Martin&lt;/b&gt;" in english.html
    assert "<b>Martin</b>" not in english.html
    assert "The link is valid for 7 days." in english.text and "Le lien est valable 7 jours." in french.text
    assert "https://plannerist.example/join/abc/" in french.html


def test_a_message_reaches_the_smtp_server_with_its_text_html_and_attachment(org, smtp_server):
    outcome = mail.send("mail/invitation", to=["lea@example.test"], language="en", context=_invitation_context(org),
                        attachments=[("pack-2026-W49.pdf", PDF, "application/pdf")])
    assert outcome and outcome.to == ("lea@example.test",)
    message = smtp_server.only()
    assert message["Subject"] == outcome.subject == "You are invited to Lumière & Cire on Plannerist"
    assert message["To"] == "lea@example.test" and message["X-Envelope-To"] == "lea@example.test"
    assert "noreply@" in message["From"] and message["Auto-Submitted"] == "auto-generated"
    assert links_in(message) == ["https://plannerist.example/join/abc/"]
    assert "Lumière &amp; Cire" in html_of(message)
    assert attachments_of(message) == [("pack-2026-W49.pdf", PDF, "application/pdf")]  # bytes intact through JSON


def test_without_a_mail_server_nothing_is_queued_and_the_outcome_says_why(org, settings, smtp_server):
    settings.PLANNERIST_EMAIL_SENDING = False
    outcome = mail.send("mail/invitation", to=["lea@example.test"], language="fr", context=_invitation_context(org))
    assert not outcome and outcome.reason == "no mail server is configured" and not mail.sending_configured()
    assert smtp_server.messages == []


def test_a_busy_server_is_tried_again_and_each_failure_logged(org, smtp_server, caplog):
    smtp_server.refuse(2)
    with caplog.at_level(logging.WARNING, logger="plannerist.tasks"):
        outcome = mail.send("mail/invitation", to=["lea@example.test"], language="fr",
                            context=_invitation_context(org))
    assert outcome and smtp_server.refused == 2
    assert smtp_server.only()["To"] == "lea@example.test"  # the third try went through, once
    retries = [r for r in caplog.records if "trying again" in r.getMessage()]
    assert [r.levelname for r in retries] == ["WARNING", "WARNING"]
    assert "(try 1 of 6)" in retries[0].getMessage() and "451" in retries[0].getMessage()


def test_a_server_down_is_tried_every_time_then_given_up_and_logged_never_raised(org, smtp_server, caplog):
    smtp_server.stop()
    with caplog.at_level(logging.WARNING, logger="plannerist.tasks"):
        outcome = mail.send("mail/invitation", to=["lea@example.test"], language="fr",
                            context=_invitation_context(org))
    assert outcome  # handed to the task, which owns the failure from there
    tries = RETRY_POLICY["max_retries"] + 1
    assert sum("trying again" in r.getMessage() for r in caplog.records) == tries - 1
    [given_up] = [r for r in caplog.records if "given up" in r.getMessage()]
    assert given_up.levelname == "ERROR" and f"after {tries} tries" in given_up.getMessage()


@pytest.mark.parametrize(("error", "transient"), [
    (ConnectionRefusedError(), True),
    (TimeoutError(), True),
    (smtplib.SMTPServerDisconnected("lost"), True),
    (smtplib.SMTPDataError(451, b"busy"), True),
    (smtplib.SMTPDataError(554, b"spam"), False),
    (smtplib.SMTPRecipientsRefused({"a@example.test": (550, b"no such user")}), False),
    (smtplib.SMTPRecipientsRefused({"a@example.test": (452, b"mailbox full")}), True),
    (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
])
def test_only_failures_a_later_try_may_cure_are_retried(error, transient):
    assert mail_error_is_transient(error) is transient


def test_an_owner_s_invitation_is_mailed_in_the_organisation_s_language(org, owner, client_for, smtp_server):
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").post(
        f"/o/{org.slug}/members/", {"email": "Lea@Example.test", "role": Role.MARKETING}, follow=True)
    assert response.status_code == 200
    message = smtp_server.only()
    assert message["To"] == "lea@example.test" and "Lumière & Cire" in message["Subject"]
    assert "Vous êtes invité·e" in message["Subject"]  # the shop's language (fr), not the owner's page's
    assert "Marketing (CMO)" in text_of(message)
    assert "an e-mail with the link is on its way" in response.content.decode()
    [link] = links_in(message)
    assert Client().get(link).status_code == 200 and Invitation.objects.get().email == "lea@example.test"


def test_an_invitation_with_the_mail_server_down_still_answers_and_gives_the_link(org, owner, client_for,
                                                                                  smtp_server, caplog):
    smtp_server.stop()
    with caplog.at_level(logging.ERROR, logger="plannerist.tasks"):
        response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").post(
            f"/o/{org.slug}/members/", {"email": "lea@example.test", "role": Role.VIEWER}, follow=True)
    assert response.status_code == 200 and "/join/" in response.content.decode()
    assert any("given up" in r.getMessage() for r in caplog.records)
