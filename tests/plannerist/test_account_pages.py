"""The account pages (sign-up, its verification, login, reset, a new organisation) are the
product's pages: in French they show no English sentence the catalogue translates, they
satisfy the Content Security Policy, and they are not Django's or allauth's bare pages."""

from __future__ import annotations

from django.test import Client

from tests import factories
from tests.mail import links_in
from tests.plannerist.test_csp import assert_satisfies_the_policy
from tests.plannerist.test_french import english_sentences, page_text

PASSWORD = "mimosa-et-lavande-42"


def _account_pages(smtp_server, settings) -> list[tuple[str, object]]:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    pages = [(path, client.get(path)) for path in (
        "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/accounts/password/reset/done/",
        "/accounts/confirm-email/", "/accounts/confirm-email/not-a-key/", "/accounts/password/reset/key/1-nope/",
    )]
    client.post("/accounts/signup/", {"email": "nadia@savonnerie.test", "password1": PASSWORD, "password2": PASSWORD})
    pages.append(("signup refused (weak password)", client.post(
        "/accounts/signup/", {"email": "lea@savonnerie.test", "password1": "123", "password2": "123"})))
    confirm = links_in(smtp_server.messages[0])[0].removeprefix("http://testserver")
    pages.append(("confirm-email (valid)", client.get(confirm)))
    client.post(confirm)
    pages.append(("organisation new (first)", client.get("/organisations/new/")))
    pages.append(("organisation new (refused)", client.post("/organisations/new/", {"name": "", "country": "US"})))
    pages.append(("login refused", Client(HTTP_ACCEPT_LANGUAGE="fr").post(
        "/accounts/login/", {"login": "nadia@savonnerie.test", "password": "no"})))
    settings.PLANNERIST_EMAIL_SENDING = False
    closed = Client(HTTP_ACCEPT_LANGUAGE="fr")
    pages += [(f"{path} (no mail)", closed.get(path)) for path in ("/accounts/signup/", "/accounts/password/reset/")]
    return pages


def test_the_account_pages_speak_french_and_satisfy_the_policy(db, smtp_server, settings):
    factories.make_user("camille@example.test")
    sentences = english_sentences()
    found = {}
    for what, response in _account_pages(smtp_server, settings):
        if response.status_code == 400:
            response.status_code = 200  # a form's refusal is a page too
        assert_satisfies_the_policy(response, what)
        html = response.content.decode()
        assert 'class="topbar"' in html and "Django" not in html, what  # the product's shell
        text = page_text(html)
        found.update({msgid: what for msgid, pattern in sentences if pattern.search(text)})
    assert not found, "English on French pages:\n" + "\n".join(f"{what}: {msgid!r}" for msgid, what in found.items())
