"""A brand-new user, in French: signs up, reads the verification e-mail on the local SMTP
server, follows its link, describes the business and lands on the guided first run (the
sign-up and new-business pages scanned by axe-core and photographed on the way)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from plannerist.models import Membership, Role
from tests.browser.helpers import arrived, assert_accessible, screenshot
from tests.mail import links_in, text_of


def test_a_new_user_signs_up_verifies_the_e_mail_and_lands_on_the_first_run(page, smtp_server):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Créer un compte").click()
    arrived(page, re.compile(r"/accounts/signup/$"))
    screenshot(page, "signup")
    assert_accessible(page, "signup")
    page.locator("#id_email").fill("nadia@savonnerie-marais.test")
    page.locator("#id_password1").fill("mimosa-et-lavande-42")
    page.locator("#id_password2").fill("mimosa-et-lavande-42")
    page.get_by_role("button", name="Créer mon compte").click()
    arrived(page, re.compile(r"/accounts/confirm-email/$"))
    expect(page.locator("main")).to_contain_text("est en route")

    message = smtp_server.wait_for_message(1)
    assert message["Subject"] == "Confirmez votre e-mail pour ouvrir votre compte Plannerist"
    assert "nadia@savonnerie-marais.test" in text_of(message)
    link = links_in(message)[0]
    page.goto(urlsplit(link).path)  # the link names the live server's host
    page.get_by_role("button", name="Confirmer").click()

    arrived(page, re.compile(r"/organisations/new/$"))
    expect(page.locator("h1")).to_have_text("Votre entreprise")
    expect(page.locator("#id_country")).to_have_value("FR")
    screenshot(page, "organization-new")
    assert_accessible(page, "organization-new")
    page.locator("#id_name").fill("Atelier des Grès")  # the demo already has a Savonnerie du Marais
    page.get_by_role("button", name="Créer l’organisation").click()

    arrived(page, re.compile(r"/o/atelier-des-gres/start/$"))
    expect(page.locator(".messages")).to_contain_text("Atelier des Grès est créée")
    membership = Membership.objects.select_related("organization").get(user__email="nadia@savonnerie-marais.test")
    assert membership.role == Role.OWNER
    organization = membership.organization
    assert (organization.currency, organization.timezone, str(organization.vat_rate)) == ("EUR", "Europe/Paris", "0.2000")
