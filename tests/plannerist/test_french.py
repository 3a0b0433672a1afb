"""In French, no page shows an English sentence the French catalogue translates.

Every page and htmx partial of an organisation with data (the canary's walk) is rendered in
French; its text (what is read, and the tooltips and labels a screen reader says) must not
hold any msgid of the French catalogue whose translation differs and that is a sentence of
three words or more, its placeholders standing for any value.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import override

from plannerist.models import Role
from sales.models import ImportBatch
from sales.readers import OrderFile, read_orders
from tests import factories
from tests.kpis.factories import GENERIC_HEADER
from tests.plannerist.org_data import fill_every_table, seed_business
from tests.plannerist.test_canary import walk
from tests.plannerist.test_markup_escaped import figure_strings

# The attributes whose text is shown or read out: tooltips, labels, placeholders.
SPOKEN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-announce"}
_PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdfi]|%[sdf]")
_WORD = re.compile(r"[A-Za-z]{2,}")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        self.parts.extend(value for name, value in attrs if name in SPOKEN_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(page: str) -> str:
    """What the page says: its text, its spoken attributes and its charts' text, one line each."""
    parser = _Text()
    parser.feed(page)
    parts = parser.parts + list(figure_strings(page))
    return "\n".join(" ".join(part.split()) for part in parts if part.strip())


def english_sentences() -> list[tuple[str, re.Pattern]]:
    """(msgid, its pattern) for each translated sentence of the French catalogue."""
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale/fr/LC_MESSAGES/django.po"))
    sentences = []
    for entry in catalogue.translated_entries():
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            literal = " ".join(_PLACEHOLDER.sub(" ", msgid).split())
            if msgid in translations or len(_WORD.findall(literal)) < 3:
                continue
            pieces = [" ".join(piece.split()) for piece in _PLACEHOLDER.split(" ".join(msgid.split()))]
            if "python-format" in entry.flags:  # a template's "100 %" is the msgid "100 %%"
                pieces = [piece.replace("%%", "%") for piece in pieces]
            pieces = [re.escape(piece) for piece in pieces]
            sentences.append((msgid, re.compile(r"[^\n]{0,80}?".join(pieces))))
    return sentences


@pytest.fixture
def shop(db):
    org = factories.make_org(slug="lumiere-et-cire", name="Lumière & Cire", language="fr")
    seed_business(org)
    fill_every_table(org)
    # A failed import, its errors kept in English as the readers wrote them.
    bad = OrderFile("commandes.csv", (GENERIC_HEADER + "A1;hier;S;Bougie;deux;12,00;;;;;;;;;EUR\n").encode())
    with override("en"):
        errors = read_orders([bad], format="generic", salt="salt").errors
    batch = org.import_batches.order_by("pk").first()
    batch.status, batch.errors = ImportBatch.Status.FAILED, [
        {"file": e.file, "row": e.row, "column": e.column, "code": e.code, "message": e.message} for e in errors]
    batch.save(update_fields=["status", "errors"])
    return org


def test_no_page_shows_an_english_sentence_in_french(shop):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(factories.make_user_in(shop, Role.OWNER))
    sentences = english_sentences()
    assert len(sentences) > 300
    found, pages = {}, 0
    for what, response in walk(client, shop):
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages += 1
        text = page_text(response.content.decode())
        for msgid, pattern in sentences:
            if msgid not in found and pattern.search(text):
                found[msgid] = what
    assert pages > 40
    assert not found, "English on French pages:\n" + "\n".join(f"{what}: {msgid!r}" for msgid, what in found.items())


def test_every_kpi_definition_has_its_french_formula():
    from django.utils.translation import gettext

    from kpis.engine import KPI_DEFINITIONS

    with override("fr"):
        untranslated = [d.key for d in KPI_DEFINITIONS if gettext(d.formula) == d.formula]
    assert not untranslated, f"add the French of these KPIs' formulas to the catalogue: {untranslated}"
