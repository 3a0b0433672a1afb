"""The portfolio opens on what needs attention across the consultant's clients, the most
pressing first, each with its client, the reason and its figure, and the page that fixes it;
read in a constant number of queries whatever the number of clients."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cockpit.engine.attention import review_due
from kpis.models import PeakOutlook, Signal
from plannerist.models import Organization, Role
from reviews.models import WeeklyReview
from sales.models import DailyActual
from tests.factories import make_campaign, make_org, make_user_in

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def client_since_last_month(**fields) -> Organization:
    """A client added well before the week whose review is due."""
    org = make_org(**fields)
    Organization.objects.filter(pk=org.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    return Organization.objects.get(pk=org.pk)


def reviewed(org, user) -> WeeklyReview:
    week, _due = review_due(org.today())
    return WeeklyReview.objects.create(organization=org, week_start=week, reviewed_at=timezone.now(), reviewed_by=user)


def signal(org, rule, action, **evidence) -> Signal:
    return Signal.objects.create(organization=org, rule=rule, action=action, side="shared", evidence=evidence,
                                 raised_at=timezone.now())


def every_exception(org, consultant) -> None:
    """One of each kind for ``org``: a stop and an adjust signal, last week's review left
    undone, no actuals for 12 days, a draft starting in 3 days and a day over capacity."""
    today = org.today()
    signal(org, "margin_negative", "stop", margin_per_order=-2.5, week="2026-11-16")
    signal(org, "return_spike", "adjust", return_rate=0.12, usual=0.05, week="2026-11-16")
    signal(org, "roas_amplify", "amplify", roas=6.0, target=4.0, peak_utilisation=0.5)
    DailyActual.objects.create(organization=org, date=today - dt.timedelta(days=12), orders=D("3"))
    make_campaign(org, name="Soldes d'hiver", status="draft", start=today + dt.timedelta(days=3),
                  end=today + dt.timedelta(days=10))
    PeakOutlook.objects.create(organization=org, until=today + dt.timedelta(weeks=8), day=today + dt.timedelta(days=20),
                               resource="Packing", utilisation=1.35, overloaded_days=4, computed_at=timezone.now())


@pytest.fixture
def consultant(db):
    return make_user_in(client_since_last_month(slug="atelier", name="Atelier Bois"), Role.CONSULTANT)


def attention_of(html: str) -> str:
    return html[html.index('id="attention"'):html.index("</section>", html.index('id="attention"'))]


def test_the_portfolio_opens_on_what_needs_attention_most_pressing_first(consultant, client_for):
    lumiere = client_since_last_month(slug="lumiere", name="Lumière & Cire")
    make_user_in(lumiere, Role.CONSULTANT, user=consultant)
    every_exception(lumiere, consultant)
    atelier = Organization.objects.get(slug="atelier")
    reviewed(atelier, consultant)
    signal(atelier, "cac_over_target", "adjust", cac=31.0, target=25.0, week="2026-11-16")
    html = client_for(consultant, **EN).get("/").content.decode()
    assert html.index('id="attention"') < html.index('class="table portfolio"')  # before the table
    block = attention_of(html)
    today = lumiere.today()
    week, due = review_due(today)
    reasons = [
        "Each order lost −€2.50",
        "Acquisition cost €31.00 per new customer",  # Atelier's adjust before Lumière's, by name
        "Return rate 12.0% against a usual 5.0%",
        f"The review of {week:%G-W%V} was due on {due:%a %-d %b} and has no draft yet",
        f"No actuals since {today - dt.timedelta(days=12):%a %-d %b} (12 days ago).",
        f"Soldes d&#x27;hiver starts on {today + dt.timedelta(days=3):%a %-d %b}, in 3 days, and is still draft",
        f"Packing is forecast at 135% of its capacity on {today + dt.timedelta(days=20):%a %-d %b}",
    ]
    positions = [block.index(reason) for reason in reasons]
    assert positions == sorted(positions)
    assert "room to amplify" not in block  # an amplify signal is no exception
    assert block.count("<li class=\"attention-") == 7
    assert block.count('href="/o/lumiere/"><strong>Lumière &amp; Cire</strong></a>') == 6  # each with its client
    campaign = lumiere.campaigns.get()
    for link in (f'href="/o/lumiere/kpis/reviews/week/?week={week:%G-W%V}"', 'href="/o/lumiere/kpis/imports/"',
                 f'href="/o/lumiere/campaigns/{campaign.pk}/"', 'href="/o/lumiere/capacity/"',
                 'href="/o/lumiere/kpis/#signals"', 'href="/o/atelier/kpis/#signals"'):
        assert link in block


def test_a_review_drafted_but_not_reviewed_links_to_itself(consultant, client_for):
    org = Organization.objects.get(slug="atelier")
    week, _due = review_due(org.today())
    review = WeeklyReview.objects.create(organization=org, week_start=week)
    block = attention_of(client_for(consultant, **EN).get("/").content.decode())
    assert "and is not marked reviewed" in block and f'href="/o/atelier/kpis/reviews/{review.pk}/"' in block
    WeeklyReview.objects.filter(pk=review.pk).update(reviewed_at=timezone.now())
    assert "Nothing needs your attention." in client_for(consultant, **EN).get("/").content.decode()


def test_nothing_needing_attention_says_what_was_checked(consultant, client_for):
    reviewed(Organization.objects.get(slug="atelier"), consultant)
    block = attention_of(client_for(consultant, **EN).get("/").content.decode())
    assert "Nothing needs your attention." in block
    assert ("Checked for your client: stop and adjust signals, the last week's review (due on the Tuesday after "
            "the week), actuals in the last 7 days, campaigns starting within 7 days without approval, and days "
            "over capacity in the next 8 weeks.") in block.replace("&#x27;", "'")


def test_needs_attention_in_french(consultant, client_for):
    org = Organization.objects.get(slug="atelier")
    every_exception(org, consultant)
    block = attention_of(client_for(consultant).get("/").content.decode()).replace("\xa0", " ")
    today = org.today()
    assert "À traiter" in block and "Revue en retard" in block
    assert "Aucun chiffre réel depuis le" in block and "(il y a 12 jours)" in block
    assert "dans 3 jours, et est encore au statut « brouillon »" in block and "135 % de sa capacité" in block
    reviewed(org, consultant)
    Signal.objects.all().delete()
    DailyActual.objects.all().delete()
    org.campaigns.all().delete()
    PeakOutlook.objects.all().delete()
    empty = client_for(consultant).get("/").content.decode()
    assert "Rien ne demande votre attention." in empty and today.year  # the checks in French too
    assert "les chiffres réels des 7 derniers jours" in empty


def test_the_filter_narrows_the_attention_list_in_place(consultant, client_for):
    other = client_since_last_month(slug="zeste", name="Zeste")
    make_user_in(other, Role.CONSULTANT, user=consultant)
    signal(other, "margin_negative", "stop", margin_per_order=-1.0, week="2026-11-16")
    client = client_for(consultant, **EN)
    partial = client.get("/?q=atel", **HTMX).content.decode()
    assert partial.lstrip().startswith('<section id="portfolio"') and "<html" not in partial
    assert "Zeste" not in partial and "Atelier Bois" in partial
    assert "Each order lost" in client.get("/?status=attention").content.decode()


def test_a_strangers_clients_are_not_shown_and_their_links_404(consultant, client_for):
    stranger_org = client_since_last_month(slug="ailleurs", name="Ailleurs SARL")
    make_user_in(stranger_org, Role.CONSULTANT)
    every_exception(stranger_org, None)
    html = client_for(consultant, **EN).get("/").content.decode()
    assert "Ailleurs" not in html and "Each order lost" not in html and "Packing" not in html
    campaign = stranger_org.campaigns.get()
    week, _due = review_due(stranger_org.today())
    client = client_for(consultant)
    for url in ("/o/ailleurs/", f"/o/ailleurs/campaigns/{campaign.pk}/", "/o/ailleurs/capacity/",
                "/o/ailleurs/kpis/imports/", f"/o/ailleurs/kpis/reviews/week/?week={week:%G-W%V}",
                "/o/ailleurs/kpis/#signals"):
        assert client.get(url).status_code == 404, url


def test_a_clients_signals_beyond_three_are_counted_with_a_link_to_all(consultant, client_for):
    org = Organization.objects.get(slug="atelier")
    reviewed(org, consultant)
    for k in range(5):
        signal(org, "cac_over_target", "adjust", cac=30.0 + k, target=25.0, week="2026-11-16")
    block = attention_of(client_for(consultant, **EN).get("/").content.decode())
    assert block.count('<li class="attention-adjust"') == 3
    assert '<a href="/o/atelier/kpis/#signals">2 more signals</a>' in block


def count_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_attention_list_costs_the_same_queries_at_5_and_50_clients(consultant, client_for):
    def add_clients(start: int, end: int) -> None:
        for k in range(start, end):
            org = client_since_last_month(slug=f"client-{k}", name=f"Client {k:02d}")
            make_user_in(org, Role.CONSULTANT, user=consultant)
            every_exception(org, consultant)
            if k % 2:
                reviewed(org, consultant)

    client = client_for(consultant, **EN)
    add_clients(1, 5)
    five, html = count_queries(client)
    assert attention_of(html).count('<li class="attention-') == 4 * 6 - 2 + 1  # two reviewed; Atelier's review overdue
    add_clients(5, 50)
    fifty, html = count_queries(client)
    assert fifty == five
    assert attention_of(html).count('<li class="attention-') == 50  # the most pressing shown
    assert f"The 50 most pressing of {49 * 6 - 25 + 1}; narrow them to a client" in html
    assert five <= 15  # the portfolio's 11, the most pressing signals and three more for what needs attention
