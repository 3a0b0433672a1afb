"""Journeys through the app in Chromium, on the demo businesses (see conftest.py).

The pages are French (the browser asks for fr-FR, the app's default): the tests find
elements by id, name and structure, and read numbers with ``helpers.number``.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    SCREENSHOTS,
    arrived,
    assert_focus_visible,
    assert_same_document,
    language,
    log_in_as,
    mark_window,
    number,
    page_path,
    tab_to,
    wait_for_htmx,
    whatif_with,
    write_controls,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _navigations(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and seen.append(frame.url))
    return seen


def test_solopreneur_plans_a_promo_and_sees_margin_and_break_even_move_as_she_types(page: Page):
    log_in_as(page, "owner")
    page.goto(page_path("campaign-list"))
    page.locator("main a[href$='/campaigns/new/']").first.click()
    arrived(page, re.compile(r"/campaigns/new/$"))
    token, navigations = mark_window(page), _navigations(page)
    lang = language(page)

    form = page.locator("#plan-form")
    start = dt.date.today() + dt.timedelta(days=45)
    # She types her own uplift and its range over what the shop's past campaigns pre-filled
    # (the low bound first, so that the form is never low > expected while she types).
    with page.expect_response(whatif_with(discount_rate="10", uplift="30", uplift_low="20", uplift_high="45")) as first:
        form.locator("#id_name").fill("Soldes d'hiver")
        form.locator("#id_channel").select_option(index=1)
        form.locator("#id_start").fill(start.isoformat())
        form.locator("#id_end").fill((start + dt.timedelta(days=6)).isoformat())
        form.locator("#id_mechanic").select_option("percent_off")
        form.locator("#id_discount_rate").fill("10")
        form.locator("#id_uplift_low").fill("20")
        form.locator("#id_uplift_high").fill("45")
        form.locator("#id_uplift").fill("30")
    assert first.value.ok, first.value.status
    wait_for_htmx(page)
    margin, sentence = page.locator("#result #margin-per-order"), page.locator("#result #break-even-sentence")
    expect(margin).to_be_visible()
    margin_at_10, sentence_at_10 = margin.inner_text(), sentence.inner_text()

    with page.expect_response(whatif_with(discount_rate="25", uplift="30")) as second:
        form.locator("#id_discount_rate").fill("25")
    assert second.value.ok, second.value.status
    wait_for_htmx(page)
    expect(margin).not_to_have_text(margin_at_10)
    expect(sentence).not_to_have_text(sentence_at_10)
    margin_at_25, sentence_at_25 = margin.inner_text(), sentence.inner_text()
    # A deeper discount earns less per order and needs more extra orders to break even.
    assert number(margin_at_25, lang) < number(margin_at_10, lang), (margin_at_10, margin_at_25)
    assert number(sentence_at_25, lang) > number(sentence_at_10, lang), (sentence_at_10, sentence_at_25)

    assert_same_document(page, token)
    assert navigations == [], f"the what-if navigated: {navigations}"

    # Nothing was saved while typing; Save creates the promotion with the numbers shown.
    form.locator("button[type=submit]").click()
    arrived(page, re.compile(r"/campaigns/\d+/$"))
    expect(page.locator(".messages .success")).to_have_count(1)
    expect(page.locator("h1")).to_contain_text("Soldes d'hiver")
    expect(page.locator("#id_discount_rate")).to_have_value("25")
    expect(page.locator("#result #margin-per-order")).to_have_text(margin_at_25)


def test_operations_adds_a_freelancer_and_the_holiday_peak_check_updates(page: Page):
    log_in_as(page, "operations")
    page.goto(page_path("capacity-peak"))
    token, navigations = mark_window(page), _navigations(page)
    lang = language(page)
    assert write_controls(page), "operations should see the staffing forms"

    summary_row = page.locator("#report table").first.locator("tbody tr").filter(
        has=page.locator("th", has_text="Préparation"))
    extra_hours, extra_cost, booked = (summary_row.locator("td").nth(i) for i in (3, 4, 7))
    total_extra_cost = page.locator("#report table").first.locator("tfoot td.num").nth(1)
    before = {"hours": extra_hours.inner_text(), "cost": extra_cost.inner_text(),
              "booked": booked.inner_text(), "total": total_extra_cost.inner_text()}
    assert number(before["cost"], lang) > 0, f"the demo's preparation should be short of hands: {before}"

    section = page.locator("#report section[id^='resource-']").filter(
        has=page.locator("h3", has_text=re.compile(r"^\s*Préparation")))
    expect(section.get_by_role("row").filter(has_text="Léo, indépendant")).to_have_count(0)
    section.locator(":scope > details > summary").click()
    form = section.locator(":scope > details form")
    form.locator("[name$='-name']").fill("Léo, indépendant")
    form.locator("[name$='-kind']").select_option("freelancer")
    form.locator("[name$='-hourly_cost']").fill("28")
    for day in range(5):
        form.locator(f"[name$='-hours_{day}']").fill("7")
    with page.expect_response(lambda r: "/staff/" in r.url and r.request.method == "POST") as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 200, answer.value.status
    wait_for_htmx(page)

    new_row = section.get_by_role("row").filter(has_text="Léo, indépendant")
    expect(new_row).to_have_count(1)
    expect(new_row).to_contain_text("28")  # its hourly cost
    expect(extra_cost).not_to_have_text(before["cost"])
    expect(booked).not_to_have_text(before["booked"])
    after = {"hours": extra_hours.inner_text(), "cost": extra_cost.inner_text(),
             "booked": booked.inner_text(), "total": total_extra_cost.inner_text()}
    assert number(after["hours"], lang) < number(before["hours"], lang), (before, after)
    assert number(after["cost"], lang) < number(before["cost"], lang), (before, after)
    assert number(after["total"], lang) < number(before["total"], lang), (before, after)
    assert number(after["booked"], lang) > number(before["booked"], lang), (before, after)

    assert_same_document(page, token)
    assert navigations == [], f"adding staff navigated: {navigations}"


def test_viewer_sees_no_control_that_writes(page: Page):
    log_in_as(page, "viewer")
    found = {}
    for name in ("campaign-list", "campaign-detail", "capacity-peak", "kpis", "kpi-imports", "kpi-quick-entry"):
        response = page.goto(page_path(name))
        assert response is not None and response.ok, (name, response and response.status)
        expect(page.locator("main h1")).to_be_visible()
        found[name] = write_controls(page)
        if name == "campaign-list":
            expect(page.locator("main a[href$='/campaigns/new/']")).to_have_count(0)
        if name == "campaign-detail":  # the what-if still shows its numbers, read-only
            expect(page.locator("#result #margin-per-order")).to_be_visible()
            expect(page.locator("#id_discount_rate")).to_be_disabled()
    assert not any(found.values()), "controls that write, shown to a viewer:\n" + "\n".join(
        f"{name}: {control}" for name, controls in found.items() for control in controls)


def test_keyboard_only_what_if_with_visible_focus(page: Page):
    log_in_as(page, "owner")
    page.goto(page_path("campaign-detail"))
    token = mark_window(page)
    lang = language(page)

    page.keyboard.press("Tab")  # the first stop is the skip link, shown on focus
    expect(page.locator("a.skip")).to_be_focused()
    assert_focus_visible(page)
    assert page.locator("a.skip").bounding_box()["x"] >= 0, "the skip link stays off-screen when focused"

    tab_to(page, "#id_discount_rate")
    assert_focus_visible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # the focus ring, for a human eye
    page.locator("#id_discount_rate").locator("xpath=ancestor::fieldset[1]").screenshot(
        path=str(SCREENSHOTS / f"what-if-keyboard-focus.{lang}.png"))
    margin = page.locator("#result #margin-per-order")
    before = margin.inner_text()
    # The demo's next approved percent-off campaign depends on today's date: read its discount.
    assert float(page.locator("#id_discount_rate").input_value()) < 35

    with page.expect_response(whatif_with(discount_rate="35")) as answer:
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("35")
        page.keyboard.press("Tab")
    assert answer.value.ok, answer.value.status
    wait_for_htmx(page)
    expect(margin).not_to_have_text(before)
    assert number(margin.inner_text(), lang) < number(before, lang)

    # The focus moved on to the next field and stayed there through the swap, visibly.
    expect(page.locator("#id_discount_rate")).not_to_be_focused()
    assert page.evaluate("() => document.activeElement.closest('#plan-form') !== null"), \
        "the focus left the form"
    assert_focus_visible(page)
    assert_same_document(page, token)
