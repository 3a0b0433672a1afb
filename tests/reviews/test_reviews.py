"""Weekly reviews: the summary from the snapshots, drafts and the Monday job, decisions,
marking reviewed, exports, the pages and who may write on them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
from celery.schedules import crontab
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import Campaign
from kpis import services
from kpis.engine.rules import last_complete_week
from kpis.models import KpiSnapshot, KpiTarget, Signal
from plannerist.models import Role
from reviews import selectors, tasks
from reviews import services as review_services
from reviews import summary as review_summary_module
from reviews.models import ReviewDecision, WeeklyReview
from sales.models import DailyActual
from tests.factories import make_campaign, make_review_decision, make_user_in, make_weekly_review

HTMX = {"HTTP_HX_REQUEST": "true"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
WEEK = dt.timedelta(days=7)
FORMULA = '=HYPERLINK("http://evil.test","Click")'


def url(org, path=""):
    return f"/o/{org.slug}/kpis/reviews/{path}"


@pytest.fixture
def week():
    """The Monday of the last complete ISO week: the week a review is usually about."""
    return last_complete_week(timezone.localdate())


@pytest.fixture
def consultant(org):
    return make_user_in(org, Role.CONSULTANT)


def snapshot(org, start, kpi, value, *, scope="organisation", scope_id="", period="week"):
    return KpiSnapshot.objects.create(organization=org, scope=scope, scope_id=scope_id, period=period,
                                      period_start=start, kpi=kpi, value=value, computed_at=timezone.now())


@pytest.fixture
def two_weeks(org, other_org, week):
    """The reviewed week and the week before, for the article's three pairs."""
    figures = {
        "revenue_excl_vat": (1000.0, 800.0), "margin": (200.0, 250.0),
        "repeat_purchase_rate": (0.30, 0.25), "cac": (12.0, 10.0),
        "orders": (50.0, 40.0), "capacity_utilisation": (0.80, 0.90),
    }
    for kpi, (this_week, last_week) in figures.items():
        snapshot(org, week, kpi, this_week)
        snapshot(org, week - WEEK, kpi, last_week)
    # Neither another scope, another period nor another organisation is the reviewed figure.
    snapshot(org, week, "orders", 999.0, scope="campaign", scope_id="7")
    snapshot(org, week, "orders", 998.0, period="day")
    snapshot(other_org, week, "orders", 997.0)
    KpiTarget.objects.create(organization=org, kpi="cac", value=11.0)
    return org


def rows_by_key(summary):
    return {row.definition.key: row for _title, rows in review_summary_module.summary_kpi_groups(summary) for row in rows}


# ---------------------------------------------------------------- the summary


def test_the_summary_puts_the_week_beside_the_one_before_from_the_snapshots(two_weeks, week):
    summary = review_summary_module.review_summary(organization=two_weeks, week_start=week)
    assert summary["week_start"] == week.isoformat()
    assert [item["key"] for item in summary["kpis"]][:6] == [
        "revenue_excl_vat", "margin", "repeat_purchase_rate", "cac", "orders", "capacity_utilisation"]
    rows = rows_by_key(summary)
    revenue, margin, repeat, cac, orders = (rows[k] for k in (
        "revenue_excl_vat", "margin", "repeat_purchase_rate", "cac", "orders"))
    assert (revenue.this_week, revenue.last_week, revenue.change) == (1000.0, 800.0, 200.0)
    assert revenue.change_rate == pytest.approx(0.25) and revenue.improved is True
    assert margin.change == -50.0 and margin.change_rate == pytest.approx(-0.20) and margin.improved is False
    # A share's change is in points, not relative: 30 % against 25 % is +5 points.
    assert repeat.change_points == pytest.approx(5.0) and repeat.change_rate is None
    # CAC is better lower: up 2 is worse, and 12 misses the 11 target.
    assert cac.change == 2.0 and cac.improved is False and (cac.target, cac.meets_target) == (11.0, False)
    assert (orders.this_week, orders.last_week) == (50.0, 40.0)
    assert rows["roas"].this_week is None and rows["roas"].change is None


def test_the_summary_groups_the_three_pairs_first(two_weeks, week):
    summary = review_summary_module.review_summary(organization=two_weeks, week_start=week)
    groups = review_summary_module.summary_kpi_groups(summary)
    assert [[row.definition.key for row in rows] for _title, rows in groups[:3]] == [
        ["revenue_excl_vat", "margin"], ["repeat_purchase_rate", "cac"], ["orders", "capacity_utilisation"]]
    assert len(groups[3][1]) == len(review_summary_module.REVIEW_ORDER) - 6


def test_the_summary_lists_open_signals_and_campaigns_starting_or_ending_that_week_or_the_next(org, week):
    starting = make_campaign(org, name="Starts", start=week + dt.timedelta(days=2), end=week + dt.timedelta(days=30))
    ending = make_campaign(org, name="Ends next week", start=week - 3 * WEEK, end=week + WEEK + dt.timedelta(days=6))
    make_campaign(org, name="Later", start=week + 2 * WEEK, end=week + 3 * WEEK)
    make_campaign(org, name="Stopped", start=week, end=week + WEEK, status=Campaign.Status.STOPPED)
    Signal.objects.create(organization=org, rule="cac_over_target", action="adjust", side="marketing",
                          evidence={"cac": 12.0, "target": 11.0}, campaign=starting, raised_at=timezone.now())
    summary = review_summary_module.review_summary(organization=org, week_start=week)
    moves = review_summary_module.summary_campaigns(summary)
    assert [(m.name, m.starts, m.ends) for m in moves] == [
        ("Ends next week", "", "next_week"), ("Starts", "this_week", "")]
    assert moves[0].id == ending.pk
    (signal,) = review_summary_module.summary_signals(summary)
    assert (signal.rule, signal.campaign_id, signal.campaign.name) == ("cac_over_target", starting.pk, "Starts")


def test_the_summary_reads_a_constant_number_of_queries(two_weeks, week, django_assert_num_queries):
    for k in range(5):
        make_campaign(two_weeks, start=week + dt.timedelta(days=k), end=week + dt.timedelta(days=20))
    with django_assert_num_queries(4):  # snapshots, targets, signals, campaigns
        review_summary_module.review_summary(organization=two_weeks, week_start=week)


def test_the_summary_takes_the_weeks_recomputed_from_the_daily_actuals(org, week):
    for day in range(7):
        DailyActual.objects.create(organization=org, date=week + dt.timedelta(days=day), orders=D("10"),
                                   paid_incl_vat=D("120"))
        DailyActual.objects.create(organization=org, date=week - WEEK + dt.timedelta(days=day), orders=D("8"),
                                   paid_incl_vat=D("96"))
    services.kpis_recompute(organization_id=org.id)
    rows = rows_by_key(review_summary_module.review_summary(organization=org, week_start=week))
    assert (rows["orders"].this_week, rows["orders"].last_week, rows["orders"].change) == (70.0, 56.0, 14.0)
    # 7 × 120 paid incl. 20 % VAT = 700 excl. VAT; the week before 7 × 96 / 1.2 = 560.
    assert rows["revenue_excl_vat"].this_week == pytest.approx(700.0)
    assert rows["revenue_excl_vat"].change_rate == pytest.approx(0.25)


# ---------------------------------------------------------------- drafts and the Monday job


def test_a_draft_is_made_once_per_organisation_and_week(two_weeks, week):
    first, created = review_services.review_draft_get_or_create(organization=two_weeks, week_start=week)
    again, created_again = review_services.review_draft_get_or_create(organization=two_weeks, week_start=week)
    assert (created, created_again) == (True, False) and first.pk == again.pk
    assert WeeklyReview.objects.filter(organization=two_weeks).count() == 1
    assert first.summary["kpis"][0] == {"key": "revenue_excl_vat", "this_week": 1000.0, "last_week": 800.0,
                                        "target": None}
    with pytest.raises(ValueError):
        review_services.review_draft_get_or_create(organization=two_weeks, week_start=week + dt.timedelta(days=1))


def test_the_monday_job_drafts_the_previous_iso_week_for_every_organisation_once(org, other_org):
    monday = dt.datetime(2026, 11, 23, 6, tzinfo=dt.UTC)
    assert review_services.review_drafts_prepare(now=monday) == 2
    assert review_services.review_drafts_prepare(now=monday) == 0
    drafts = WeeklyReview.objects.values_list("organization__slug", "week_start")
    assert sorted(drafts) == [("concurrent", dt.date(2026, 11, 16)), ("lumiere", dt.date(2026, 11, 16))]


def test_one_organisation_whose_draft_fails_does_not_stop_the_others(org, other_org, monkeypatch, caplog):
    monday = dt.datetime(2026, 11, 23, 6, tzinfo=dt.UTC)
    made = review_services.review_draft_get_or_create

    def breaks_for_lumiere(*, organization, week_start):
        if organization.slug == "lumiere":
            raise ZeroDivisionError("a summary that breaks")
        return made(organization=organization, week_start=week_start)

    monkeypatch.setattr(review_services, "review_draft_get_or_create", breaks_for_lumiere)
    assert review_services.review_drafts_prepare(now=monday) == 1
    assert list(WeeklyReview.objects.values_list("organization__slug", flat=True)) == ["concurrent"]
    assert "lumiere" in caplog.text and "failed" in caplog.text


def test_the_monday_task_calls_the_service_with_today_and_is_scheduled_on_monday_at_six(org, week):
    assert tasks.prepare_review_drafts() == 1
    assert tasks.prepare_review_drafts() == 0
    assert WeeklyReview.objects.get(organization=org).week_start == week
    entry = settings.CELERY_BEAT_SCHEDULE["reviews-weekly-drafts"]
    assert entry["task"] == "reviews.tasks.prepare_review_drafts"
    assert entry["schedule"] == crontab(hour=6, minute=0, day_of_week="mon")


# ---------------------------------------------------------------- decisions, notes, reviewed


def test_adding_a_decision_with_htmx_returns_only_the_decisions_partial(org, consultant, client_for, week):
    review = make_weekly_review(org, week_start=week)
    campaign = make_campaign(org)
    response = client_for(consultant, **EN).post(url(org, f"{review.pk}/decisions/"), {
        "action": "stop", "text": "Stop the 2-for-1 on tealights", "owner": consultant.pk,
        "due": (week + 2 * WEEK).isoformat(), "campaign": campaign.pk}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="decisions"') and "<html" not in html
    assert "Stop the 2-for-1 on tealights" in html and "Add the decision" in html
    decision = ReviewDecision.objects.get(review=review)
    assert (decision.action, decision.owner, decision.campaign, decision.done) == ("stop", consultant, campaign, False)


def test_a_decision_without_text_or_with_an_outsider_as_owner_is_refused(org, other_org, consultant, client_for):
    review = make_weekly_review(org)
    outsider = make_user_in(other_org, Role.OWNER)
    foreign_campaign = make_campaign(other_org)
    client = client_for(consultant, **EN)
    partial = client.post(url(org, f"{review.pk}/decisions/"), {"action": "keep", "text": " "}, **HTMX)
    assert partial.status_code == 400 and "This field is required." in partial.content.decode()  # swapped: base.html
    page = client.post(url(org, f"{review.pk}/decisions/"), {
        "action": "keep", "text": "Keep", "owner": outsider.pk, "campaign": foreign_campaign.pk})
    assert page.status_code == 400 and "Select a valid choice" in page.content.decode()
    assert not ReviewDecision.objects.exists()


def test_marking_reviewed_records_who_and_when(org, consultant, client_for):
    review = make_weekly_review(org)
    before = timezone.now()
    response = client_for(consultant).post(url(org, f"{review.pk}/reviewed/"))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.reviewed_by == consultant and before <= review.reviewed_at <= timezone.now()
    html = client_for(consultant, **EN).get(url(org, f"{review.pk}/")).content.decode()
    assert "reviewed" in html and consultant.email in html


def test_a_reviewed_review_keeps_the_figures_it_was_reviewed_on(two_weeks, consultant, client_for, week):
    review, _ = review_services.review_draft_get_or_create(organization=two_weeks, week_start=week)
    review_services.review_mark_reviewed(review=review, by=consultant)
    KpiSnapshot.objects.filter(organization=two_weeks, kpi="orders", period_start=week, scope="organisation",
                               period="week").update(value=1.0)
    client_for(consultant).post(url(two_weeks, f"{review.pk}/refresh/"))
    review.refresh_from_db()
    assert rows_by_key(review.summary)["orders"].this_week == 50.0
    with pytest.raises(review_services.ReviewLocked):
        review_services.review_summary_refresh(review=review)


def test_a_drafts_figures_can_be_taken_again(two_weeks, consultant, client_for, week):
    review, _ = review_services.review_draft_get_or_create(organization=two_weeks, week_start=week)
    KpiSnapshot.objects.filter(organization=two_weeks, kpi="orders", period_start=week, scope="organisation",
                               period="week").update(value=60.0)
    assert client_for(consultant).post(url(two_weeks, f"{review.pk}/refresh/")).status_code == 302
    review.refresh_from_db()
    assert rows_by_key(review.summary)["orders"].this_week == 60.0


def test_notes_are_saved(org, consultant, client_for):
    review = make_weekly_review(org)
    assert client_for(consultant).post(url(org, f"{review.pk}/notes/"), {"notes": "Call the supplier."}).status_code == 302
    review.refresh_from_db()
    assert review.notes == "Call the supplier."


def test_a_decisions_owner_may_mark_it_done_and_nobody_else_without_the_right(org, viewer, client_for):
    decision = make_review_decision(org, owner=viewer)
    other_viewer = make_user_in(org, Role.VIEWER)
    done_url = url(org, f"decisions/{decision.pk}/done/")
    assert client_for(other_viewer).post(done_url, {"done": "true"}).status_code == 403
    response = client_for(viewer, **EN).post(done_url, {"done": "true"}, **HTMX)
    assert response.status_code == 200 and 'id="decisions"' in response.content.decode()
    decision.refresh_from_db()
    assert decision.done is True
    assert client_for(viewer).post(done_url, {"done": "false"}).status_code == 302
    decision.refresh_from_db()
    assert decision.done is False


# ---------------------------------------------------------------- exports and print


def test_the_csv_export_escapes_a_formula_typed_in_a_decision(two_weeks, consultant, client_for, week):
    review, _ = review_services.review_draft_get_or_create(organization=two_weeks, week_start=week)
    review_services.decision_add(review=review, action="adjust", text=FORMULA, owner=consultant, due=week + WEEK)
    response = client_for(consultant, **EN).get(url(two_weeks, f"{review.pk}/export/?format=csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f"review-{review.week}.csv" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    *_head, decisions_part, kpis_part = body.decode("utf-8-sig").split("\r\n\r\n")
    summary = list(csv.reader(io.StringIO(kpis_part), delimiter=";"))
    assert summary[0][:6] == ["KPI", "Unit", "This week", "Last week", "Change", "Target"]
    assert summary[1][:6] == ["Revenue (excl. VAT)", "EUR", "1000,0", "800,0", "200,0", ""]
    assert summary[3][:5] == ["Repeat-purchase rate", "%", "30,0", "25,0", "5,0"]
    decisions = list(csv.reader(io.StringIO(decisions_part), delimiter=";"))
    assert decisions[0] == ["Decision", "What exactly", "Owner", "Due", "Campaign", "Done"]
    assert decisions[1][:4] == ["Adjust", "'" + FORMULA, consultant.email, (week + WEEK).isoformat()]


def test_the_xlsx_export_opens_and_holds_the_decision_as_text(two_weeks, consultant, client_for, week):
    review, _ = review_services.review_draft_get_or_create(organization=two_weeks, week_start=week)
    review_services.decision_add(review=review, action="amplify", text=FORMULA)
    response = client_for(consultant, **EN).get(url(two_weeks, f"{review.pk}/export/?format=xlsx"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Organisation", "Notes", "Signals", "Decisions", "KPIs"]
    summary = workbook["KPIs"]
    assert [c.value for c in summary[2]][:5] == ["Revenue (excl. VAT)", "EUR", 1000, 800, 200]
    cell = workbook["Decisions"]["B2"]
    assert (cell.value, cell.data_type) == (FORMULA, "s")
    assert workbook["Decisions"]["A2"].value == "Amplify"


def test_an_unknown_export_format_answers_400(org, consultant, client_for):
    review = make_weekly_review(org)
    assert client_for(consultant).get(url(org, f"{review.pk}/export/?format=docx")).status_code == 400


def test_the_printable_view_has_everything_and_no_control(org, consultant, client_for):
    review = make_weekly_review(org, notes="Talk to the packer.")
    make_review_decision(org, review=review, text="Add a freelancer on Fridays")
    html = client_for(consultant, **EN).get(url(org, f"{review.pk}/print/")).content.decode()
    main = html.split('<main id="main"', 1)[1]
    assert "Add a freelancer on Fridays" in main and "Talk to the packer." in main
    assert 'method="post"' not in main and "<button" not in main
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    reviews_css = css[css.index("/* Weekly reviews */"):]
    print_rules = reviews_css[reviews_css.index("@media print"):]
    assert ".no-print" in print_rules and "nav" in print_rules and "form" in print_rules


# ---------------------------------------------------------------- pages


def test_a_bad_week_answers_400_with_a_message(org, consultant, client_for):
    client = client_for(consultant, **EN)
    for bad in ("2026-W99", "2026-47", "soon"):
        response = client.get(url(org, "week/"), {"week": bad})
        assert response.status_code == 400 and "is not an ISO week" in response.content.decode(), bad
    future = client.get(url(org, "week/"), {"week": "2999-W01"})
    assert future.status_code == 400 and "has not started yet" in future.content.decode()
    prepare = client.post(url(org, "prepare/"), {"week": "2026-W54"})
    assert prepare.status_code == 400 and "is not an ISO week" in prepare.content.decode()
    assert not WeeklyReview.objects.exists()


def test_a_week_without_review_is_previewed_and_prepared_on_demand(two_weeks, consultant, client_for, week):
    client = client_for(consultant, **EN)
    label = review_summary_module.week_label(week)
    preview = client.get(url(two_weeks, "week/"), {"week": label})
    assert preview.status_code == 200 and "No review of this week yet" in preview.content.decode()
    assert not WeeklyReview.objects.exists()
    prepared = client.post(url(two_weeks, "prepare/"), {"week": label})
    review = WeeklyReview.objects.get(organization=two_weeks, week_start=week)
    assert prepared["Location"] == url(two_weeks, f"{review.pk}/")
    assert client.get(url(two_weeks, "week/"), {"week": label})["Location"] == url(two_weeks, f"{review.pk}/")


def test_the_review_page_shows_the_pairs_first_then_signals_campaigns_decisions(two_weeks, consultant, client_for, week):
    review, _ = review_services.review_draft_get_or_create(organization=two_weeks, week_start=week)
    make_review_decision(two_weeks, review=review, owner=consultant, text="Raise the free-shipping threshold")
    html = client_for(consultant, **EN).get(url(two_weeks, f"{review.pk}/")).content.decode()
    assert html.index("Revenue and margin") < html.index("Retention and acquisition cost") \
        < html.index("Volume and deliverable capacity") < html.index("Other KPIs") < html.index("Open signals") \
        < html.index("Campaigns starting or ending") < html.index('id="decisions"') < html.index('id="notes"')
    assert "€1,000.00" in html and "+€200.00" in html and "(+25%)" in html and "+5.0 pts" in html
    assert "Raise the free-shipping threshold" in html and "Mark as reviewed" in html
    assert 'href="/o/lumiere/kpis/reviews/"' in html  # the nav's "Reviews"


def test_the_review_page_reads_as_many_queries_for_1_and_20_decisions(org, consultant, client_for):
    client = client_for(consultant)
    counts = []
    for n in (1, 20):
        review = make_weekly_review(org)
        for _ in range(n):
            make_review_decision(org, review=review, owner=consultant, campaign=make_campaign(org))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(org, f"{review.pk}/")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12, counts


def test_the_history_lists_reviews_newest_first_with_open_decisions(org, consultant, client_for, week):
    old = make_weekly_review(org, week_start=week - WEEK, reviewed_by=consultant,
                             reviewed_at=timezone.make_aware(dt.datetime(2026, 11, 10, 9, 30)))
    new = make_weekly_review(org, week_start=week)
    make_review_decision(org, review=new)
    make_review_decision(org, review=new, done=True)
    make_review_decision(org, review=old)
    client = client_for(consultant, **EN)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url(org)).content.decode()
    assert html.index(new.week) < html.index(old.week)
    assert "Last reviewed on 10 Nov 2026 09:30" in html
    rows = selectors.reviews_of(org.id)
    assert [(r.decision_count, r.open_decisions) for r in rows] == [(2, 1), (1, 1)]
    assert len(queries) <= 10


def test_a_viewer_cannot_write_and_sees_no_form(org, viewer, client_for):
    review = make_weekly_review(org)
    make_review_decision(org, review=review)
    client = client_for(viewer, **EN)
    for path in (f"{review.pk}/decisions/", f"{review.pk}/reviewed/", f"{review.pk}/notes/",
                 f"{review.pk}/refresh/", "prepare/"):
        assert client.post(url(org, path), {"action": "keep", "text": "x", "week": "2026-W40"}).status_code == 403
    for page in (url(org), url(org, f"{review.pk}/")):
        main = client.get(page).content.decode().split('<main id="main"', 1)[1]
        assert 'method="post"' not in main and "Mark done" not in main, page
    assert not review.decisions.filter(text="x").exists()


def test_another_organisations_review_answers_404(org, other_org, owner, client_for):
    foreign = make_weekly_review(other_org)
    decision = make_review_decision(other_org)
    client = client_for(owner)
    assert client.get(url(org, f"{foreign.pk}/")).status_code == 404
    assert client.get(url(org, f"{foreign.pk}/export/?format=csv")).status_code == 404
    assert client.post(url(org, f"{foreign.pk}/decisions/"), {"action": "keep", "text": "x"}).status_code == 404
    assert client.post(url(org, f"decisions/{decision.pk}/done/"), {"done": "true"}).status_code == 404


def test_the_review_routes_refuse_the_wrong_method(org, consultant, client_for):
    review = make_weekly_review(org)
    client = client_for(consultant)
    assert client.get(url(org, f"{review.pk}/reviewed/")).status_code == 405
    assert client.post(url(org, f"{review.pk}/")).status_code == 405


@pytest.mark.parametrize(("week", "message"), [
    ("0001-W01", "Choose a date between"), ("1999-W52", "Choose a date between"), ("9999-W01", "has not started yet"),
])
def test_a_week_outside_2000_2100_is_a_clear_400_not_a_500(org, consultant, client_for, week, message):
    response = client_for(consultant, **EN).get(url(org, "week/"), {"week": week})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_decision_due_in_year_9999_is_refused(org, consultant, client_for):
    review = make_weekly_review(org)
    response = client_for(consultant, **EN).post(url(org, f"{review.pk}/decisions/"), {
        "action": "keep", "text": "Keep", "owner": consultant.pk, "due": "9999-12-31"})
    assert "Choose a date between" in response.content.decode()
    assert not ReviewDecision.objects.exists()
