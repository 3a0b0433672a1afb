"""The organisation dashboard and the consultant's portfolio: read from the snapshots, with a
constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import Campaign
from kpis import services
from kpis.engine.rules import last_complete_week
from kpis.models import KpiSnapshot, KpiTarget, Signal
from plannerist.models import Role
from sales.models import DailyActual
from tests.capacity.factories import make_resource, make_staff
from tests.factories import make_campaign, make_org, make_product, make_user_in

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def typed_days(org, *, weeks: int = 5, orders: str = "10", paid: str = "600"):
    today = timezone.localdate()
    for k in range(1, 7 * weeks + 1):
        DailyActual.objects.create(
            organization=org, date=today - dt.timedelta(days=k), orders=D(orders), paid_incl_vat=D(paid),
            ad_spend=D("50"), new_customers=D("4"), returning_customers=D("2"),
        )
    services.kpis_recompute(organization_id=org.id)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# ---------------------------------------------------------------- organisation dashboard


def test_the_dashboard_shows_the_three_pairs_of_last_week_against_their_targets(org, owner, client_for):
    typed_days(org)
    KpiTarget.objects.create(organization=org, kpi="cac", value=10.0)  # 350 ÷ 28 = 12.50: off
    KpiTarget.objects.create(organization=org, kpi="repeat_purchase_rate", value=0.30)  # 2 ÷ 6: on
    html = client_for(owner, **EN).get(f"/o/{org.slug}/").content.decode()
    # Revenue: 7 × 600 ÷ 1.2 = 3,500 excl. VAT; orders 70; repeat purchases 33.3 %.
    assert "€3,500.00" in html and ">70<" in html and "33.3%" in html
    assert "€12.50" in html and "one off target" in html
    assert html.count('class="card pair"') == 3 and 'id="pair-0"' in html
    assert f'href="/o/{org.slug}/kpis/?period=week#kpi-cac"' in html  # the definition, one click away


def test_the_period_swaps_in_place_and_stays_in_the_url(org, owner, client_for):
    typed_days(org, weeks=10)
    client = client_for(owner, **EN)
    partial = client.get(f"/o/{org.slug}/?period=month", **HTMX)
    html = partial.content.decode()
    assert html.lstrip().startswith('<section id="pairs"') and "<html" not in html
    assert 'hx-push-url="true"' in html and 'href="?period=quarter"' in html
    assert 'aria-current="true">Month<' in html
    assert client.get(f"/o/{org.slug}/?period=year").status_code == 400


def test_the_period_swap_reads_only_the_pairs(org, owner, client_for, django_assert_max_num_queries):
    make_product(org)
    typed_days(org, weeks=10)
    make_campaign(org, start=timezone.localdate(), end=timezone.localdate() + dt.timedelta(days=3))
    client = client_for(owner, **EN)
    client.get(f"/o/{org.slug}/")
    # Session, user, membership; then the snapshots, the actuals' span and the targets.
    with django_assert_max_num_queries(6) as queries:
        html = client.get(f"/o/{org.slug}/?period=month", **HTMX).content.decode()
    assert html.count('class="card pair"') == 3
    read = " ".join(q["sql"] for q in queries)
    assert "kpis_signal" not in read and "campaigns_campaign" not in read and "kpis_campaignpace" not in read


def test_weekly_amount_targets_scale_to_the_month(org, owner, client_for):
    typed_days(org, weeks=10)
    KpiTarget.objects.create(organization=org, kpi="orders", value=70.0)  # per week
    html = client_for(owner, **EN).get(f"/o/{org.slug}/?period=month", **HTMX).content.decode()
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    days = (timezone.localdate().replace(day=1) - last_month).days
    assert f"target {round(70 * days / 7)}" in html.replace("\u00a0", " ")


def test_the_calendar_shows_each_campaigns_status_in_words_and_drafts_dashed(org, owner, client_for):
    today = timezone.localdate()
    make_campaign(org, name="Soldes", start=today + dt.timedelta(days=3), end=today + dt.timedelta(days=9),
                  status=Campaign.Status.DRAFT)
    make_campaign(org, name="Noël", start=today + dt.timedelta(days=5), end=today + dt.timedelta(days=20),
                  status=Campaign.Status.APPROVED)
    make_campaign(org, name="Far away", start=today + dt.timedelta(weeks=30), end=today + dt.timedelta(weeks=31))
    html = client_for(owner, **EN).get(f"/o/{org.slug}/").content.decode()
    assert "Soldes" in html and "Noël" in html and "Far away" not in html
    assert 'class="timeline-bar status-draft"' in html and ">Draft</span>" in html and ">Approved</span>" in html


def test_the_load_against_capacity_comes_from_the_forecast_snapshots(org, owner, client_for):
    resource = make_resource(org, name="Packing", minutes_per_order=D("30"))
    make_staff(resource, hours=[4, 4, 4, 4, 4, 0, 0])  # 20 h a week for 10 orders a day × 30 min = 35 h
    from capacity.models import CapacityPlan

    CapacityPlan.objects.create(organization=org, baseline_source=CapacityPlan.BaselineSource.TYPED,
                                orders_per_day=D("10"), weekday_profile=[1] * 7, units_per_order=D("1"))
    services.kpis_recompute(organization_id=org.id)
    assert KpiSnapshot.objects.filter(organization=org, scope="forecast", scope_id="Packing").exists()
    html = client_for(owner, **EN).get(f"/o/{org.slug}/").content.decode()
    assert "Packing" in html and "▲ 175%" in html and 'id="load-chart"' in html


def test_open_signals_are_on_the_dashboard(org, owner, client_for):
    Signal.objects.create(organization=org, rule="cac_over_target", action="adjust", side="marketing",
                          evidence={"week": "2026-11-16", "cac": 31.0, "target": 25.0}, raised_at=timezone.now())
    html = client_for(owner, **EN).get(f"/o/{org.slug}/").content.decode()
    assert "Acquisition cost €31.00 per new customer, over the €25.00 target" in html


def test_a_campaigns_stockouts_are_one_signal_listing_its_products(org, owner, client_for):
    noel = make_campaign(org, name="Noël −20 %")
    Signal.objects.create(
        organization=org, rule="stockout_before_campaign_end", action="adjust", side="operations", subject=noel.name,
        campaign=noel, raised_at=timezone.now(),
        evidence={"sku": "BOUG-01", "stockout_date": "2026-12-14", "campaign_end": "2026-12-20",
                  "products": [{"sku": "BOUG-01", "stockout_date": "2026-12-14"},
                               {"sku": "CIRE-07", "stockout_date": "2026-12-18"}]},
    )  # fmt: skip
    english = client_for(owner, **EN).get(f"/o/{org.slug}/").content.decode()
    assert "2 products run out before the campaign ends on Sun 20 Dec, BOUG-01 first on Mon 14 Dec" in english
    assert "<summary>Products and stock-out dates</summary>" in english and "CIRE-07 — Fri 18 Dec" in english
    assert f'href="/o/{org.slug}/campaigns/{noel.pk}/">Noël −20 %<' in english
    french = client_for(owner).get(f"/o/{org.slug}/").content.decode()
    assert "2 produits seront en rupture avant la fin de la campagne le Dim 20 Déc, BOUG-01" in french.replace("\xa0", " ")


def test_the_dashboard_shows_the_most_pressing_signals_first_and_links_to_all(org, owner, client_for):
    now = timezone.now()
    Signal.objects.create(organization=org, rule="roas_amplify", action="amplify", side="marketing",
                          evidence={"roas": 6.0, "target": 4.0, "peak_utilisation": 0.5}, raised_at=now)
    Signal.objects.bulk_create(
        Signal(organization=org, rule="stockout_before_campaign_end", action="adjust", side="operations",
               subject=f"SKU-{k:02d}", raised_at=now,
               evidence={"sku": f"SKU-{k:02d}", "stockout_date": "2026-12-01", "campaign_end": "2026-12-20"})
        for k in range(12)
    )
    Signal.objects.create(organization=org, rule="margin_negative", action="stop", side="shared",
                          evidence={"margin_per_order": -2.5, "week": "2026-11-16"}, raised_at=now)
    html = client_for(owner, **EN).get(f"/o/{org.slug}/").content.decode()
    signals = html[html.index('id="signals"'):html.index('id="load"')]
    assert signals.count('<li class="signal') == 8
    assert signals.index("Each order lost") < signals.index("SKU-00 runs out")  # stop before adjust
    assert "room to amplify" not in signals  # the least pressing is left for the KPI page
    assert f'href="/o/{org.slug}/kpis/#signals">The 8 most pressing of 14 signals: see them all<' in signals
    kpi_page = client_for(owner, **EN).get(f"/o/{org.slug}/kpis/").content.decode()
    assert kpi_page.count('<li class="signal') == 14 and "room to amplify" in kpi_page


def test_the_dashboard_costs_the_same_queries_with_1_and_50_campaigns(org, owner, client_for):
    make_product(org)  # margins known: the products missing a cost are not counted
    typed_days(org, weeks=2)
    client = client_for(owner)
    today = timezone.localdate()
    make_campaign(org, start=today, end=today + dt.timedelta(days=3))
    one = count_queries(client, f"/o/{org.slug}/")
    for k in range(49):
        make_campaign(org, start=today + dt.timedelta(days=k % 20), end=today + dt.timedelta(days=k % 20 + 4))
    assert count_queries(client, f"/o/{org.slug}/") == one
    assert one <= 13  # 15 since the live campaigns' pace rows (issue 14, in flight); 13 since issue 18


def test_the_dashboard_counts_the_products_missing_a_cost_only_when_a_margin_says_so(org, owner, client_for):
    make_product(org)  # a catalogue with costs: typed days' margins are known
    typed_days(org)
    with CaptureQueriesContext(connection) as queries:
        html = client_for(owner, **EN).get(f"/o/{org.slug}/").content.decode()
    assert "unknown:" not in html and 'class="card pair"' in html
    assert not [q for q in queries if "sales_importedline" in q["sql"]]  # the count scans every imported line


# ---------------------------------------------------------------- portfolio


def test_the_portfolio_lights_each_pair_and_counts_signals(org, other_org, client_for):
    consultant = make_user_in(org, Role.CONSULTANT)
    make_user_in(other_org, Role.CONSULTANT, user=consultant)
    typed_days(org)
    KpiTarget.objects.create(organization=org, kpi="cac", value=10.0)
    KpiTarget.objects.create(organization=org, kpi="repeat_purchase_rate", value=0.5)
    Signal.objects.create(organization=other_org, rule="return_spike", action="adjust", side="operations",
                          evidence={}, raised_at=timezone.now())
    html = client_for(consultant, **EN).get("/").content.decode()
    assert "Lumière &amp; Cire" in html and "Concurrent SARL" in html
    assert "▲ both off target" in html  # CAC 12.50 > 10 and repeat purchases 33 % < 50 %
    assert f'href="/o/{other_org.slug}/kpis/#signals">1<' in html


def test_the_portfolio_filters_and_sorts_in_the_url(org, other_org, client_for):
    consultant = make_user_in(org, Role.CONSULTANT)
    make_user_in(other_org, Role.CONSULTANT, user=consultant)
    Signal.objects.create(organization=other_org, rule="return_spike", action="adjust", side="operations",
                          evidence={}, raised_at=timezone.now())
    client = client_for(consultant, **EN)
    html = client.get("/?sort=signals").content.decode()
    assert html.index("Concurrent SARL") < html.index("Lumière &amp; Cire")
    attention = client.get("/?status=attention", **HTMX).content.decode()
    assert "Concurrent SARL" in attention and "Lumière" not in attention and "<html" not in attention
    assert "Lumière" in client.get("/?q=lumi").content.decode()
    assert client.get("/?sort=nonsense").status_code == 400


def test_the_portfolio_costs_the_same_queries_with_1_and_50_organisations(client_for, db):
    first = make_org(slug="org-0", name="Org 0")
    consultant = make_user_in(first, Role.CONSULTANT)
    week = last_complete_week(timezone.localdate())
    KpiSnapshot.objects.create(organization=first, scope="organisation", period="week", period_start=week,
                               kpi="orders", value=3.0, computed_at=timezone.now())
    client = client_for(consultant)
    one = count_queries(client, "/")
    for k in range(1, 50):
        other = make_org(slug=f"org-{k}", name=f"Org {k}")
        make_user_in(other, Role.CONSULTANT, user=consultant)
        KpiTarget.objects.create(organization=other, kpi="cac", value=10.0)
    assert count_queries(client, "/") == one
    assert one <= 15  # 10, one for the pending invitations (issue 12 item 4), four for what needs attention (issue 16)


@pytest.mark.parametrize("path", ["/", "/o/{slug}/"])
def test_a_stranger_sees_nothing_of_the_organisation(org, path, client_for):
    stranger = make_user_in(make_org(slug="elsewhere", name="Elsewhere"), Role.OWNER)
    typed_days(org, weeks=1)
    response = client_for(stranger).get(path.format(slug=org.slug))
    assert response.status_code in (200, 404)
    assert "Lumière" not in response.content.decode()


def test_the_menu_marks_one_section_the_longest_that_matches(org, owner, client_for):
    client = client_for(owner, **EN)
    reviews = client.get(f"/o/{org.slug}/kpis/reviews/").content.decode()
    assert reviews.count('aria-current="page"') == 1
    assert f'href="/o/{org.slug}/kpis/reviews/" aria-current="page"' in reviews
    dashboard = client.get(f"/o/{org.slug}/").content.decode()
    assert f'href="/o/{org.slug}/" aria-current="page"' in dashboard and dashboard.count('aria-current="page"') == 1


# ---------------------------------------------------------------- partial periods (issue 12 item 16)


def weeks_then_one_day(org):
    """Four whole weeks of 10 orders a day, then a last week holding its Monday only."""
    last = last_complete_week(timezone.localdate())
    for k in range(28):
        DailyActual.objects.create(organization=org, date=last - dt.timedelta(days=28 - k), orders=D("10"),
                                   paid_incl_vat=D("600"))
    DailyActual.objects.create(organization=org, date=last, orders=D("1"), paid_incl_vat=D("60"))
    services.kpis_recompute(organization_id=org.id)
    return last


def test_a_last_week_holding_one_day_is_not_compared_with_a_whole_week(org, owner, client_for):
    last = weeks_then_one_day(org)
    html = client_for(owner, **EN).get(f"/o/{org.slug}/").content.decode()
    assert "−90%" not in html and "−99%" not in html  # 1 order against 70
    previous = last - dt.timedelta(weeks=1)
    assert ">70<" in html and "+0% vs previous" in html  # the last whole week against the one before
    assert f"week of {previous:%-d %b %Y}" in html
    assert (f"Complete weeks only: the week of {last:%-d %b %Y} holds 1 day of data out of 7 "
            f"(data up to {last:%-d %b %Y}), so it is not compared.") in html


def test_the_kpi_page_compares_complete_periods_only_and_says_so(org, owner, client_for):
    last = weeks_then_one_day(org)
    html = client_for(owner, **EN).get(f"/o/{org.slug}/kpis/").content.decode()
    previous = last - dt.timedelta(weeks=1)
    assert f">{previous:%-d %b}<" in html and f">{last:%-d %b}<" not in html
    assert "holds 1 day of data out of 7" in html


def test_the_portfolio_lights_the_last_week_the_data_covers(org, client_for):
    consultant = make_user_in(org, Role.CONSULTANT)
    weeks_then_one_day(org)
    KpiTarget.objects.create(organization=org, kpi="orders", value=60.0)
    KpiTarget.objects.create(organization=org, kpi="revenue_excl_vat", value=3000.0)
    html = client_for(consultant, **EN).get("/").content.decode()
    assert "both off target" not in html  # 1 order and €50 against a week's targets


def test_the_load_table_shows_each_weeks_busiest_day_beside_its_average(org, owner, client_for):
    resource = make_resource(org, name="Packing", minutes_per_order=D("30"))
    make_staff(resource, hours=[4, 4, 4, 4, 4, 0, 0])
    from capacity.models import CapacityPlan

    CapacityPlan.objects.create(organization=org, baseline_source=CapacityPlan.BaselineSource.TYPED,
                                orders_per_day=D("10"), weekday_profile=[1] * 7, units_per_order=D("1"))
    services.kpis_recompute(organization_id=org.id)
    # 5 hours of work a day; a Monday also takes the weekend's: 15 hours due in 4 planned (more
    # after a public holiday).
    peaks = KpiSnapshot.objects.filter(organization=org, scope="forecast", scope_id="Packing",
                                       kpi="forecast_peak_utilisation")
    assert 3.75 in {round(float(p.value), 4) for p in peaks}
    html = client_for(owner, **EN).get(f"/o/{org.slug}/").content.decode()
    load = html[html.index('id="load"'):]
    assert "▲ 175%" in load and "peak day 375%" in load


def test_load_rows_pair_each_weeks_average_with_its_peak_day():
    from cockpit.pages import load_rows

    monday = dt.date(2026, 12, 7)
    weeks, rows = load_rows([
        ("Packing", monday, "forecast_utilisation", 0.91),
        ("Packing", monday, "forecast_peak_utilisation", 2.11),
        ("Packing", monday, "forecast_extra_cost", 120.0),
        ("", monday, "forecast_orders", 40.0),
    ])
    assert weeks == [monday]
    assert rows[0]["weeks"] == [0.91]
    assert rows[0]["cells"] == [{"average": 0.91, "peak": 2.11}]
    assert [row["resource"] for row in rows] == ["Packing"] and rows[0]["extra_cost"] == 120.0  # the shop's orders are no resource


def test_complete_periods_of_an_organisation_without_snapshots_is_empty_not_an_error():
    import pandas as pd

    from kpis.engine.periods import complete_periods

    over, current = complete_periods(pd.DataFrame(index=pd.Index([], dtype=object)), dt.date(2026, 11, 30),
                                     span=(dt.date(2026, 11, 2), dt.date(2026, 11, 29)))
    assert over.empty and current is None


def test_a_calendar_bar_is_clipped_to_the_window_and_says_the_campaigns_own_dates():
    from django.utils import translation

    from cockpit.pages import calendar_rows

    campaign = Campaign(pk=7, name="Soldes", status=Campaign.Status.DRAFT, start=dt.date(2026, 11, 20),
                        end=dt.date(2026, 12, 10))
    with translation.override("en"):
        [row] = calendar_rows([campaign], dt.date(2026, 12, 1), dt.date(2026, 12, 30))
    assert row.style == "left: 0.0%; width: 33.33%"  # 1–10 Dec of a 30-day window
    assert row.dates == "20 Nov – 10 Dec" and row.status_label == "Draft" and row.pk == 7
