"""On a 390 px phone (390×844): no main page scrolls sideways (tables scroll inside their own
box or reflow), and on the what-if the summary (margin per order, incremental margin,
break-even, verdict) stays in view while the owner types."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    ORG,
    campaign_detail_path,
    horizontal_overflow,
    language,
    log_in_as,
    number,
    wait_for_charts,
    wait_for_htmx,
    whatif_with,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _scenarios_path(org: str) -> str:
    return campaign_detail_path(org) + "scenarios/"


# name -> path (or a function of the organisation's slug): the pages a phone must show whole.
PHONE_PAGES = {
    "portfolio": "/",
    "dashboard": "/o/{org}/",
    "campaign-list": "/o/{org}/campaigns/",
    "campaign-detail": campaign_detail_path,
    "scenarios": _scenarios_path,
    "capacity-peak": "/o/{org}/capacity/",
    "kpis": "/o/{org}/kpis/",
    "kpi-imports": "/o/{org}/kpis/imports/",
    "catalogue": "/o/{org}/campaigns/catalogue/",
    "members": "/o/{org}/members/",
    "reviews": "/o/{org}/kpis/reviews/",
}


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def test_no_main_page_scrolls_sideways_on_a_390_px_phone(phone: Page):
    log_in_as(phone, "consultant")  # a member of both shops: the portfolio lists them
    overflowing: dict[str, dict] = {}
    for name, path in PHONE_PAGES.items():
        url = path(ORG) if callable(path) else path.format(org=ORG)
        response = phone.goto(url)
        assert response is not None and response.ok, (name, url, response and response.status)
        wait_for_charts(phone)
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            overflowing[name] = {"scroll_width": width, **(horizontal_overflow(phone) or {})}
    assert not overflowing, f"pages wider than a 390 px phone: {overflowing}"


def _in_viewport(page: Page, selector: str) -> bool:
    return page.evaluate("""sel => {
      const box = document.querySelector(sel).getBoundingClientRect();
      return box.width > 0 && box.top >= 0 && box.bottom <= window.innerHeight
        && box.left >= 0 && box.right <= window.innerWidth;
    }""", selector)


def test_whatif_summary_stays_in_view_while_typing_a_discount_on_a_phone(phone: Page):
    log_in_as(phone, "owner")
    phone.goto(campaign_detail_path(ORG))
    phone.wait_for_load_state("load")
    lang = language(phone)
    summary = phone.locator("#whatif-summary")
    expect(summary).to_be_visible()
    margin = summary.locator("#summary-margin-per-order")
    before = margin.inner_text()
    for part in ("#summary-incremental-margin", "#summary-break-even", "#summary-verdict"):
        expect(summary.locator(part)).to_be_visible()

    discount = phone.locator("#id_discount_rate")
    discount.scroll_into_view_if_needed()
    with phone.expect_response(whatif_with(discount_rate="35")) as answer:
        discount.fill("")
        discount.press_sequentially("35")
    assert answer.value.ok, answer.value.status
    wait_for_htmx(phone)
    expect(margin).not_to_have_text(before)
    # The field being typed in and the summary are both on screen: no scrolling to see it.
    assert _in_viewport(phone, "#id_discount_rate"), "the discount field left the screen"
    assert _in_viewport(phone, "#whatif-summary"), "the what-if summary is not on screen while typing"
    # It shows the margin of the answer, the same as the full result below.
    expect(margin).to_have_text(phone.locator("#result #margin-per-order").inner_text())
    assert number(margin.inner_text(), lang) < number(before, lang), (before, margin.inner_text())
