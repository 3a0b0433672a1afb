"""The consultant's Monday: the portfolio of her clients, then one client's weekly review with
a decision recorded (htmx, no reload)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from cockpit import demo
from tests.browser.helpers import (
    ORG,
    arrived,
    assert_accessible,
    assert_same_document,
    log_in_as,
    mark_window,
    screenshot,
    url_exists,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not url_exists("reviews:reviews"), reason="no weekly reviews (URL reviews:reviews) in this version"),
]


def test_consultant_opens_the_portfolio_and_writes_a_weekly_review_with_a_decision(page: Page):
    log_in_as(page, "consultant")
    expect(page).to_have_url(re.compile(r"/$"))
    portfolio = page.locator("#portfolio table.portfolio")  # the clients' table, below "Needs attention"
    for slug in (ORG, "savonnerie-du-marais"):  # both clients, each with a way in
        expect(portfolio.locator(f"a[href='/o/{slug}/']")).to_have_count(1)
    screenshot(page, "portfolio-consultant")
    assert_accessible(page, "portfolio-consultant")

    portfolio.locator(f"a[href='/o/{ORG}/']").click()
    arrived(page, re.compile(rf"/o/{ORG}/$"))
    page.locator("header nav a[href$='/kpis/reviews/']").click()
    arrived(page, re.compile(r"/kpis/reviews/$"))
    page.locator("main form[action$='/reviews/prepare/'] button[type=submit]").click()  # last week, prefilled
    arrived(page, re.compile(r"/kpis/reviews/\d+/$"))
    token = mark_window(page)

    decisions = page.locator("#decisions")
    form = decisions.locator("form[hx-post$='/decisions/']")
    text = "Baisser de 20 % le budget Meta tant que le coût d'acquisition dépasse l'objectif"
    # Invalid input answers 400 and base.html's one htmx rule swaps its message in (issue 13).
    form.locator("[name=text]").fill("   ")
    with page.expect_response(lambda r: r.url.endswith("/decisions/") and r.request.method == "POST") as refused:
        form.locator("button[type=submit]").click()
    assert refused.value.status == 400, refused.value.status
    expect(decisions.locator(".error[role=alert]").first).to_be_visible()
    form = decisions.locator("form[hx-post$='/decisions/']")
    expect(decisions.get_by_role("row").filter(has_text=text)).to_have_count(0)
    form.locator("[name=action]").select_option("adjust")
    form.locator("[name=text]").fill(text)
    lea = demo.USERS["marketing"]
    form.locator("[name=owner]").select_option(label=f"{lea.first_name} {lea.last_name}")
    form.locator("[name=due]").fill((dt.date.today() + dt.timedelta(days=7)).isoformat())
    with page.expect_response(lambda r: r.url.endswith("/decisions/") and r.request.method == "POST") as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 200, answer.value.status

    row = decisions.get_by_role("row").filter(has_text=text)
    expect(row).to_have_count(1)
    expect(row.locator(".badge")).to_have_class(re.compile(r"\bwarn\b"))  # adjust
    expect(row).to_contain_text(f"{lea.first_name} {lea.last_name}")
    assert_same_document(page, token)
    screenshot(page, "review")
    assert_accessible(page, "review")

    with page.expect_navigation():  # back to the same page, reloaded
        page.locator("#mark-reviewed button[type=submit]").click()
    expect(page.locator(".messages .success")).to_have_count(1)
    expect(page.locator("main .page-head .badge.good")).to_have_count(1)
    expect(page.locator("#decisions").get_by_role("row").filter(has_text=text)).to_have_count(1)
