"""Draft → reviewed → sent: the pack e-mailed with its PDF through a real SMTP server, never
unreviewed, retried when the server is busy, recorded; the consultant's schedule."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from plannerist.models import Role
from reviews import render, services, tasks
from reviews.models import PackSchedule, WeeklyReview
from tests.factories import make_org, make_user_in
from tests.mail import attachments_of, text_of
from tests.reviews.test_pack import needs_chromium, pdf_text, prepared

pytestmark = needs_chromium
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def url(org, path=""):
    return f"/o/{org.slug}/kpis/reviews/{path}"


@pytest.fixture
def week():
    from kpis.engine.rules import last_complete_week

    return last_complete_week(timezone.localdate())


@pytest.fixture
def consultant(org):
    return make_user_in(org, Role.CONSULTANT)


@pytest.fixture
def reviewed(org, week, owner, consultant):
    review, _decision_owner = prepared(org, week)
    return services.review_mark_reviewed(review=review, by=consultant)


def test_the_owner_receives_the_pdf_attached_with_a_summary(org, owner, consultant, reviewed, smtp_server,
                                                            client_for):
    response = client_for(consultant).post(url(org, f"{reviewed.pk}/send/"))
    assert response.status_code == 302
    message = smtp_server.only()
    assert message["X-Envelope-To"] == owner.email
    assert message["Subject"].strip() == f"Lumière & Cire — point hebdomadaire {reviewed.week}"
    assert message["Reply-To"] == consultant.email
    body = text_of(message)
    assert f"Semaine {reviewed.week}" in body and "Chiffre d'affaires HT : 1 000,00 € (semaine précédente 800,00 €)" in body.replace("\u202f", " ").replace("\u00a0", " ")
    assert "Bon mois : on garde le cap sur Noël." in body and "PDF" in body
    ((name, content, mimetype),) = attachments_of(message)
    assert (name, mimetype) == (f"plannerist-{org.slug}-review-{reviewed.week}.pdf", "application/pdf")
    assert "Baisser la remise à 15 %" in pdf_text(content)
    reviewed.refresh_from_db()
    assert (reviewed.status, reviewed.sent_by, reviewed.sent_to) == ("sent", consultant, [owner.email])
    assert reviewed.sent_at is not None


def test_chosen_members_receive_it_besides_the_owners(org, owner, consultant, reviewed, smtp_server, client_for):
    marketing = make_user_in(org, Role.MARKETING)
    client_for(consultant).post(url(org, f"{reviewed.pk}/send/"), {"members": [marketing.pk]})
    assert set(smtp_server.only()["X-Envelope-To"].split(", ")) == {owner.email, marketing.email}
    reviewed.refresh_from_db()
    assert reviewed.sent_to == [owner.email, marketing.email]


def test_an_unreviewed_pack_is_never_sent(org, owner, consultant, week, smtp_server, client_for):
    review, _owner = prepared(org, week)
    response = client_for(consultant, HTTP_ACCEPT_LANGUAGE="en").post(url(org, f"{review.pk}/send/"))
    assert response.status_code == 400
    assert "mark the review as reviewed before sending it" in response.content.decode()
    assert smtp_server.messages == []
    with pytest.raises(services.ReviewNotReviewed):
        services.review_send(review=review, by=consultant, to=[owner.email])
    review.refresh_from_db()
    assert review.status == "draft" and review.sent_at is None


def test_a_member_of_another_organisation_cannot_be_chosen(org, other_org, consultant, reviewed, smtp_server,
                                                          client_for):
    outsider = make_user_in(other_org, Role.OWNER)
    response = client_for(consultant).post(url(org, f"{reviewed.pk}/send/"), {"members": [outsider.pk]})
    assert response.status_code == 400 and smtp_server.messages == []


def test_a_busy_server_is_tried_again_and_the_pack_arrives_once(org, owner, consultant, reviewed, smtp_server,
                                                               client_for, caplog):
    smtp_server.refuse(1)
    with caplog.at_level(logging.WARNING, logger="plannerist.tasks"):
        client_for(consultant).post(url(org, f"{reviewed.pk}/send/"))
    assert smtp_server.refused == 1
    message = smtp_server.only()
    assert attachments_of(message)[0][2] == "application/pdf"
    assert any("trying again" in r.getMessage() for r in caplog.records)


def test_without_a_mail_server_nothing_is_recorded_and_the_page_says_so(org, owner, consultant, reviewed,
                                                                       client_for, settings):
    settings.PLANNERIST_EMAIL_SENDING = False
    response = client_for(consultant, HTTP_ACCEPT_LANGUAGE="en").post(url(org, f"{reviewed.pk}/send/"), follow=True)
    assert "not sent (no mail server is configured)" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.sent_at is None and reviewed.status == "reviewed"


def test_a_viewer_cannot_send_and_a_stranger_gets_404(org, other_org, viewer, reviewed, smtp_server, client_for):
    assert client_for(viewer).post(url(org, f"{reviewed.pk}/send/")).status_code == 403
    stranger = make_user_in(other_org, Role.CONSULTANT)
    assert client_for(stranger).post(url(org, f"{reviewed.pk}/send/")).status_code == 404
    assert client_for(stranger).post(url(other_org, f"{reviewed.pk}/send/")).status_code == 404
    assert client_for(stranger).get(url(org, f"{reviewed.pk}/")).status_code == 404
    assert smtp_server.messages == []


def test_sending_answers_only_post(org, consultant, reviewed, client_for):
    assert client_for(consultant).get(url(org, f"{reviewed.pk}/send/")).status_code == 405


def test_the_review_page_offers_sending_only_once_reviewed(org, consultant, week, client_for):
    review, _owner = prepared(org, week)
    page = client_for(consultant, HTTP_ACCEPT_LANGUAGE="en").get(url(org, f"{review.pk}/")).content.decode()
    assert "a draft is never sent" in page and f"{review.pk}/send/" not in page
    services.review_mark_reviewed(review=review, by=consultant)
    page = client_for(consultant, HTTP_ACCEPT_LANGUAGE="en").get(url(org, f"{review.pk}/")).content.decode()
    assert f"{review.pk}/send/" in page and "?format=pdf" in page


# ---------------------------------------------------------------- the schedule


def at_paris(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=PARIS)


def test_the_schedule_sends_the_reviewed_pack_at_its_hour_once(org, owner, consultant, reviewed, week, smtp_server):
    tuesday = week + dt.timedelta(days=8)
    PackSchedule.objects.create(organization=org, consultant=consultant, weekday=1, hour=9)
    assert services.packs_send_scheduled(now=at_paris(tuesday, 8)) == 0  # not its hour yet
    assert services.packs_send_scheduled(now=at_paris(tuesday + dt.timedelta(days=1), 9)) == 0  # not its day
    assert smtp_server.messages == []
    assert services.packs_send_scheduled(now=at_paris(tuesday, 9)) == 1
    assert services.packs_send_scheduled(now=at_paris(tuesday, 9)) == 0  # sent already
    assert smtp_server.only()["X-Envelope-To"] == owner.email
    reviewed.refresh_from_db()
    assert reviewed.sent_by == consultant and reviewed.status == "sent"


def test_the_schedule_never_sends_a_draft(org, owner, consultant, week, smtp_server):
    prepared(org, week)
    PackSchedule.objects.create(organization=org, consultant=consultant, weekday=1, hour=9)
    assert services.packs_send_scheduled(now=at_paris(week + dt.timedelta(days=8), 9)) == 0
    assert smtp_server.messages == [] and WeeklyReview.objects.get(organization=org).sent_at is None


def test_a_scheduled_pack_that_cannot_leave_is_left_for_next_time(org, consultant, reviewed, week, settings, caplog):
    settings.PLANNERIST_EMAIL_SENDING = False
    PackSchedule.objects.create(organization=org, consultant=consultant, weekday=1, hour=9)
    with caplog.at_level(logging.ERROR, logger="reviews.services"):
        assert services.packs_send_scheduled(now=at_paris(week + dt.timedelta(days=8), 9)) == 0
    reviewed.refresh_from_db()
    assert reviewed.sent_at is None and "no mail server" in caplog.text


def test_the_hourly_task_calls_the_service_and_is_scheduled_on_the_hour(db, monkeypatch):
    seen = []
    monkeypatch.setattr(services, "packs_send_scheduled", lambda *, now: seen.append(now) or 0)
    assert tasks.send_scheduled_packs.apply().get() == 0 and len(seen) == 1
    entry = settings.CELERY_BEAT_SCHEDULE["reviews-scheduled-packs"]
    assert entry["task"] == "reviews.tasks.send_scheduled_packs" and entry["schedule"] == crontab(minute=0)


def test_the_consultant_saves_her_schedule_and_a_bad_hour_is_a_400(org, consultant, client_for):
    client = client_for(consultant, HTTP_ACCEPT_LANGUAGE="en")
    assert client.post(url(org, "schedule/"), {"weekday": "1", "hour": "9", "active": "on"}).status_code == 302
    assert client.post(url(org, "schedule/"), {"weekday": "2", "hour": "10", "active": "on"}).status_code == 302
    schedule = PackSchedule.objects.get(organization=org, consultant=consultant)
    assert (schedule.weekday, schedule.hour, schedule.active) == (2, 10, True)
    response = client.post(url(org, "schedule/"), {"weekday": "1", "hour": "25"})
    assert response.status_code == 400 and "0 to 23" in response.content.decode()
    assert client.get(url(org, "schedule/")).status_code == 405


def test_a_viewer_cannot_schedule_and_a_stranger_gets_404(org, other_org, viewer, client_for):
    assert client_for(viewer).post(url(org, "schedule/"), {"weekday": "1", "hour": "9"}).status_code == 403
    stranger = make_user_in(make_org(), Role.CONSULTANT)
    assert client_for(stranger).post(url(org, "schedule/"), {"weekday": "1", "hour": "9"}).status_code == 404
    assert not PackSchedule.objects.exists()


def test_the_renderer_failing_sends_nothing(org, consultant, reviewed, smtp_server, client_for, monkeypatch):
    def broken(html):
        raise render.RenderError("/usr/bin/chromium is missing")

    monkeypatch.setattr(render, "html_to_pdf", broken)
    response = client_for(consultant, HTTP_ACCEPT_LANGUAGE="en").post(url(org, f"{reviewed.pk}/send/"), follow=True)
    assert "could not be made" in response.content.decode() and smtp_server.messages == []
