"""The weekly pack: its content gathered once (reviews.pack), the PDF that headless Chromium
prints from it (reviews.render), the CSV and XLSX tables, the download and the command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from pypdf import PdfReader

from kpis.engine.rules import last_complete_week
from kpis.models import KpiSnapshot, KpiTarget, Signal
from plannerist.models import Role
from reviews import render
from reviews import services as review_services
from reviews.models import WeeklyReview
from reviews.pack import weekly_pack
from tests.factories import make_campaign, make_org, make_user_in

WEEK = dt.timedelta(days=7)
FORMULA = '=HYPERLINK("http://evil.test","Click")'
# Without Chromium the PDF tests skip saying so; under CI (``CI`` set) they fail instead.
needs_chromium = pytest.mark.skipif(not Path(render.CHROMIUM).exists() and not os.environ.get("CI"),
                                    reason=f"{render.CHROMIUM} is missing (apt-get install -y chromium)")


def url(org, path=""):
    return f"/o/{org.slug}/kpis/reviews/{path}"


def pdf_text(content: bytes) -> str:
    """The PDF's text, spaces (non-breaking ones included) and line breaks made one space."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


@pytest.fixture
def week():
    return last_complete_week(timezone.localdate())


def snapshot(org, start, kpi, value):
    KpiSnapshot.objects.create(organization=org, scope="organisation", scope_id="", period="week",
                               period_start=start, kpi=kpi, value=value, computed_at=timezone.now())


def prepared(org, week, *, notes="Bon mois : on garde le cap sur Noël."):
    """A review with the three pairs over eight weeks, a target, a signal, a decision and notes."""
    figures = {"revenue_excl_vat": (1000.0, 800.0), "margin": (200.0, 250.0), "repeat_purchase_rate": (0.30, 0.25),
               "cac": (12.0, 10.0), "orders": (50.0, 40.0), "capacity_utilisation": (0.80, 0.90)}
    for kpi, (this_week, last_week) in figures.items():
        snapshot(org, week, kpi, this_week)
        for k in range(1, 8):
            snapshot(org, week - k * WEEK, kpi, last_week)
    KpiTarget.objects.create(organization=org, kpi="cac", value=11.0)
    Signal.objects.create(organization=org, rule="cac_over_target", action="adjust", side="marketing",
                          evidence={"cac": 12.0, "target": 11.0}, raised_at=timezone.now())
    review, _created = review_services.review_draft_get_or_create(organization=org, week_start=week)
    owner = make_user_in(org, Role.MARKETING)
    review_services.decision_add(review=review, action="adjust", text="Baisser la remise à 15 %", owner=owner,
                                 due=week + 2 * WEEK)
    review_services.review_notes_save(review=review, notes=notes)
    return review, owner


CHARTS = 3  # one per KPI pair


@needs_chromium
def test_the_french_pdf_holds_the_week_the_pairs_the_signal_the_decision_and_the_notes(org, week):
    review, owner = prepared(org, week)
    text = pdf_text(render.review_pdf(review))
    assert "Lumière & Cire" in text
    assert f"Semaine {review.week}, 23 Nov – 29 Nov 2026" in text
    # Each pair, with its definition in French and its figures in French format.
    assert "Chiffre d'affaires HT (Montant payé TTC − remboursements) ÷ (1 + taux de TVA). 1 000,00 € 800,00 €" in text
    assert "Marge par opération" in text and "200,00 € 250,00 € −50,00 € (−20 %)" in text
    assert "Taux de réachat" in text and "30,0 % 25,0 % +5,0 pts" in text
    assert "Dépenses marketing HT ÷ nouveaux clients. 12,00 € 10,00 € +2,00 € (+20 %) 11,00 € ✗" in text
    assert "Commandes passées, hors commandes annulées et ajustements de stock. 50 40 +10 (+25 %)" in text
    assert "Volume face à la capacité livrable" in text and "80,0 % 90,0 % −10,0 pts" in text
    assert "Coût d'acquisition de 12,00 € par nouveau client, au-dessus de l'objectif de 11,00 €" in text
    assert f"Baisser la remise à 15 % {owner.email} 7 Déc 2026" in text
    assert "Bon mois : on garde le cap sur Noël." in text
    assert "Lumière & Cire — point hebdomadaire" in text and "Notes Bon mois" in text


@needs_chromium
def test_every_chart_is_drawn_with_its_caption_and_units(org, week):
    review, _owner = prepared(org, week)
    with translation.override("fr"):
        pack = weekly_pack(review)
    assert len(pack.charts) == CHARTS
    text = pdf_text(render.review_pdf(review))
    for chart in pack.charts:
        assert chart.caption in text
    # The axes' titles with their units and the legends are plotly's own SVG text: only a
    # drawn chart has them (the captions are the template's).
    for drawn in ("Chiffre d'affaires HT (EUR)", "Marge par opération (EUR)", "Taux de réachat (%)",
                  "Coût d'acquisition client (EUR)", "Volume face à la capacité livrable (%)",
                  "Objectif : Coût d'acquisition client"):
        assert drawn in text


def test_a_reviewed_packs_charts_end_on_the_figures_it_was_reviewed_on(org, week):
    review, _owner = prepared(org, week)
    KpiSnapshot.objects.filter(organization=org, period_start=week, kpi="orders").update(value=999.0)  # a recompute
    with translation.override("en"):
        pack = weekly_pack(review)
    figure = pack.pairs[2].chart.html
    assert '"y":[40.0,40.0,40.0,40.0,40.0,40.0,40.0,50.0]' in figure.replace(" ", "") and "999" not in figure


@needs_chromium
def test_an_english_organisations_pdf_is_in_english(db, week):
    org = make_org(name="Candle Works", language="en", currency="GBP")
    review, owner = prepared(org, week, notes="Steady month: keep Christmas on track.")
    text = pdf_text(render.review_pdf(review))
    assert "Candle Works — weekly pack" in text and f"Week {review.week}, 23 Nov – 29 Nov 2026" in text
    assert "Revenue (excl. VAT) (Amount paid incl. VAT − refunds) ÷ (1 + VAT rate). £1,000.00 £800.00" in text
    assert "Repeat-purchase rate" in text and "30.0% 25.0% +5.0 pts" in text
    assert "Acquisition cost £12.00 per new customer, over the £11.00 target: adjust the spend." in text
    assert "Steady month: keep Christmas on track." in text and owner.email in text
    assert "Figure 3 — Volume and deliverable capacity" in text and "Customer acquisition cost (GBP)" in text
    assert "Chiffre" not in text and "semaine" not in text.lower()


@needs_chromium
def test_a_pack_reuses_the_browser_and_leaves_nothing_of_the_one_before(org, week):
    first = make_org(name="Première boutique")
    review_a, _ = prepared(first, week, notes="Notes de la première")
    review_b, _ = prepared(org, week, notes="Notes de la seconde")
    render.review_pdf(review_a)
    browser = render._chromium._browser
    text = pdf_text(render.review_pdf(review_b))
    assert render._chromium._browser is browser
    assert "Notes de la seconde" in text and "première" not in text.lower()


def test_the_pack_names_the_benchmark_only_from_five_clients(org, week):
    consultant = make_user_in(org, Role.CONSULTANT)
    today = week + WEEK
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # the last complete one

    def margin_rate(client, value):
        KpiSnapshot.objects.create(organization=client, scope="organisation", scope_id="", period="month",
                                   period_start=month, kpi="margin_rate", value=value, computed_at=timezone.now())

    margin_rate(org, 0.50)
    review, _ = review_services.review_draft_get_or_create(organization=org, week_start=week)
    for value in (0.10, 0.20, 0.25):
        peer = make_org()
        make_user_in(peer, Role.CONSULTANT, user=consultant)
        margin_rate(peer, value)
    with translation.override("en"):
        assert weekly_pack(review, today=today).benchmarks == []  # four clients: nothing readable
        peer = make_org()
        make_user_in(peer, Role.CONSULTANT, user=consultant)
        margin_rate(peer, 0.30)
        assert weekly_pack(review, today=today).benchmarks == ["top quarter of comparable shops for margin rate"]


def test_the_pack_gives_a_coming_campaign_its_margin_after_the_cost_to_deliver(org, week):
    make_campaign(org, name="Noël", start=week + WEEK + dt.timedelta(days=2), end=week + 3 * WEEK)
    review, _ = review_services.review_draft_get_or_create(organization=org, week_start=week)
    (campaign,) = weekly_pack(review).campaigns
    assert campaign.stage == "coming" and campaign.planned_uplift == pytest.approx(0.5)
    assert campaign.planned_margin is not None and campaign.measured_uplift is None
    if campaign.cost_to_deliver is None:  # no resource described: capacity unknown, not free
        assert campaign.margin_after_delivery is None
    else:
        assert campaign.margin_after_delivery == pytest.approx(campaign.planned_margin - campaign.cost_to_deliver)


# ---------------------------------------------------------------- CSV and XLSX


def csv_blocks(body: bytes) -> list[list[list[str]]]:
    return [list(csv.reader(io.StringIO(block), delimiter=";")) for block in body.decode("utf-8-sig").split("\r\n\r\n")]


def test_the_csv_holds_the_organisation_week_notes_signals_decisions_and_kpis(org, week, client_for):
    review, owner = prepared(org, week, notes=FORMULA)
    review_services.decision_add(review=review, action="stop", text=FORMULA)
    response = client_for(make_user_in(org, Role.CONSULTANT), HTTP_ACCEPT_LANGUAGE="en").get(
        url(org, f"{review.pk}/export/?format=csv"))
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    head, notes, signals, decisions, kpis = csv_blocks(response.content)
    assert head[:5] == [["Field", "Value"], ["Organisation", "Lumière & Cire"], ["ISO week", review.week],
                        ["First day", week.isoformat()], ["Last day", (week + dt.timedelta(days=6)).isoformat()]]
    assert notes == [["Notes"], ["'" + FORMULA]]
    assert signals[0] == ["Signal", "Side", "Evidence", "Campaign"]
    assert signals[1][:2] == ["Adjust", "Marketing"]
    assert signals[1][2] == "Acquisition cost €12.00 per new customer, over the €11.00 target: adjust the spend."
    assert decisions[0] == ["Decision", "What exactly", "Owner", "Due", "Campaign", "Done"]
    assert ["Adjust", "Baisser la remise à 15 %", owner.email, (week + 2 * WEEK).isoformat(), "", "no"] in decisions
    assert ["Stop", "'" + FORMULA, "", "", "", "no"] in decisions
    assert kpis[0] == ["KPI", "Unit", "This week", "Last week", "Change", "Target", "Definition"]
    assert kpis[1] == ["Revenue (excl. VAT)", "EUR", "1000,0", "800,0", "200,0", "",
                       "(Amount paid incl. VAT − refunds) ÷ (1 + VAT rate)."]


def test_the_xlsx_has_one_sheet_per_table_and_user_text_stays_text(org, week, client_for):
    review, _owner = prepared(org, week, notes=FORMULA)
    response = client_for(make_user_in(org, Role.CONSULTANT), HTTP_ACCEPT_LANGUAGE="en").get(
        url(org, f"{review.pk}/export/?format=xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Organisation", "Notes", "Signals", "Decisions", "KPIs"]
    assert workbook["Organisation"]["B2"].value == "Lumière & Cire"
    assert (workbook["Notes"]["A2"].value, workbook["Notes"]["A2"].data_type) == (FORMULA, "s")
    assert workbook["Signals"]["A2"].value == "Adjust"
    assert [c.value for c in workbook["KPIs"][2]][:5] == ["Revenue (excl. VAT)", "EUR", 1000, 800, 200]


# ---------------------------------------------------------------- the download and the command


@needs_chromium
def test_the_pdf_download_is_in_the_organisations_language(org, week, client_for):
    review, _owner = prepared(org, week)
    response = client_for(make_user_in(org, Role.CONSULTANT), HTTP_ACCEPT_LANGUAGE="en").get(
        url(org, f"{review.pk}/export/?format=pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="plannerist-{org.slug}-review-{review.week}.pdf"' in response["Content-Disposition"]
    assert "Bon mois" in pdf_text(response.content) and "Chiffre d'affaires HT" in pdf_text(response.content)


def test_a_stranger_gets_404_on_another_organisations_pack(org, other_org, week, client_for):
    review, _owner = prepared(org, week)
    stranger = make_user_in(other_org, Role.CONSULTANT)
    for fmt in ("pdf", "csv", "xlsx"):
        assert client_for(stranger).get(url(org, f"{review.pk}/export/?format={fmt}")).status_code == 404
        assert client_for(stranger).get(url(other_org, f"{review.pk}/export/?format={fmt}")).status_code == 404


def test_the_pdf_renderer_failing_answers_503_with_the_other_formats(org, week, client_for, monkeypatch):
    review, _owner = prepared(org, week)

    def broken(html):
        raise render.RenderError("/usr/bin/chromium is missing")

    monkeypatch.setattr(render, "html_to_pdf", broken)
    response = client_for(make_user_in(org, Role.CONSULTANT), HTTP_ACCEPT_LANGUAGE="en").get(
        url(org, f"{review.pk}/export/?format=pdf"))
    assert response.status_code == 503 and "CSV or XLSX" in response.content.decode()


@needs_chromium
def test_the_command_writes_the_pdf(org, week, tmp_path, capsys):
    review, _owner = prepared(org, week)
    call_command("review_export", "--org", org.slug, "--week", review.week, "--format", "pdf",
                 "-o", str(tmp_path / "pack.pdf"))
    content = (tmp_path / "pack.pdf").read_bytes()
    assert content.startswith(b"%PDF") and "Bon mois" in pdf_text(content)
    assert "pack.pdf" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_command_writes_the_tables_in_the_organisations_language(org, week, tmp_path, fmt):
    review, _owner = prepared(org, week)
    out = tmp_path / f"pack.{fmt}"
    call_command("review_export", "--org", org.slug, "--week", review.week, "--format", fmt, "-o", str(out))
    if fmt == "csv":
        head = csv_blocks(out.read_bytes())[0]
        assert head[1] == ["Organisation", "Lumière & Cire"] and head[0] == ["Champ", "Valeur"]
    else:
        assert openpyxl.load_workbook(out).sheetnames == ["Organisation", "Notes", "Signaux", "Décisions", "Indicateurs"]


def test_the_command_prepares_the_draft_of_a_week_without_review(org, week, tmp_path):
    call_command("review_export", "--org", org.slug, "--week", f"{week.isocalendar()[0]}-W{week.isocalendar()[1]:02d}",
                 "--format", "csv", "-o", str(tmp_path / "p.csv"))
    assert WeeklyReview.objects.filter(organization=org, week_start=week).exists()


@pytest.mark.parametrize(("arguments", "field"), [
    (["--org", "nowhere", "--week", "2026-W40", "--format", "csv"], "--org"),
    (["--week", "2026-W99", "--format", "csv"], "--week"),
    (["--week", "2999-W01", "--format", "csv"], "--week"),
    (["--week", "2026-W40", "--format", "docx"], "--format"),
])
def test_the_command_refuses_bad_input_naming_the_argument(org, tmp_path, arguments, field):
    if "--org" not in arguments:
        arguments = ["--org", org.slug, *arguments]
    with pytest.raises(CommandError) as raised:
        call_command("review_export", *arguments, "-o", str(tmp_path / "out"))
    assert field in str(raised.value)
    assert raised.value.returncode == 2
    assert not (tmp_path / "out").exists()


def test_the_command_refuses_an_output_in_a_missing_directory(org, tmp_path):
    with pytest.raises(CommandError, match="--output") as raised:
        call_command("review_export", "--org", org.slug, "--week", "2026-W40", "--format", "csv",
                     "-o", str(tmp_path / "missing" / "out.csv"))
    assert raised.value.returncode == 2


def test_the_command_says_when_the_pdf_cannot_be_made(org, week, tmp_path, monkeypatch):
    review, _owner = prepared(org, week)

    def broken(html):
        raise render.RenderError("/usr/bin/chromium is missing")

    monkeypatch.setattr(render, "html_to_pdf", broken)
    with pytest.raises(CommandError, match="chromium is missing") as raised:
        call_command("review_export", "--org", org.slug, "--week", review.week, "--format", "pdf",
                     "-o", str(tmp_path / "pack.pdf"))
    assert raised.value.returncode == 1 and not (tmp_path / "pack.pdf").exists()
