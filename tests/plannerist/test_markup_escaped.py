"""Markup a member types comes back as text: on every page, partial and chart of the organisation.

An operations member who names a resource ``<div hx-post="…/members/" hx-trigger="load">``
must not make the owner's browser post with her CSRF token when she opens her dashboard.
The walk is the canary's (every GET route under ``/o/<slug>/``, as a page and as an htmx
partial, the what-if, the portfolio), done by the owner of an organisation whose every
free-text field holds markup. The figures drawn by plotly.js are searched too: plotly reads
its titles, trace names, labels and hover texts as HTML, so their text must be escaped for it.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from django.db import models
from django.test import Client

from kpis.services import kpis_recompute
from plannerist.export import org_tables
from plannerist.models import Membership, Organization, Role, User
from reviews.services import ReviewLocked, review_summary_refresh
from sales.models import ImportBatch
from tests import factories
from tests.plannerist.org_data import FREE_TEXT_JSON, NOT_FREE_TEXT, fill_every_table, seed_business
from tests.plannerist.test_canary import HTMX, walk

IMG = "<img src=x onerror=alert(1)>"
HX = '<div hx-post="/o/x/members/" hx-trigger="load">'
PAYLOAD = IMG + HX
# What must never reach a page as it was typed; the escaped form (``&lt;img src=x``) may.
RAW = ("<img src=x", 'hx-post="/o/x/members/"')
ESCAPED = "&lt;img src=x"
_FIGURE = re.compile(r"data-figure='([^']*)'")


def _with_markup(value: str, max_length: int | None) -> str:
    """The payload before the field's own value, the payload cut to fit: the value stays
    whole, so that unique names stay unique; 64 characters still hold both fingerprints."""
    value = value or ""
    room = (max_length or 10_000) - len(value) - 1
    return f"{PAYLOAD[:room]} {value}".strip()


def mark_with_markup(org: Organization) -> int:
    """The payload in every free-text field of the organisation's rows (those the code does
    not read as keys), its members' names and its imports' error reports; returns how many."""
    written = 0
    for table in org_tables():
        skip = NOT_FREE_TEXT.get(table.name, set())
        json_fields = FREE_TEXT_JSON.get(table.name, set())
        fields = [
            f for f in table.model._meta.concrete_fields
            if f.name not in skip and not f.choices and (
                (isinstance(f, models.CharField | models.TextField) and (f.max_length or 99) >= 20)
                or f.name in json_fields
            )
        ]
        if not fields:
            continue
        lookup = {table.path: org} if table.path else {"pk": org.pk}
        for row in table.model._default_manager.filter(**lookup):
            for field in fields:
                value = getattr(row, field.attname)
                if isinstance(value, list):
                    value = [_with_markup(str(v), None) for v in value] or [PAYLOAD]
                else:
                    value = _with_markup(value, field.max_length)
                setattr(row, field.attname, value)
                written += 1
            row.save(update_fields=[f.attname for f in fields])
    members = Membership.objects.filter(organization=org).values("user_id")
    User.objects.filter(pk__in=members).update(first_name=PAYLOAD, last_name=PAYLOAD)
    # A failed import reports the file's own words (its name, a column, a cell).
    first = org.import_batches.order_by("pk").first()
    first.status = ImportBatch.Status.FAILED
    first.errors = [{"file": PAYLOAD, "row": 2, "column": PAYLOAD, "message": f"Unreadable date: {PAYLOAD}"}]
    first.save(update_fields=["status", "errors"])
    return written + 1


def figure_strings(page: str):
    """Every string of every plotly figure on the page, as plotly.js receives it."""
    for attribute in _FIGURE.findall(page):
        stack = [json.loads(html.unescape(attribute))]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str):
                yield item


@pytest.fixture
def marked(db):
    org = factories.make_org(slug="lumiere-et-cire", name="Lumière & Cire")
    seed_business(org)
    fill_every_table(org)
    assert mark_with_markup(org) >= 40
    kpis_recompute(organization_id=org.pk)
    for review in org.weekly_reviews.all():
        try:
            review_summary_refresh(review=review)
        except ReviewLocked:
            pass
    return org


def test_markup_typed_by_members_comes_back_escaped_everywhere(marked):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(factories.make_user_in(marked, Role.OWNER))
    answers = list(walk(client, marked))
    channel = marked.channels.order_by("pk").first()
    answers.append(("what-if named with markup", client.post(f"/o/{marked.slug}/campaigns/whatif/", {
        "name": PAYLOAD[:120], "channel": channel.pk, "start": "2026-12-01", "end": "2026-12-20",
        "baseline_orders": "300", "mechanic": "percent_off", "discount_rate": "20", "discount_amount": "0",
        "buy": "1", "get": "1", "get_discount": "100", "scope": "catalogue", "uplift": "50",
        "ad_spend": "1000", "creative_cost": "0", "setup_cost": "0",
    }, **HTMX)))
    escaped_on, figures_with_text, leaks = set(), 0, []
    for what, response in answers:
        if not response.get("Content-Type", "").startswith("text/html") or response.streaming:
            continue  # downloads hold the text as typed, for a spreadsheet, not a browser
        page = response.content.decode()
        for raw in RAW:
            at = page.find(raw)
            if at >= 0:
                leaks.append(f"{what}: {page[max(0, at - 80):at + 40]!r}")
        for text in figure_strings(page):
            if "<img" in text or "<div" in text:
                leaks.append(f"{what}, a chart hands plotly.js {text[:100]!r}")
            figures_with_text += ESCAPED in text
        if ESCAPED in page:
            escaped_on.add(what)
    assert not leaks, "markup typed by a member reached pages unescaped:\n" + "\n".join(leaks)
    # The control: the markup was on the pages, as text, charts included.
    base = f"/o/{marked.slug}"
    review = marked.weekly_reviews.order_by("pk").first()
    batch = marked.import_batches.order_by("pk").first()
    for expected in [f"{base}/", f"{base}/campaigns/", f"{base}/campaigns/catalogue/", f"{base}/capacity/",
                     f"{base}/members/", f"{base}/kpis/imports/", f"{base}/kpis/imports/{batch.pk}/",
                     f"{base}/kpis/codes/", f"{base}/kpis/reviews/{review.pk}/", "portfolio"]:
        assert expected in escaped_on, expected
    assert len(escaped_on) > 40
    assert figures_with_text > 0
