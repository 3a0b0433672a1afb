"""Quick entry of a day's figures: a box emptied clears the day's figure (issue 12, item 24)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from sales.models import DailyActual
from sales.services import TYPED_FIELDS

pytestmark = pytest.mark.django_db


def url(org, path=""):
    return f"/o/{org.slug}/kpis/{path}"


def saved_day(org) -> DailyActual:
    day = timezone.localdate() - dt.timedelta(days=1)
    return DailyActual.objects.create(
        organization=org, date=day, orders=D("12"), paid_incl_vat=D("480.50"), ad_spend=D("35"),
        order_to_ship_hours=D("5"),
    )  # fmt: skip


def boxes(actual: DailyActual, **changed: str) -> dict[str, str]:
    """What the page posts: every box as it shows the saved day, but for ``changed``."""
    shown = {
        name: "" if getattr(actual, name) is None else str(getattr(actual, name))
        for name in TYPED_FIELDS
    }
    return {"date": actual.date.isoformat(), **shown, **changed}


def test_emptying_a_box_clears_the_days_figure(org, owner, client_for):
    actual = saved_day(org)
    response = client_for(owner).post(
        url(org, f"today/?date={actual.date.isoformat()}"),
        boxes(actual, ad_spend="", order_to_ship_hours=""),
    )
    assert response.status_code == 302
    actual.refresh_from_db()
    assert (actual.ad_spend, actual.order_to_ship_hours) == (D("0"), None)
    assert (actual.orders, actual.paid_incl_vat) == (D("12"), D("480.50"))


def test_a_figure_the_request_does_not_send_keeps_its_stored_value(org, owner, client_for):
    actual = saved_day(org)
    response = client_for(owner).post(
        url(org, "today/"), {"date": actual.date.isoformat(), "orders": "14"}
    )
    assert response.status_code == 302
    actual.refresh_from_db()
    assert (actual.orders, actual.ad_spend, actual.order_to_ship_hours) == (
        D("14"),
        D("35"),
        D("5"),
    )


def test_the_page_says_how_to_clear_a_figure_in_french(org, owner, client_for):
    html = client_for(owner, HTTP_ACCEPT_LANGUAGE="fr").get(url(org, "today/")).content.decode()
    assert "videz sa case" in html


def test_a_day_s_money_shows_to_the_cent_though_imports_keep_it_to_the_millionth(org, owner, client_for):
    actual = saved_day(org)
    DailyActual.objects.filter(pk=actual.pk).update(refunds=D("3.558"))
    html = client_for(owner).get(url(org, f"today/?date={actual.date.isoformat()}")).content.decode()
    assert 'value="480.50"' in html and "480.500000" not in html
    assert 'value="3.558"' in html and "3.558000" not in html
