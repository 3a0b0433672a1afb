"""Commentary from the numbers: the rules (pure, reviews.engine.commentary), their sentences in
French and English with the figures they stand on, and the draft's notes starting with them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from kpis.models import KpiSnapshot, KpiTarget
from reviews import services
from reviews.commentary import review_commentary, sentence
from reviews.engine.commentary import LOOKBACK_WEEKS, Remark, remarks

WEEK = dt.timedelta(days=7)
LAST = dt.date(2026, 11, 23)
KPIS = {"return_rate": ("lower", "share"), "orders": ("higher", "count"), "margin": ("higher", "currency"),
        "cac": ("lower", "currency")}


def table(**series) -> pd.DataFrame:
    n = max(len(v) for v in series.values())
    index = [LAST - (n - 1 - k) * WEEK for k in range(n)]
    return pd.DataFrame({key: [np.nan] * (n - len(v)) + list(v) for key, v in series.items()}, index=index)


def rules_of(found):
    return [(r.rule, r.kpi) for r in found]


# ---------------------------------------------------------------- the rules (no database)


def test_a_doubled_return_rate_is_said_with_both_weeks_figures():
    found = remarks(table(return_rate=[0.05, 0.051, 0.06, 0.07, 0.08, 0.10]), week=LAST, kpis=KPIS, targets={})
    assert found == [Remark("doubled", "return_rate", 0.10, 0.051, LAST, LAST - LOOKBACK_WEEKS * WEEK, 4)]
    # 10 % against 6 % is a rise, not a doubling; the highest of six weeks then.
    assert rules_of(remarks(table(return_rate=[0.05, 0.06, 0.06, 0.07, 0.08, 0.10]), week=LAST, kpis=KPIS,
                            targets={})) == [("highest", "return_rate")]


def test_a_halved_margin_is_said():
    found = remarks(table(margin=[200, 200, 150, 120, 100]), week=LAST, kpis=KPIS, targets={})
    assert rules_of(found) == [("halved", "margin")] and found[0].reference == 200


def test_three_weeks_off_target_comes_before_any_other_remark():
    frame = table(orders=[40, 40, 40, 80], cac=[9, 12, 12.5, 13])
    found = remarks(frame, week=LAST, kpis=KPIS, targets={"cac": 11.0})
    assert rules_of(found) == [("under_target", "cac"), ("doubled", "orders")] or rules_of(found) == [
        ("under_target", "cac"), ("up", "orders")]
    assert found[0].weeks == 3 and found[0].reference == 11.0


def test_two_weeks_off_target_is_not_a_streak():
    assert remarks(table(cac=[10, 12, 12]), week=LAST, kpis=KPIS, targets={"cac": 11.0}) == []


def test_a_big_week_on_week_change_is_said_a_small_one_is_not():
    assert rules_of(remarks(table(orders=[50, 50, 40, 50]), week=LAST, kpis=KPIS, targets={})) == [("up", "orders")]
    assert remarks(table(orders=[50, 50, 48, 50]), week=LAST, kpis=KPIS, targets={}) == []
    # A share moves in points: 10 % → 16 % is 6 points, said; 10 % → 13 % is not.
    assert rules_of(remarks(table(return_rate=[0.10, 0.16]), week=LAST, kpis=KPIS, targets={})) == [
        ("up", "return_rate")]
    assert remarks(table(return_rate=[0.10, 0.13]), week=LAST, kpis=KPIS, targets={}) == []


def test_a_count_from_zero_has_no_rate_to_say():
    assert remarks(table(orders=[0, 5]), week=LAST, kpis=KPIS, targets={}) == []


def test_the_highest_in_the_weeks_shown_is_said():
    found = remarks(table(margin=[100, 110, 105, 108, 112, 115, 120]), week=LAST, kpis=KPIS, targets={})
    assert found == [Remark("highest", "margin", 120.0, None, LAST, None, 7)]


def test_nothing_is_said_of_a_week_that_is_not_the_last_of_the_table_or_has_no_figure():
    assert remarks(table(orders=[10, 40]), week=LAST - WEEK, kpis=KPIS, targets={}) == []
    frame = table(orders=[10, 40])
    frame.loc[LAST, "orders"] = np.nan
    assert remarks(frame, week=LAST, kpis=KPIS, targets={}) == []


def test_one_remark_per_kpi_and_at_most_the_limit():
    frame = table(orders=[10, 10, 10, 10, 10, 40], margin=[10, 10, 10, 10, 10, 40], return_rate=[0.1] * 5 + [0.3],
                  cac=[1, 1, 1, 1, 1, 4])
    found = remarks(frame, week=LAST, kpis=KPIS, targets={}, limit=3)
    assert len(found) == 3 and len({r.kpi for r in found}) == 3


@given(st.lists(st.floats(min_value=0, max_value=1e6) | st.just(float("nan")), min_size=1, max_size=8),
       st.none() | st.floats(min_value=0, max_value=1e6))
def test_every_remark_quotes_the_tables_own_figures(values, target):
    frame = table(orders=values)
    for remark in remarks(frame, week=LAST, kpis=KPIS, targets={} if target is None else {"orders": target}):
        assert remark.value == frame.loc[LAST, "orders"]
        if remark.reference_week is not None:
            assert remark.reference == frame.loc[remark.reference_week, "orders"]
        elif remark.rule == "under_target":
            assert remark.reference == target


# ---------------------------------------------------------------- the sentences


def test_the_french_sentence_names_the_kpi_and_its_figures():
    remark = Remark("doubled", "return_rate", 0.10, 0.051, LAST, LAST - 4 * WEEK, 4)
    with translation.override("fr"):
        text = sentence(remark, "EUR").replace("\u202f", " ").replace("\u00a0", " ")
    assert text == "Le taux de retour a doublé depuis 4 semaines : 10,0 % en 2026-W48 contre 5,1 % en 2026-W44."
    with translation.override("en"):
        assert sentence(remark, "EUR") == (
            "The return rate has doubled in 4 weeks: 10.0% in 2026-W48 against 5.1% in 2026-W44.")


@pytest.mark.parametrize(("rule", "fr"), [
    ("under_target", "Le coût d'acquisition client manque son objectif depuis 3 semaines : 13,00 € en 2026-W48 "
                     "pour un objectif de 11,00 €."),
    ("up", "Le coût d'acquisition client a augmenté de 18 % en une semaine : 13,00 € en 2026-W48 contre 11,00 € "
           "en 2026-W47."),
    ("down", "Le coût d'acquisition client a baissé de 18 % en une semaine : 13,00 € en 2026-W48 contre 11,00 € "
             "en 2026-W47."),
    ("highest", "Le coût d'acquisition client est au plus haut depuis 3 semaines : 13,00 € en 2026-W48."),
])
def test_each_rule_has_its_french_sentence(rule, fr):
    reference = None if rule == "highest" else 11.0
    week = LAST - WEEK if rule in ("up", "down") else None
    with translation.override("fr"):
        text = sentence(Remark(rule, "cac", 13.0, reference, LAST, week, 3 if week is None else 1), "EUR")
    assert text.replace("\u202f", " ").replace("\u00a0", " ") == fr


# ---------------------------------------------------------------- the draft's notes


def snapshot(org, start, kpi, value):
    KpiSnapshot.objects.create(organization=org, scope="organisation", scope_id="", period="week",
                               period_start=start, kpi=kpi, value=value, computed_at=timezone.now())


def test_the_draft_notes_start_with_the_commentary_in_the_organisations_language(org, django_assert_num_queries):
    for k, value in enumerate([0.05, 0.05, 0.05, 0.051, 0.06, 0.07, 0.08, 0.10]):
        snapshot(org, LAST - (7 - k) * WEEK, "return_rate", value)
    for k in range(8):
        snapshot(org, LAST - k * WEEK, "cac", 12.0)
    KpiTarget.objects.create(organization=org, kpi="cac", value=11.0)
    with django_assert_num_queries(2):  # the weeks' snapshots, the targets
        with translation.override("en"):
            review_commentary(org, LAST)
    with translation.override("en"):  # the reader's language is not the organisation's
        review, created = services.review_draft_get_or_create(organization=org, week_start=LAST)
    assert created
    lines = review.notes.replace("\u202f", " ").replace("\u00a0", " ").splitlines()
    assert lines == [
        "Le coût d'acquisition client manque son objectif depuis 8 semaines : 12,00 € en 2026-W48 pour un objectif "
        "de 11,00 €.",
        "Le taux de retour a doublé depuis 4 semaines : 10,0 % en 2026-W48 contre 5,1 % en 2026-W44.",
    ]


def test_the_consultant_edits_the_commentary_before_sending(org, client_for, make_user_in):
    from plannerist.models import Role

    for k, value in enumerate([40, 40, 40, 40, 40, 40, 40, 80]):
        snapshot(org, LAST - (7 - k) * WEEK, "orders", value)
    review, _ = services.review_draft_get_or_create(organization=org, week_start=LAST)
    assert "Le nombre de commandes a doublé" in review.notes
    consultant = make_user_in(org, Role.CONSULTANT)
    edited = review.notes.replace("a doublé", "a doublé grâce au Black Friday")
    client_for(consultant).post(f"/o/{org.slug}/kpis/reviews/{review.pk}/notes/", {"notes": edited})
    review.refresh_from_db()
    assert "grâce au Black Friday" in review.notes
