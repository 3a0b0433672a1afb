"""Sign-up with django-allauth, through a real SMTP server (tests/mail.py): the verification
mail arrives in the reader's language and its link opens the account; a login before that is
refused; the reset mail's link sets a new password; the password validators and the login
throttle apply; a failing mail server is retried and never a 500; sign-up is closed without mail."""

from __future__ import annotations

import logging

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from plannerist.models import User
from tests import factories
from tests.mail import html_of, links_in, text_of

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"
PASSWORD = "mimosa-et-lavande-42"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def sign_up(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(SIGNUP, {"email": email, "password1": password, "password2": password}, **extra)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(("language", "subject", "sentence"), [
    ("en", "Confirm your e-mail to open your Plannerist account",
     "created a Plannerist account with the e-mail nadia@savonnerie.test"),
    ("fr", "Confirmez votre e-mail pour ouvrir votre compte Plannerist",
     "a créé un compte Plannerist avec l’e-mail nadia@savonnerie.test"),
])
def test_signing_up_mails_a_verification_link_in_the_reader_s_language(db, smtp_server, language, subject, sentence):
    client = Client()
    response = sign_up(client, "Nadia@Savonnerie.test", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert not logged_in(client)  # not before the e-mail is confirmed
    user = User.objects.get(email="nadia@savonnerie.test")
    assert user.username == user.email  # the e-mail is the username, as for every account

    message = smtp_server.only()
    assert message["Subject"] == subject and message["To"] == "nadia@savonnerie.test"
    assert sentence in text_of(message)
    link = links_in(message)[0]
    assert "/accounts/confirm-email/" in link and link in html_of(message)
    sent_page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert ("on its way" if language == "en" else "en route") in sent_page


def test_the_verification_link_confirms_the_e_mail_and_opens_the_account(db, smtp_server):
    client = Client()
    sign_up(client, "nadia@savonnerie.test", **EN)
    path = links_in(smtp_server.only())[0].removeprefix("http://testserver")
    page = client.get(path, **EN)
    assert page.status_code == 200 and "Confirm that nadia@savonnerie.test is your e-mail." in page.content.decode()
    assert not EmailAddress.objects.get(email="nadia@savonnerie.test").verified  # opening the link is not enough

    confirmed = client.post(path, **EN)
    assert confirmed.status_code == 302 and logged_in(client)
    assert EmailAddress.objects.get(email="nadia@savonnerie.test").verified

    elsewhere = Client()  # from then on the password logs in anywhere
    assert elsewhere.post(LOGIN, {"login": "nadia@savonnerie.test", "password": PASSWORD}).status_code == 302
    assert logged_in(elsewhere)


def test_a_login_before_the_verification_is_refused_and_sends_the_link_again(db, smtp_server):
    sign_up(Client(), "nadia@savonnerie.test", **EN)
    client = Client()
    response = client.post(LOGIN, {"login": "nadia@savonnerie.test", "password": PASSWORD}, **EN)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert not logged_in(client)


def test_an_e_mail_that_has_an_account_gets_no_second_one_and_the_page_says_the_same(db, smtp_server):
    existing = factories.make_user("camille@example.test")
    response = sign_up(Client(), "camille@example.test", **EN)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"  # as a new one
    assert User.objects.filter(email="camille@example.test").count() == 1
    existing.refresh_from_db()
    assert existing.check_password(factories.PASSWORD)
    message = smtp_server.only()
    assert message["Subject"] == "You already have a Plannerist account"
    assert any("/accounts/login/" in link for link in links_in(message))


@pytest.mark.parametrize(("password", "message"), [
    ("court", "This password is too short"),
    ("password123", "This password is too common"),
    ("4815162342", "This password is entirely numeric"),
    ("nadia.savonnerie", "The password is too similar to the"),
])
def test_the_password_validators_apply_to_sign_up(db, smtp_server, password, message):
    response = sign_up(Client(), "nadia.savonnerie@example.test", password, **EN)
    assert response.status_code == 200 and message in response.content.decode()
    assert not User.objects.filter(email="nadia.savonnerie@example.test").exists()
    assert smtp_server.messages == []


def test_the_reset_mail_arrives_and_its_link_sets_a_new_password_under_the_validators(db, smtp_server):
    user = factories.make_user("camille@example.test")
    response = Client().post(RESET, {"email": "camille@example.test"}, **FR)
    assert response.status_code == 302 and response["Location"] == f"{RESET}done/"
    message = smtp_server.only()
    assert message["Subject"] == "Choisissez un nouveau mot de passe Plannerist"
    assert "Ouvrez ce lien pour le choisir" in text_of(message)
    path = links_in(message)[0].removeprefix("http://testserver")

    client = Client()
    form_page = client.get(path, follow=True, **EN)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    weak = client.post(set_url, {"password1": "12345678", "password2": "12345678"}, **EN)
    assert weak.status_code == 200 and "This password is too common" in weak.content.decode()
    client.post(set_url, {"password1": PASSWORD, "password2": PASSWORD}, **EN)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_busy_mail_server_is_tried_again_and_the_mail_arrives(db, smtp_server, caplog):
    smtp_server.refuse(2)
    with caplog.at_level(logging.WARNING, logger="plannerist.tasks"):
        response = sign_up(Client(), "nadia@savonnerie.test", **EN)
    assert response.status_code == 302
    assert smtp_server.refused == 2 and len(smtp_server.messages) == 1
    assert len([r for r in caplog.records if "trying again" in r.getMessage()]) == 2


def test_a_mail_server_down_never_fails_the_sign_up(db, smtp_server, caplog):
    smtp_server.stop()
    with caplog.at_level(logging.WARNING, logger="plannerist.tasks"):
        response = sign_up(Client(), "nadia@savonnerie.test", **EN)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email="nadia@savonnerie.test").exists()
    assert any("given up" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)


def test_without_mail_sign_up_is_closed_and_says_how_to_get_an_account(db, settings):
    settings.PLANNERIST_EMAIL_SENDING = False
    page = Client().get(SIGNUP, **EN)
    html = page.content.decode()
    assert "Sign-up is closed" in html and "invite you" in html and 'name="password1"' not in html
    posted = sign_up(Client(), "nadia@savonnerie.test", **EN)
    assert "Sign-up is closed" in posted.content.decode()
    assert not User.objects.filter(email="nadia@savonnerie.test").exists()
    assert "Create an account" not in Client().get(LOGIN, **EN).content.decode()


def test_without_mail_the_unverified_login_page_never_says_a_mail_left(db, settings, smtp_server):
    sign_up(Client(), "nadia@savonnerie.test", **EN)
    settings.PLANNERIST_EMAIL_SENDING = False
    response = Client().post(LOGIN, {"login": "nadia@savonnerie.test", "password": PASSWORD}, follow=True, **EN)
    html = response.content.decode()
    assert "no link can be sent" in html
    for claim in ("on its way", "Confirmation e-mail sent", "Confirmation email sent", "We have sent"):
        assert claim not in html


def test_the_login_throttle_applies_to_the_sign_up_s_accounts(db, smtp_server):
    client = Client()
    sign_up(client, "nadia@savonnerie.test", **EN)
    client.post(links_in(smtp_server.only())[0].removeprefix("http://testserver"))
    client.logout()
    for _ in range(5):
        client.post(LOGIN, {"login": "nadia@savonnerie.test", "password": "not-it"}, **EN)
    locked = client.post(LOGIN, {"login": "nadia@savonnerie.test", "password": PASSWORD}, **EN)
    assert locked.status_code == 429 and "Too many failed attempts" in locked.content.decode()
    assert not logged_in(client)
