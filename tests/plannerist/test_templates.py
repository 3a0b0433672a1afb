"""Templates say only what they mean to: Django's ``{# #}`` comment holds on one line only, so a
comment spread over two lines is printed on every page that extends the template."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

TEMPLATES = sorted(p for d in settings.TEMPLATES[0]["DIRS"] for p in Path(d).rglob("*.html"))


def test_the_templates_are_found():
    assert any(p.name == "base.html" for p in TEMPLATES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_one_line_comment_runs_over_two_lines(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    unclosed = [n for n, line in enumerate(lines, 1) if line.count("{#") > line.count("#}")]
    assert not unclosed, f"{path}: '{{#' without '#}}' on line(s) {unclosed}: use {{% comment %}}"


def test_the_base_page_shows_no_template_comment(rf):
    html = render_to_string("base.html", request=rf.get("/"))
    body = html.split("<body", 1)[1]
    assert "#}" not in html and "One rule for invalid input" not in body
