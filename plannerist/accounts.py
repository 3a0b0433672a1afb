"""Accounts with django-allauth: how its sign-up, verification and reset fit the product.

* Its mail goes through :mod:`plannerist.mail`: rendered in the reader's language from our
  templates (``templates/mail/account/``), sent by the Celery task that retries; a mail server
  down never fails the request.
* Sign-up is open only when mail can leave (:func:`plannerist.mail.sending_configured`; the
  console under ``make demo`` counts): the verification could not reach anyone otherwise.
* The username is the e-mail, as for every account (``plannerist.models.User``).
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from plannerist import mail
from plannerist.models import Invitation

logger = logging.getLogger(__name__)

# allauth's mail (its template prefix) → ours; allauth sends no other with our settings
# (no notifications, no mail to unknown accounts, no login by code).
MAIL_TEMPLATES = {
    "account/email/email_confirmation_signup": "mail/account/email_confirmation_signup",
    "account/email/email_confirmation": "mail/account/email_confirmation",
    "account/email/password_reset_key": "mail/account/password_reset_key",
    "account/email/account_already_exists": "mail/account/account_already_exists",
}

# Messages that would say a mail left: never shown when none can.
MAIL_SENT_MESSAGES = {"account/messages/email_confirmation_sent.txt"}


def mail_language() -> str:
    """The language the reader has the page in (``fr`` or ``en``)."""
    return "en" if (translation.get_language() or "fr").startswith("en") else "fr"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return mail.sending_configured()

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return self._first_business(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        # Where the login that follows the e-mail's confirmation goes.
        return self._first_business(request) or super().get_signup_redirect_url(request)

    @staticmethod
    def _first_business(request: HttpRequest) -> str | None:
        """A new account, with no organisation and no invitation waiting, describes its business first."""
        user = request.user
        if not user.is_authenticated or user.memberships.exists():
            return None
        if Invitation.objects.filter(email__iexact=user.email).exists():
            return None
        return reverse("organization_new")

    def populate_username(self, request: HttpRequest, user: Any) -> None:
        user.email = user.email.strip().lower()
        user.username = user.email

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        template = MAIL_TEMPLATES.get(template_prefix)
        if template is None:
            logger.error("No Plannerist template for allauth's mail %s: not sent to %s", template_prefix, email)
            return
        request = self.request
        login_url = request.build_absolute_uri(reverse("login")) if request is not None else ""
        outcome = mail.send(template, to=[email], language=mail_language(),
                            context={"email": email, "login_url": login_url, **context})
        if not outcome:
            logger.warning("allauth's mail %s to %s not queued: %s", template_prefix, email, outcome.reason)

    def add_message(self, request: HttpRequest, level: int, message_template: str | None = None,
                    message_context: dict | None = None, extra_tags: str = "", message: str | None = None) -> None:
        if message_template in MAIL_SENT_MESSAGES and not mail.sending_configured():
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message=message)
