"""Issue 14 in Chromium: a new campaign's uplift fields follow the kind typed (the demo has two
years of campaigns, so a promotion memory), and once the person types the expected uplift
the range she did not type keeps the kind's spread around it."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import log_in_as, page_path, wait_for_htmx, whatif_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fields(page: Page) -> tuple[str, str, str]:
    return tuple(page.locator(f"#id_{name}").input_value() for name in ("uplift", "uplift_low", "uplift_high"))


def _memory(page: Page) -> tuple[str, str, str]:
    memory = page.locator("#uplift-memory")
    return tuple(memory.get_attribute(f"data-{key}") for key in ("uplift", "low", "high"))


def test_the_uplift_follows_the_kind_until_typed_and_the_range_moves_with_the_typed_uplift(page: Page):
    log_in_as(page, "owner")
    page.goto(page_path("campaign-new"))
    first = _fields(page)
    assert first == _memory(page), "the page opens with the fields pre-filled from the memory it shows"
    form = page.locator("#plan-form")
    start = dt.date.today() + dt.timedelta(days=45)
    form.locator("#id_name").fill("Soldes d'hiver")
    form.locator("#id_channel").select_option(index=1)
    form.locator("#id_start").fill(start.isoformat())
    form.locator("#id_end").fill((start + dt.timedelta(days=6)).isoformat())
    wait_for_htmx(page)

    # A much deeper discount is another kind (over 30 %): the untyped fields take its memory.
    with page.expect_response(whatif_with(discount_rate="45")):
        page.locator("#id_discount_rate").fill("45")
    wait_for_htmx(page)
    expect(page.locator("#id_uplift")).to_have_value(page.locator("#uplift-memory").get_attribute("data-uplift"))
    assert _fields(page) == _memory(page)
    note = page.locator("#uplift-prefill").inner_text()
    assert note and note == page.locator("#uplift-memory").inner_text()

    # She types her own expected uplift: the range she did not type keeps the kind's spread.
    center, low, high = _memory(page)
    page.locator("#id_uplift").fill("")
    page.locator("#id_uplift").press_sequentially("60")
    wait_for_htmx(page)
    uplift, new_low, new_high = _fields(page)
    assert uplift == "60"
    if low:  # the kind has a measured range
        assert float(new_low) == pytest.approx(float(low) + 60 - float(center), abs=0.01)
        assert float(new_high) == pytest.approx(float(high) + 60 - float(center), abs=0.01)
    else:
        assert (new_low, new_high) == ("", "")

    # Another kind now moves only the range she did not type, never her uplift.
    with page.expect_response(whatif_with(discount_rate="10")):
        page.locator("#id_discount_rate").fill("10")
    wait_for_htmx(page)
    page.wait_for_timeout(300)  # a follow-up what-if, if any, has been answered
    wait_for_htmx(page)
    assert page.locator("#id_uplift").input_value() == "60"
