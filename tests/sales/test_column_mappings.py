"""Saved column mappings: an order-lines file of a new shape asks once which column holds
what, and the next file of the same shape goes straight to its preview (issue 15, step 4)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plannerist.models import Role
from sales import services
from sales.models import ColumnMapping, ImportBatch, ImportedOrder
from sales.readers.detect import signature
from tests.factories import make_user_in

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
FR_LINES = (Path(__file__).parents[1] / "data" / "lines_sample.tsv").read_bytes()
FR_HEADER = ["Ticket", "Horodatage", "Article", "Libellé", "Qté", "PU TTC", "Client", "Magasin"]
FR_MAPPING = {"order": "Ticket", "date": "Horodatage", "sku": "Article", "description": "Libellé",
              "quantity": "Qté", "unit_price": "PU TTC", "customer": "Client", "channel": "Magasin"}
EN_HEADER = "InvoiceNo,InvoiceDate,StockCode,Description,Quantity,UnitPrice,CustomerID,Country\n"


def en_lines(*rows: str) -> bytes:
    return (EN_HEADER + "".join(f"{row}\n" for row in rows)).encode()


FIRST_EN = en_lines("536365,2026-11-02 08:26,85123A,Candle holder,6,2.55,17850,France",
                    "536366,2026-11-02 08:28,71053,Metal lantern,2,3.39,17850,France")
SECOND_EN = en_lines("536401,2026-11-09 10:02,85123A,Candle holder,1,2.55,13047,France",
                     "536402,2026-11-09 10:05,84406B,Cream cupid,3,2.75,,France",
                     "536403,2026-11-09 11:40,71053,Metal lantern,1,3.39,13047,France")


def imports_url(org, path: str = "") -> str:
    return f"/o/{org.slug}/kpis/imports/{path}"


def upload(client, org, content: bytes, name: str = "ticket.csv"):
    return client.post(imports_url(org), {"format": "auto", "files": [SimpleUploadedFile(name, content)]})


def selected(html: str, field: str) -> str | None:
    """The option chosen in the select of ``field`` (None: the select is not on the page)."""
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S)
    if select is None:
        return None
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    return chosen.group(1) if chosen else ""


def mapped(client, org, content: bytes = FIRST_EN, mapping: dict | None = None, name: str = "ticket.csv"):
    """Upload a file of a new shape and submit its mapping (the guesses when None)."""
    asked = upload(client, org, content, name)
    batch = ImportBatch.objects.get(pk=int(asked["Location"].rstrip("/").split("/")[-2]))
    form = mapping if mapping is not None else {**batch.options["guess"]}
    return batch, client.post(imports_url(org, f"{batch.pk}/columns/"), form)


# ---------------------------------------------------------------- the first file asks


def test_order_lines_of_a_new_shape_ask_for_their_columns_with_the_french_names_guessed(org, owner, client_for):
    client = client_for(owner, **EN)
    asked = upload(client, org, FR_LINES, "caisse.tsv")
    batch = ImportBatch.objects.get(organization=org)
    assert asked.status_code == 302 and asked["Location"] == imports_url(org, f"{batch.pk}/columns/")
    assert batch.status == ImportBatch.Status.MAPPING and batch.pending_upload and not batch.pending_lines
    assert batch.options["signature"] == signature(FR_HEADER)

    html = client.get(asked["Location"]).content.decode()
    assert 'id="column-mapping"' in html
    # Ticket, Libellé, Qté and Client go by names the guess knows; Horodatage and "PU TTC" do not.
    assert (selected(html, "order"), selected(html, "description"), selected(html, "quantity"),
            selected(html, "customer")) == ("Ticket", "Libellé", "Qté", "Client")
    assert selected(html, "date") == "" and selected(html, "unit_price") == ""
    assert html.count("Required.") == 4  # order, date, quantity, unit price
    assert not ColumnMapping.objects.exists() and not ImportedOrder.objects.exists()


def test_english_column_names_are_all_guessed(org, owner, client_for):
    client = client_for(owner, **EN)
    html = client.get(upload(client, org, FIRST_EN)["Location"]).content.decode()
    assert [selected(html, f) for f in ("order", "date", "sku", "description", "quantity", "unit_price", "customer")] \
        == ["InvoiceNo", "InvoiceDate", "StockCode", "Description", "Quantity", "UnitPrice", "CustomerID"]
    assert selected(html, "channel") == ""  # "Country" is not a sales channel


def test_saving_the_mapping_keeps_it_for_the_shape_and_shows_the_preview(org, owner, client_for):
    client = client_for(owner, **EN)
    waiting, saved = mapped(client, org, FR_LINES, FR_MAPPING, "caisse.tsv")
    preview = ImportBatch.objects.get(organization=org)
    assert saved.status_code == 302 and saved["Location"] == imports_url(org, f"{preview.pk}/")
    assert not ImportBatch.objects.filter(pk=waiting.pk).exists()  # the preview took its place
    assert preview.status == ImportBatch.Status.PENDING and preview.options["mapping"] == FR_MAPPING

    column_mapping = ColumnMapping.objects.get(organization=org)
    assert column_mapping.signature == signature(FR_HEADER) and column_mapping.mapping == FR_MAPPING
    assert column_mapping.columns == FR_HEADER and column_mapping.saved_by == owner

    html = client.get(saved["Location"]).content.decode()
    assert "Read with the column mapping saved on" in html and f"Import these {preview.orders} orders" in html
    assert ImportedOrder.objects.count() == 0


# ---------------------------------------------------------------- the next file of the shape


def test_the_second_file_of_the_same_shape_needs_no_mapping_and_one_click_imports_it(org, owner, client_for):
    client = client_for(owner, **EN)
    first, _ = mapped(client, org)
    client.post(imports_url(org, f"{ImportBatch.objects.get(organization=org).pk}/confirm/"))
    assert ImportedOrder.objects.filter(organization=org).count() == 2

    preview = upload(client, org, SECOND_EN, "ticket-week-2.csv")
    html = preview.content.decode()
    assert preview.status_code == 200
    assert 'id="column-mapping"' not in html and selected(html, "order") is None
    assert "Read with the column mapping saved on" in html and "Import these 3 orders" in html
    batch = ImportBatch.objects.get(organization=org, status=ImportBatch.Status.PENDING)
    assert f'href="{imports_url(org, f"{batch.pk}/columns/")}"' in html  # the link to change it

    clicks = [client.post(imports_url(org, f"{batch.pk}/confirm/"))]  # the only request after the preview
    assert len(clicks) == 1 and clicks[0].status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.pending_upload is None  # the file is not kept
    assert ImportedOrder.objects.filter(organization=org).count() == 5
    assert ColumnMapping.objects.get(organization=org).used_at is not None


def test_a_file_with_other_columns_asks_again(org, owner, client_for):
    client = client_for(owner, **EN)
    mapped(client, org)
    other = FIRST_EN.replace(b",Country\n", b",Country,Shop\n", 1).replace(b",France\n", b",France,Lyon\n")
    asked = upload(client, org, other)
    assert asked.status_code == 302 and asked["Location"].endswith("/columns/")
    assert ImportBatch.objects.filter(organization=org, status=ImportBatch.Status.MAPPING).count() == 1


def test_files_of_two_shapes_are_refused_together_in_the_reader_s_language(org, owner, client_for):
    files = [SimpleUploadedFile("week-1.csv", FIRST_EN), SimpleUploadedFile("caisse.tsv", FR_LINES)]
    refused = client_for(owner, **FR).post(imports_url(org), {"format": "auto", "files": files})
    assert refused.status_code == 400
    assert "les fichiers n’ont pas les mêmes colonnes (week-1.csv, caisse.tsv)" in refused.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_known_export_is_read_as_it_is_without_a_mapping(org, owner, client_for):
    client = client_for(owner, **EN)
    shopify = (Path(__file__).parents[1] / "data" / "shopify_79cols_sample.csv").read_bytes()
    preview = upload(client, org, shopify, "orders_export.csv")
    assert preview.status_code == 200 and "Import these" in preview.content.decode()
    assert ImportBatch.objects.get(organization=org).format == "shopify" and not ColumnMapping.objects.exists()


def test_the_mapping_can_be_changed_from_the_preview_and_replaces_the_saved_one(org, owner, client_for):
    client = client_for(owner, **EN)
    mapped(client, org)
    preview = ImportBatch.objects.get(organization=org)
    page = client.get(imports_url(org, f"{preview.pk}/columns/")).content.decode()
    assert selected(page, "sku") == "StockCode"  # the mapping it was read with
    form = {**ColumnMapping.objects.get(organization=org).mapping, "channel": "Country"}
    changed = client.post(imports_url(org, f"{preview.pk}/columns/"), form)
    assert changed.status_code == 302
    assert ColumnMapping.objects.get(organization=org).mapping["channel"] == "Country"
    assert ImportBatch.objects.get(organization=org).options["mapping"]["channel"] == "Country"


# ---------------------------------------------------------------- bad input, other people


@pytest.mark.parametrize(("change", "message"), [
    ({"quantity": ""}, "Quantity: choose the column that holds it."),
    ({"unit_price": "Prix"}, "Unit price: “Prix” is not a column of the file."),
    ({"sku": "", "description": ""}, "Product code (SKU): choose the column of the product code or of its name."),
    ({"customer": "InvoiceNo"}, "Customer: the column “InvoiceNo” already holds “Order or ticket number”."),
])
def test_a_bad_mapping_is_a_400_naming_the_field_and_saves_nothing(org, owner, client_for, change, message):
    client = client_for(owner, **EN)
    asked = upload(client, org, FIRST_EN)
    batch = ImportBatch.objects.get(organization=org)
    refused = client.post(asked["Location"], {**batch.options["guess"], **change})
    assert refused.status_code == 400 and message in refused.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.MAPPING and batch.pending_upload  # may be mapped again
    assert not ColumnMapping.objects.exists() and ImportBatch.objects.count() == 1


def test_a_mapping_that_reads_the_file_wrongly_shows_its_errors_and_saves_nothing(org, owner, client_for):
    client = client_for(owner, **EN)
    batch, refused = mapped(client, org, mapping={"order": "InvoiceNo", "date": "Description", "sku": "StockCode",
                                                   "quantity": "Quantity", "unit_price": "UnitPrice"})
    assert refused.status_code == 400 and "nothing was imported" in refused.content.decode()
    assert not ColumnMapping.objects.exists()
    assert ImportBatch.objects.get().pk == batch.pk and ImportBatch.objects.get().status == ImportBatch.Status.MAPPING


def test_a_stranger_gets_404_and_a_viewer_cannot_map(org, other_org, owner, client_for):
    asked = upload(client_for(owner), org, FIRST_EN)
    batch = ImportBatch.objects.get(organization=org)
    stranger = client_for(make_user_in(other_org, Role.OWNER))
    assert stranger.get(f"/o/{other_org.slug}/kpis/imports/{batch.pk}/columns/").status_code == 404
    assert stranger.post(f"/o/{other_org.slug}/kpis/imports/{batch.pk}/columns/",
                         batch.options["guess"]).status_code == 404
    viewer = client_for(make_user_in(org, Role.VIEWER))
    assert viewer.post(asked["Location"], batch.options["guess"]).status_code == 403
    assert 'id="column-mapping"' not in viewer.get(asked["Location"]).content.decode()
    assert not ColumnMapping.objects.exists()


def test_a_batch_whose_files_are_gone_cannot_be_mapped(org, owner, client_for):
    client = client_for(owner, **EN)
    mapped(client, org)
    batch = ImportBatch.objects.get(organization=org)
    client.post(imports_url(org, f"{batch.pk}/confirm/"))
    refused = client.post(imports_url(org, f"{batch.pk}/columns/"), {"order": "InvoiceNo"})
    assert refused.status_code == 400 and "no longer kept" in refused.content.decode()


def test_the_files_waiting_for_a_mapping_are_not_kept_past_the_upload_ttl(org, owner, client_for):
    client = client_for(owner)
    upload(client, org, FIRST_EN)
    mapped(client, org, SECOND_EN.replace(b"Country", b"Pays"))
    later = timezone.now() + services.batches.UPLOAD_TTL + dt.timedelta(minutes=1)
    services.import_batches_expire(now=later)
    assert not ImportBatch.objects.filter(status=ImportBatch.Status.MAPPING).exists()
    assert ImportBatch.objects.get(status=ImportBatch.Status.PENDING).pending_upload is None


# ---------------------------------------------------------------- French, and the guided first run


def test_the_mapping_page_speaks_french(org, owner, client_for):
    client = client_for(owner, **FR)
    html = client.get(upload(client, org, FR_LINES, "caisse.tsv")["Location"]).content.decode()
    assert "Quelle colonne contient quoi" in html and "Numéro de commande ou de ticket" in html
    assert "Enregistrer la correspondance et prévisualiser" in html
    refused = client.post(imports_url(org, f"{ImportBatch.objects.get().pk}/columns/"), {"order": "Ticket"})
    assert "Date de la commande : choisissez la colonne correspondante." in refused.content.decode()


def test_the_first_run_history_step_asks_once_then_previews_the_next_file(org, owner, client_for):
    client = client_for(owner, **EN)
    step = client.get(f"/o/{org.slug}/start/history/").content.decode()
    form = re.search(r'<form method="post" enctype="multipart/form-data" action="([^"]+)" id="first-run-import">'
                     r'(.*?)</form>', step, re.S)
    assert form and form.group(1) == imports_url(org) and 'name="format" value="auto"' in form.group(2)

    _, saved = mapped(client, org)
    client.post(imports_url(org, f"{ImportBatch.objects.get().pk}/confirm/"))
    preview = upload(client, org, SECOND_EN)
    assert preview.status_code == 200 and "Import these 3 orders" in preview.content.decode()
    batch = ImportBatch.objects.get(status=ImportBatch.Status.PENDING)
    done = client.get(client.post(imports_url(org, f"{batch.pk}/confirm/"))["Location"]).content.decode()
    assert 'id="first-run-next"' in done  # back to the guide
