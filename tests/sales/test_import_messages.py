"""Import errors read in the page's language, those written before too (kept as the readers
wrote them, in English, by the web process or the worker)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from plannerist.models import Role
from sales.import_messages import PLURALS, TEMPLATES, import_message
from sales.models import ImportBatch
from sales.readers import read_orders
from tests import factories
from tests.sales.test_import_bad_files import BAD, COMPANIONS

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _messages(bad) -> list[str]:
    made = bad.files()
    files = ([COMPANIONS[bad.format]()] if bad.with_good_file else []) + (made if isinstance(made, list) else [made])
    result = read_orders(files, format=bad.format, salt="salt", mapping=bad.mapping, cancel_prefix=bad.cancel_prefix)
    return [error.message for error in result.errors]


@pytest.mark.parametrize("kind", list(BAD))
def test_every_bad_file_message_is_said_in_french(kind):
    with translation.override("en"):
        english = _messages(BAD[kind])
    with translation.override("fr"):
        shown = [import_message(message) for message in _messages(BAD[kind])]
    untranslated = [text for text, before in zip(shown, english, strict=True) if text == before]
    assert not untranslated, untranslated


def _marked_in_the_readers() -> tuple[set[str], set[tuple[str, str]]]:
    """The messages sales/readers marks with gettext / ngettext, read from its source."""
    import ast
    from pathlib import Path

    import sales.readers

    singles, plurals = set(), set()
    for path in Path(sales.readers.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if node.func.id == "gettext" and texts:
                    singles.add(texts[0])
                elif node.func.id == "ngettext" and len(texts) == 2:
                    plurals.add((texts[0], texts[1]))
    return singles, plurals


def test_every_message_the_readers_mark_is_translated_where_it_is_shown():
    """One translation path: the readers write English, the page says it in its language."""
    singles, plurals = _marked_in_the_readers()
    assert len(singles) >= 7 and len(plurals) >= 3
    assert singles <= set(TEMPLATES), singles - set(TEMPLATES)
    assert plurals <= set(PLURALS), plurals - set(PLURALS)
    with translation.override("fr"):
        assert translation.gettext("this cell is blank") != "this cell is blank"
        assert _messages(BAD[next(iter(BAD))]) == _english(BAD[next(iter(BAD))])  # read in English, always


def _english(bad) -> list[str]:
    with translation.override("en"):
        return _messages(bad)


def test_a_plural_message_is_said_in_french_with_its_count():
    singular, plural = PLURALS[0]
    with translation.override("fr"):
        one = import_message(singular % {"found": "USD", "books": "EUR"})
        many = import_message(plural % {"found": "USD", "books": "EUR", "count": 3, "rows": "2, 5, 9"})
    assert one.startswith("cette commande est en USD") and "EUR" in one
    assert many.startswith("3 commandes du fichier sont en USD (lignes 2, 5, 9)")


def test_every_template_has_its_french_and_the_same_values():
    with translation.override("fr"):
        for template in TEMPLATES:
            french = translation.gettext(template)
            assert french != template, template
            assert set(PLACEHOLDER.findall(french)) == set(PLACEHOLDER.findall(template)), template


def test_a_message_is_matched_with_its_values_and_an_unknown_one_is_left_as_it_is():
    with translation.override("fr"):
        assert import_message("'2026-13-01' is not a date (expected dd/mm/yyyy, dd/mm/yyyy hh:mm or "
                              "yyyy-mm-dd hh:mm:ss, from 1900 to 2199)") == (
            "'2026-13-01' n'est pas une date (attendu : jj/mm/aaaa, jj/mm/aaaa hh:mm ou aaaa-mm-jj hh:mm:ss, "
            "de 1900 à 2199)")
        assert import_message("the quantity in 'x' is not a number") == "la quantité dans 'x' n'est pas un nombre"
        assert import_message("not a Shopify orders export: missing column(s) Name; the file has: a, b") == (
            "ce n'est pas un export de commandes Shopify : colonne(s) manquante(s) Name ; le fichier contient : a, b")
        assert import_message("déjà en français") == "déjà en français"
    with translation.override("en"):
        assert import_message("this cell is blank") == "this cell is blank"


@pytest.mark.django_db
def test_a_failed_import_kept_in_english_shows_in_french(org, client_for):
    owner = factories.make_user_in(org, Role.OWNER)
    batch = factories.make_import_batch(org, status=ImportBatch.Status.FAILED, errors=[
        {"file": "commandes.csv", "row": 3, "column": "date", "code": "bad_date",
         "message": "'hier' is not a date (expected dd/mm/yyyy, dd/mm/yyyy hh:mm or yyyy-mm-dd hh:mm:ss, from 1900 to 2199)"},
        {"file": "commandes.csv", "row": None, "column": None, "code": "empty", "message": "the file is empty"},
    ])
    html = client_for(owner, HTTP_ACCEPT_LANGUAGE="fr").get(f"/o/{org.slug}/kpis/imports/{batch.pk}/").content.decode()
    assert "&#x27;hier&#x27; n&#x27;est pas une date (attendu : jj/mm/aaaa" in html
    assert "le fichier est vide" in html and "is not a date" not in html
