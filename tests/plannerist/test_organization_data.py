"""An owner takes the whole organisation's data away (JSON, CSV) or deletes the organisation."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.apps import apps

from plannerist.export import org_tables
from plannerist.models import LoginThrottle, Membership, Organization, Role, User
from tests import factories
from tests.plannerist.org_data import fill_every_table, mark_free_text

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PROJECT_APPS = {"plannerist", "sales", "campaigns", "capacity", "kpis", "forecasting", "reviews"}
NOT_OWNED = {User, Organization, LoginThrottle}  # accounts span organisations; throttles are per login


@pytest.fixture
def two_orgs(org, other_org):
    fill_every_table(org)
    fill_every_table(other_org)
    mark_free_text(other_org, "OTHER-ORG-9d2c")
    return org, other_org


def download(client, org: Organization, fmt: str) -> bytes:
    response = client.get(f"/o/{org.slug}/export/?format={fmt}")
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def other_org_ids(other_org: Organization) -> dict[str, set]:
    return {t.name: set(t.rows(other_org).values_list("pk", flat=True)) for t in org_tables()}


# ------------------------------------------------------------------------------ the tables


def test_every_model_of_the_project_belongs_to_an_organisation_or_is_known_not_to():
    owned = {table.model for table in org_tables()}
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and model not in NOT_OWNED:
            assert model in owned, f"{model.__name__} has no CASCADE path to Organization"
    through = {t.name for t in org_tables() if t.model._meta.auto_created}
    assert {"campaigns.campaign_products", "campaigns.scenario_products"} <= through


def test_each_table_reads_the_shortest_path_to_the_organisation():
    paths = {table.name: table.path for table in org_tables()}
    assert paths["plannerist.organization"] == ""
    assert paths["campaigns.costprofile"] == "organization"
    assert paths["capacity.absence"] == "staff_member__resource__organization"
    assert paths["reviews.reviewdecision"] == "review__organization"


# ------------------------------------------------------------------------------ the export


def test_the_json_export_holds_every_row_of_the_organisation_and_none_of_another(two_orgs, client_for):
    org, other_org = two_orgs
    owner = factories.make_user_in(org, Role.OWNER)
    data = json.loads(download(client_for(owner), org, "json"))
    assert data["format"] == "plannerist-organisation-export" and data["organization"]["slug"] == org.slug
    assert data["version"] == 3 and {"reviews.weeklyreview", "reviews.reviewdecision"} <= set(data["tables"])
    assert "OTHER-ORG-9d2c" not in json.dumps(data) and other_org.name not in json.dumps(data)

    foreign = other_org_ids(other_org)
    for table in org_tables():
        exported = {row["id"] for row in data["tables"][table.name]}
        assert exported == set(table.rows(org).values_list("pk", flat=True)), table.name
        assert not exported & foreign[table.name], table.name
    members = {row["email"] for row in data["tables"]["plannerist.member"]}
    assert owner.email in members and len(members) == Membership.objects.filter(organization=org).count()
    assert not any("password" in row for row in data["tables"]["plannerist.member"])


def test_the_json_export_keeps_the_values_readable(two_orgs, client_for):
    org, _other = two_orgs
    data = json.loads(download(client_for(factories.make_user_in(org, Role.OWNER)), org, "json"))
    product = data["tables"]["campaigns.product"][0]
    assert product["price"] == "24.00" and product["organization_id"] == org.pk
    assert data["tables"]["sales.importbatch"][0]["file_names"] == ["orders.csv"]


def test_the_export_leaves_out_an_import_preview_s_lines_and_upload(two_orgs, client_for):
    org, _other = two_orgs
    from sales.models import ImportBatch

    assert ImportBatch.objects.filter(organization=org).exclude(pending_lines=None).exists()
    client = client_for(factories.make_user_in(org, Role.OWNER))
    data = json.loads(download(client, org, "json"))
    assert all("pending_lines" not in row and "pending_upload" not in row for row in data["tables"]["sales.importbatch"])
    archive = zipfile.ZipFile(io.BytesIO(download(client, org, "csv")))
    batches = archive.read("sales.importbatch.csv").decode()
    assert "pending_lines" not in batches and "pending_upload" not in batches and "ann@example.fr" not in batches


def test_the_csv_export_is_a_zip_of_one_escaped_csv_per_table(two_orgs, client_for):
    org, other_org = two_orgs
    from campaigns.models import Product

    Product.objects.filter(organization=org).update(name="=HYPERLINK(\"http://evil\")")
    archive = zipfile.ZipFile(io.BytesIO(download(client_for(factories.make_user_in(org, Role.OWNER)), org, "csv")))
    names = set(archive.namelist())
    assert names == {f"{t.name}.csv" for t in org_tables()} | {"plannerist.member.csv"}
    foreign = other_org_ids(other_org)
    for table in org_tables():
        raw = archive.read(f"{table.name}.csv")
        assert raw.startswith(b"\xef\xbb\xbf") and b"OTHER-ORG-9d2c" not in raw
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        ids = {int(row["id"]) for row in rows}
        assert ids == set(table.rows(org).values_list("pk", flat=True)), table.name
        assert not ids & foreign[table.name]
    products = list(csv.DictReader(io.StringIO(archive.read("campaigns.product.csv").decode("utf-8-sig")), delimiter=";"))
    assert products[0]["name"].startswith("'=HYPERLINK")  # shown as text, never run as a formula
    assert products[0]["price"] == "24,00"  # French Excel's decimal comma


def test_the_export_page_shows_the_downloads_to_owners_only(org, client_for):
    owner = factories.make_user_in(org, Role.OWNER)
    consultant = factories.make_user_in(org, Role.CONSULTANT)
    page = client_for(owner, **EN).get(f"/o/{org.slug}/export/").content.decode()
    assert 'href="?format=json"' in page and 'href="?format=csv"' in page
    assert f'href="/o/{org.slug}/delete/"' in page
    other = client_for(consultant, **EN).get(f"/o/{org.slug}/export/")
    assert other.status_code == 200 and "?format=json" not in other.content.decode()
    members = client_for(owner, **EN).get(f"/o/{org.slug}/members/").content.decode()
    assert f'href="/o/{org.slug}/export/"' in members


@pytest.mark.parametrize("role", [Role.MARKETING, Role.OPERATIONS, Role.CONSULTANT, Role.VIEWER])
def test_only_an_owner_downloads_the_export(role, org, client_for):
    client = client_for(factories.make_user_in(org, role))
    for fmt in ("json", "csv"):
        assert client.get(f"/o/{org.slug}/export/?format={fmt}").status_code == 403


def test_an_unknown_export_format_is_a_400(org, owner, client_for):
    assert client_for(owner).get(f"/o/{org.slug}/export/?format=xml").status_code == 400


def test_another_organisations_export_answers_404(org, other_org, client_for):
    client = client_for(factories.make_user_in(org, Role.OWNER))
    assert client.get(f"/o/{other_org.slug}/export/?format=json").status_code == 404


# ------------------------------------------------------------------------------ deletion


def counts() -> dict[str, int]:
    return {m._meta.label_lower: m._default_manager.count() for m in apps.get_models(include_auto_created=True)}


def test_deleting_removes_every_row_of_the_organisation_and_nothing_of_another(two_orgs, client_for):
    org, other_org = two_orgs
    owner = factories.make_user_in(org, Role.OWNER)
    client = client_for(owner, **EN)
    kept = {t.name: set(t.rows(other_org).values_list("pk", flat=True)) for t in org_tables()}
    owned = {t.name: t.rows(org).count() for t in org_tables()}
    before = counts()

    response = client.post(f"/o/{org.slug}/delete/", {"confirm": org.slug})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "and all its data were deleted" in client.get("/").content.decode()

    after = counts()
    for name in before:  # every model of the project and of Django, many-to-many tables included
        assert after[name] == before[name] - owned.get(name, 0), name
    for table in org_tables():
        assert set(table.rows(other_org).values_list("pk", flat=True)) == kept[table.name], table.name
    assert not Organization.objects.filter(pk=org.pk).exists()
    assert User.objects.filter(pk=owner.pk).exists()  # accounts stay: they may belong to other organisations


def test_deleting_needs_the_slug_typed_exactly(org, owner, client_for):
    client = client_for(owner, **EN)
    page = client.get(f"/o/{org.slug}/delete/").content.decode()
    assert f"<code>{org.slug}</code>" in page and 'name="confirm"' in page
    response = client.post(f"/o/{org.slug}/delete/", {"confirm": org.name})
    assert response.status_code == 400 and f"Type {org.slug} exactly" in response.content.decode()
    assert Organization.objects.filter(pk=org.pk).exists()


@pytest.mark.parametrize("role", [Role.MARKETING, Role.OPERATIONS, Role.CONSULTANT, Role.VIEWER])
def test_only_an_owner_deletes_the_organisation(role, org, client_for):
    client = client_for(factories.make_user_in(org, role), **EN)
    page = client.get(f"/o/{org.slug}/delete/")
    assert page.status_code == 200 and 'name="confirm"' not in page.content.decode()
    assert client.post(f"/o/{org.slug}/delete/", {"confirm": org.slug}).status_code == 403
    assert Organization.objects.filter(pk=org.pk).exists()


def test_a_campaign_protecting_its_channel_goes_first_and_is_counted(org):
    from plannerist import services

    campaign = factories.make_campaign(org)  # its channel is PROTECTed while a campaign uses it
    assert "campaigns.campaign" in {t.name for t in services._protecting_tables()}

    deleted = services.organization_delete(organization=org)

    assert deleted["campaigns.Campaign"] == 1 and deleted["sales.Channel"] >= 1 and deleted["plannerist.Organization"] == 1
    assert 0 not in deleted.values()
    assert not type(campaign).objects.filter(pk=campaign.pk).exists()
