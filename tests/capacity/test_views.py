"""The holiday-peak page, its inline staffing edits and the capacity settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign
from capacity.models import Absence, Automation, CapacityPlan, Resource, StaffMember
from plannerist.models import Role
from sales.models import Channel
from tests.capacity.factories import MAKERS, make_resource, make_staff
from tests.factories import OBJECT_MAKERS

OBJECT_MAKERS.update(MAKERS)

HTMX = {"HTTP_HX_REQUEST": "true"}
PERIOD = "start=2026-11-14&end=2026-11-22"


def url(org, path=""):
    return f"/o/{org.slug}/capacity/{path}"


@pytest.fixture
def shop(org):
    CapacityPlan.objects.create(organization=org, baseline_source=CapacityPlan.BaselineSource.TYPED,
                                orders_per_day=D("10"), weekday_profile=[1] * 7, units_per_order=D("1"))
    resource = make_resource(org, name="Packing", extra_hourly_cost=D("25"))
    make_staff(resource, name="Hugo", hours=[1, 8, 8, 8, 8, 0, 0])
    return org


def test_the_page_shows_the_check_for_the_period(shop, owner, client_for):
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").get(url(shop, f"?{PERIOD}"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="report"' in text and "chart-resource-" in text
    assert "extra hours on 16 November" in text  # the weekend's work overloads Monday
    assert "Hugo" in text


def test_an_htmx_request_gets_only_the_report_partial(shop, owner, client_for):
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").get(url(shop, f"?{PERIOD}"), **HTMX)
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text
    assert text.lstrip().startswith('<section id="report"')


@pytest.mark.parametrize("query", ["start=2026-13-01", "start=2026-12-01&end=2026-11-01", "end=2030-01-01"])
def test_a_bad_period_answers_400_with_the_message(shop, owner, client_for, query):
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").get(url(shop, f"?{query}"))
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_another_organisations_page_and_objects_answer_404(shop, other_org, owner, client_for):
    client = client_for(owner, HTTP_ACCEPT_LANGUAGE="en")
    assert client.get(url(other_org)).status_code == 404
    foreign = make_staff(make_resource(other_org))
    assert client.post(url(shop, f"resources/{foreign.resource_id}/staff/"), {}).status_code == 404
    assert client.post(url(shop, f"staff/{foreign.pk}/remove/")).status_code == 404
    assert StaffMember.objects.filter(pk=foreign.pk).exists()


def test_a_viewer_sees_no_edit_control_and_cannot_edit(shop, viewer, client_for):
    client = client_for(viewer, HTTP_ACCEPT_LANGUAGE="en")
    resource = Resource.objects.get(organization=shop)
    member = resource.staff.get()
    page = client.get(url(shop, f"?{PERIOD}")).content.decode()
    assert "Hugo" in page
    assert f"/resources/{resource.pk}/staff/" not in page and "/remove/" not in page
    assert client.post(url(shop, f"resources/{resource.pk}/staff/"), {}).status_code == 403
    assert client.post(url(shop, f"staff/{member.pk}/remove/")).status_code == 403
    assert client.post(url(shop, "resources/new/"), {"name": "X"}).status_code == 403
    assert StaffMember.objects.filter(pk=member.pk).exists()


def test_a_marketing_member_cannot_edit_capacity(shop, make_user_in, client_for):
    client = client_for(make_user_in(shop, Role.MARKETING))
    resource = Resource.objects.get(organization=shop)
    assert client.post(url(shop, f"resources/{resource.pk}/staff/"), {}).status_code == 403


def test_adding_a_freelancer_three_days_a_week_recomputes_the_report(shop, owner, client_for):
    resource = Resource.objects.get(organization=shop)
    prefix = f"r{resource.pk}"
    data = {f"{prefix}-name": "Zoé", f"{prefix}-kind": "freelancer", f"{prefix}-hourly_cost": "30",
            f"{prefix}-hours_0": "7", f"{prefix}-hours_1": "7", f"{prefix}-hours_4": "7"}
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").post(url(shop, f"resources/{resource.pk}/staff/?{PERIOD}"), data, **HTMX)
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and 'id="report"' in text and "Zoé" in text
    member = StaffMember.objects.get(name="Zoé")
    assert member.hours_per_weekday == [7.0, 7.0, 0.0, 0.0, 7.0, 0.0, 0.0]
    assert member.resource == resource
    # Monday now has 1 + 7 hours for its 3 hours due: no extra hour is needed any more.
    assert "extra hours on" not in text and "extra hour on" not in text


def test_an_invalid_staff_member_shows_its_errors_in_the_partial(shop, owner, client_for):
    resource = Resource.objects.get(organization=shop)
    prefix = f"r{resource.pk}"
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").post(url(shop, f"resources/{resource.pk}/staff/"),
                                      {f"{prefix}-name": "Nobody", f"{prefix}-kind": "employee"}, **HTMX)
    assert response.status_code == 400
    assert "Give at least one day with hours." in response.content.decode()
    assert not StaffMember.objects.filter(name="Nobody").exists()


def test_without_javascript_an_edit_redirects_back_with_the_filters(shop, owner, client_for):
    member = StaffMember.objects.get(name="Hugo")
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").post(url(shop, f"staff/{member.pk}/absences/?{PERIOD}"),
                                      {f"s{member.pk}-start": "2026-11-17", f"s{member.pk}-end": "2026-11-18"})
    assert response.status_code == 302
    assert response["Location"] == url(shop, f"?{PERIOD}")
    assert Absence.objects.get(staff_member=member).end == dt.date(2026, 11, 18)


def test_removing_staff_and_absences(shop, owner, client_for):
    client = client_for(owner, HTTP_ACCEPT_LANGUAGE="en")
    member = StaffMember.objects.get(name="Hugo")
    absence = Absence.objects.create(staff_member=member, start=dt.date(2026, 11, 17), end=dt.date(2026, 11, 17))
    assert client.post(url(shop, f"absences/{absence.pk}/remove/"), **HTMX).status_code == 200
    assert not Absence.objects.filter(pk=absence.pk).exists()
    response = client.post(url(shop, f"staff/{member.pk}/remove/?{PERIOD}"), **HTMX)
    assert "Nobody works on this resource yet" in response.content.decode()
    assert not StaffMember.objects.filter(pk=member.pk).exists()


def test_edits_accept_only_post(shop, owner, client_for):
    resource = Resource.objects.get(organization=shop)
    assert client_for(owner, HTTP_ACCEPT_LANGUAGE="en").get(url(shop, f"resources/{resource.pk}/staff/")).status_code == 405


def test_drafts_toggle_adds_the_draft_campaigns(shop, owner, client_for):
    channel = Channel.objects.create(organization=shop, name="Web")
    Campaign.objects.create(organization=shop, channel=channel, name="Maybe promo", status=Campaign.Status.DRAFT,
                            start=dt.date(2026, 11, 16), end=dt.date(2026, 11, 17), uplift=D("1"))
    client = client_for(owner, HTTP_ACCEPT_LANGUAGE="en")
    assert "Maybe promo" not in client.get(url(shop, f"?{PERIOD}")).content.decode()
    assert "Maybe promo" in client.get(url(shop, f"?{PERIOD}&drafts=1")).content.decode()


def _page_queries(client, org) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(org, f"?{PERIOD}")).status_code == 200
    return len(queries)


def test_the_page_queries_do_not_grow_with_resources_or_campaigns(
    org, owner, client_for, django_assert_max_num_queries
):
    client = client_for(owner, HTTP_ACCEPT_LANGUAGE="en")
    channel = Channel.objects.create(organization=org, name="Web")

    def add(count: int) -> None:
        for _ in range(count):
            resource = make_resource(org, live_channel=True)
            member = make_staff(resource)
            make_staff(resource, kind="freelancer")
            Absence.objects.create(staff_member=member, start=dt.date(2026, 11, 17), end=dt.date(2026, 11, 17))
            Automation.objects.create(resource=resource, name="Labels", start=dt.date(2026, 11, 18),
                                      minutes_saved_per_order=D("1"))
            Campaign.objects.create(organization=org, channel=channel, name=f"Promo {resource.pk}",
                                    status=Campaign.Status.PLANNED, start=dt.date(2026, 11, 16),
                                    end=dt.date(2026, 11, 18), uplift=D("0.5"))

    add(1)
    one = _page_queries(client, org)
    with django_assert_max_num_queries(one):
        add(0)
        assert client.get(url(org, f"?{PERIOD}")).status_code == 200
    add(9)
    with django_assert_max_num_queries(one):
        assert client.get(url(org, f"?{PERIOD}")).status_code == 200


def test_settings_page_and_creating_a_resource(shop, owner, client_for):
    client = client_for(owner, HTTP_ACCEPT_LANGUAGE="en")
    assert "Packing" in client.get(url(shop, "settings/")).content.decode()
    response = client.post(url(shop, "resources/new/"), {
        "name": "Support", "kind": "support", "minutes_per_order": "0", "minutes_per_unit": "0",
        "minutes_per_return": "0", "minutes_per_contact": "5", "efficiency": "80", "extra_hourly_cost": "20",
        "live_aht_seconds": "240", "live_answer_seconds": "60", "live_service_level": "80",
        "live_open_hour": "9", "live_close_hour": "18",
    })
    assert response.status_code == 302
    assert Resource.objects.get(organization=shop, name="Support").efficiency == D("0.8")


def test_a_resource_name_is_unique_in_the_organisation(shop, owner, client_for):
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").post(url(shop, "resources/new/"), {"name": "Packing", "kind": "preparation"})
    assert response.status_code == 400
    assert Resource.objects.filter(organization=shop, name="Packing").count() == 1


def test_editing_the_demand_assumptions(shop, owner, client_for):
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").post(url(shop, "settings/demand/"), {
        "baseline_source": "typed", "baseline_weeks": "8", "orders_per_day": "40",
        "weekday_profile": "1 1 1 1 1,2 0,8 0,6", "units_per_order": "1.4", "return_rate": "5",
        "support_contacts": "0.1", "target_utilization": "85",
    })
    assert response.status_code == 302
    plan = CapacityPlan.objects.get(organization=shop)
    assert plan.orders_per_day == D("40") and plan.weekday_profile == [1, 1, 1, 1, 1.2, 0.8, 0.6]
    assert plan.return_rate == D("0.05")


def test_a_new_organisation_without_resources_gets_a_page_not_an_error(org, owner, client_for):
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").get(url(org))
    assert response.status_code == 200
    assert "No resource yet." in response.content.decode()


@pytest.mark.parametrize("query", ["start=9999-12-31", "start=1999-12-31", "end=2101-01-01", "start=0001-01-01&end=0001-01-02"])
def test_a_date_outside_2000_2100_answers_400_naming_the_field(shop, owner, client_for, query):
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").get(url(shop, f"?{query}"), **HTMX)
    assert response.status_code == 400
    assert "Choose a date between" in response.content.decode()


@pytest.mark.parametrize("profile", ["1e308 1 1 1 1 1 1", "inf 1 1 1 1 1 1", "nan 1 1 1 1 1 1", "101 1 1 1 1 1 1"])
def test_an_implausible_weekday_profile_is_refused_and_the_page_still_answers(shop, owner, client_for, profile):
    client = client_for(owner, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(url(shop, "settings/demand/"), {
        "baseline_source": "typed", "baseline_weeks": "8", "orders_per_day": "40", "weekday_profile": profile,
        "units_per_order": "1", "return_rate": "5", "support_contacts": "0.1", "target_utilization": "85",
    })
    assert response.status_code == 400
    assert CapacityPlan.objects.get(organization=shop).weekday_profile == [1] * 7
    assert client.get(url(shop, f"?{PERIOD}")).status_code == 200


@pytest.mark.parametrize(("path", "data"), [
    ("settings/demand/", {"baseline_source": "typed", "baseline_weeks": "8", "orders_per_day": "1e308",
                          "weekday_profile": "1 1 1 1 1 1 1", "units_per_order": "1", "return_rate": "5",
                          "support_contacts": "0.1", "target_utilization": "85"}),
    ("resources/new/", {"name": "Support", "kind": "support", "minutes_per_order": "NaN", "efficiency": "80",
                        "extra_hourly_cost": "20", "live_aht_seconds": "240", "live_answer_seconds": "60",
                        "live_service_level": "80", "live_open_hour": "9", "live_close_hour": "18"}),
])
def test_a_non_finite_number_in_a_capacity_setting_answers_400(shop, owner, client_for, path, data):
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").post(url(shop, path), data)
    assert response.status_code == 400


def test_an_absence_far_in_the_future_is_refused(shop, owner, client_for):
    member = StaffMember.objects.get(resource__organization=shop)
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").post(
        url(shop, f"staff/{member.pk}/absences/?{PERIOD}"),
        {f"s{member.pk}-start": "9999-12-30", f"s{member.pk}-end": "9999-12-31"}, **HTMX)
    assert response.status_code == 400
    assert not Absence.objects.filter(staff_member=member).exists()


def test_the_cost_of_fixing_the_peak_adds_the_booked_freelancers(shop, owner, client_for):
    make_staff(Resource.objects.get(organization=shop), name="Léo", kind="freelancer", hourly_cost=D("30"),
               hours=[0, 8, 0, 0, 0, 0, 0])
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").get(url(shop, f"?{PERIOD}"))
    report = response.context["report"]
    assert report.total_booked_cost == pytest.approx(240.0)  # one Tuesday of 8 hours at 30 €
    assert report.cost_to_fix == pytest.approx(report.total_extra_cost + 240.0)
    assert 'id="cost-to-fix"' in response.content.decode()


def test_without_a_team_the_check_says_capacity_is_unknown(org, owner, client_for):
    response = client_for(owner, HTTP_ACCEPT_LANGUAGE="en").get(url(org))
    text = response.content.decode()
    assert "Capacity unknown" in text
    assert "nothing to add" not in text
