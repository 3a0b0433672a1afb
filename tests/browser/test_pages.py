"""Every main page in French and in English: an axe-core scan (no serious or critical
violation), no sideways scrolling at 1280 px, and a full-page screenshot in var/screenshots/
(next to each page's axe report)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    LANGUAGES,
    MAIN_PAGES,
    format_violations,
    horizontal_overflow,
    log_in_as,
    page_path,
    scan,
    screenshot,
    switch_language,
    wait_for_charts,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_main_pages_are_accessible_and_photographed(page: Page, lang: str):
    failures: dict[str, list[dict]] = {}
    overflowing: dict[str, dict] = {}

    def check(name: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", lang)
        wait_for_charts(page)
        screenshot(page, name)
        if overflow := horizontal_overflow(page):
            overflowing[name] = overflow
        blocking = scan(page, name)
        if blocking:
            failures[name] = blocking

    page.goto("/accounts/login/")
    switch_language(page, lang)
    check("login")
    log_in_as(page, "owner")  # the language chosen before logging in stays
    check("home")
    for name in MAIN_PAGES:
        response = page.goto(page_path(name))
        assert response is not None and response.ok, (name, response and response.status)
        check(name)

    assert not overflowing, f"pages wider than the window ({lang}): {overflowing}"
    assert not failures, f"serious or critical axe-core violations ({lang}):\n" + "\n\n".join(
        f"{name}:\n{format_violations(violations)}" for name, violations in failures.items())
