"""Signal rules on weekly KPIs and the capacity outlook; no Django."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpis.engine.rules import (
    CampaignWindow,
    ResourceOutlook,
    StockOut,
    Thresholds,
    evaluate,
    last_complete_week,
)

TODAY = dt.date(2026, 11, 25)  # a Wednesday
LAST = dt.date(2026, 11, 16)  # Monday of the last complete ISO week


def weeks(values: dict[str, list[float]], scope=("organisation", ""), last=LAST) -> pd.DataFrame:
    """KPI → values oldest first, the last one being the week starting ``last``."""
    rows = []
    for kpi, series in values.items():
        for k, value in enumerate(reversed(series)):
            rows.append((scope[0], scope[1], last - dt.timedelta(weeks=k), kpi, value))
    return pd.DataFrame(rows, columns=["scope", "scope_id", "period_start", "kpi", "value"])


def rules_of(findings) -> list[str]:
    return sorted(f.rule for f in findings)


def run(weekly, **kwargs):
    kwargs.setdefault("targets", {})
    kwargs.setdefault("thresholds", Thresholds())
    return evaluate(weekly, today=TODAY, **kwargs)


def test_the_last_complete_week_is_the_iso_week_before_today():
    assert last_complete_week(TODAY) == LAST
    assert last_complete_week(dt.date(2026, 11, 23)) == LAST  # a Monday: last week is the one before


def test_a_negative_margin_per_order_says_stop():
    [finding] = run(weeks({"margin_per_order": [5, 5, 5, 5, -1.5], "orders": [1, 1, 1, 1, 40]}))
    assert (finding.rule, finding.action, finding.side) == ("margin_negative", "stop", "shared")
    assert finding.evidence["margin_per_order"] == -1.5 and finding.evidence["week"] == "2026-11-16"


def test_a_margin_falling_past_the_threshold_says_adjust_and_not_below_it():
    [finding] = run(weeks({"margin_per_order": [10, 10, 12, 8, 7.0]}))  # usual 10, −30 %
    assert finding.rule == "margin_falling"
    assert finding.evidence["drop"] == pytest.approx(0.3)
    assert run(weeks({"margin_per_order": [10, 10, 12, 8, 8.5]})) == []  # −15 %, under 20 %


def test_forecast_utilisation_over_the_limit_names_the_resource_and_its_first_day():
    prep = ResourceOutlook("Préparation", 1.31, dt.date(2026, 12, 14), 6)
    support = ResourceOutlook("Support", 0.7, None, 0)
    [finding] = run(weeks({}), resources=[prep, support])
    assert (finding.rule, finding.subject, finding.side) == ("utilisation_over", "Préparation", "operations")
    assert finding.evidence == {"peak_utilisation": 1.31, "overloaded_days": 6, "first_overloaded": "2026-12-14"}


def test_cac_over_target_only_when_a_target_is_set():
    weekly = weeks({"cac": [20, 20, 20, 20, 31.0]})
    assert run(weekly) == []
    [finding] = run(weekly, targets={"cac": 25.0})
    assert (finding.rule, finding.side, finding.evidence["cac"], finding.evidence["target"]) == (
        "cac_over_target", "marketing", 31.0, 25.0)


def test_roas_over_target_amplifies_only_with_capacity_headroom():
    weekly = weeks({"roas": [4, 4, 4, 4, 6.0]})
    roomy = [ResourceOutlook("Préparation", 0.6, None, 0)]
    tight = [ResourceOutlook("Préparation", 0.95, None, 0)]
    [finding] = run(weekly, targets={"roas": 5.0}, resources=roomy)
    assert (finding.rule, finding.action) == ("roas_amplify", "amplify")
    assert run(weekly, targets={"roas": 5.0}, resources=tight) == []
    assert run(weekly, targets={"roas": 5.0}) == []  # capacity unknown: no amplify advice


def test_a_return_rate_spike_against_the_usual_weeks():
    [finding] = run(weeks({"return_rate": [0.04, 0.05, 0.04, 0.03, 0.09]}))  # usual 0.04, ×2.25
    assert finding.rule == "return_spike" and finding.evidence["usual"] == pytest.approx(0.04)
    assert run(weeks({"return_rate": [0.004, 0.004, 0.004, 0.004, 0.015]})) == []  # below the 2 % floor


def test_a_campaign_losing_money_per_order_over_its_weeks_says_stop_with_its_link():
    campaign = CampaignWindow(7, "Black Friday", dt.date(2026, 11, 9), dt.date(2026, 11, 30))
    weekly = weeks({"margin": [-40.0, 10.0], "orders": [10, 10]}, scope=("campaign", "7"))
    [finding] = run(weekly, campaigns=[campaign])
    assert (finding.rule, finding.campaign_id, finding.subject) == ("campaign_margin_negative", 7, "Black Friday")
    assert finding.evidence["margin_per_order"] == pytest.approx(-1.5)


def test_no_signal_rests_on_an_unknown_margin():
    campaign = CampaignWindow(7, "Black Friday", dt.date(2026, 11, 9), dt.date(2026, 11, 30))
    # A week whose costs are missing would make the campaign's sum −40: no stop on a guess.
    weekly = weeks({"margin": [-40.0, float("nan")], "orders": [10, 10]}, scope=("campaign", "7"))
    assert run(weekly, campaigns=[campaign]) == []
    org = weeks({"margin_per_order": [5.0, 5.0, 5.0, 5.0, float("nan")], "cac": [float("nan")] * 5,
                 "roas": [float("nan")] * 5})
    assert run(org, targets={"cac": 10.0, "roas": 5.0}) == []


def test_a_stockout_before_the_end_of_a_campaign_that_sells_the_product():
    noel = CampaignWindow(3, "Noël", dt.date(2026, 12, 1), dt.date(2026, 12, 24), skus=frozenset({"BOUG-01"}))
    whole = CampaignWindow(4, "Soldes", dt.date(2027, 1, 7), dt.date(2027, 1, 31))
    outs = [StockOut("BOUG-01", dt.date(2026, 12, 20)), StockOut("SAV-02", dt.date(2026, 12, 10)),
            StockOut("CIRE-03", dt.date(2027, 2, 10))]  # after every campaign: no signal
    noel_finding, sales_finding = run(weeks({}), campaigns=[noel, whole], stockouts=outs)
    # Noël sells only BOUG-01; the sales sell everything, already out before they start:
    # one finding per campaign, its products by stock-out date.
    assert (noel_finding.campaign_id, noel_finding.subject) == (3, "Noël")
    assert noel_finding.evidence["products"] == [{"sku": "BOUG-01", "stockout_date": "2026-12-20"}]
    assert (sales_finding.campaign_id, sales_finding.evidence["campaign_end"]) == (4, "2027-01-31")
    assert [p["sku"] for p in sales_finding.evidence["products"]] == ["SAV-02", "BOUG-01"]
    assert (sales_finding.evidence["sku"], sales_finding.evidence["stockout_date"]) == ("SAV-02", "2026-12-10")


def test_thresholds_are_the_organisations():
    weekly = weeks({"margin_per_order": [10, 10, 10, 10, 8.5]})
    assert run(weekly) == []
    assert rules_of(run(weekly, thresholds=Thresholds(margin_drop=0.1))) == ["margin_falling"]


# ------------------------------------------------------------------ a live campaign's pace


def pace(**fields):
    from kpis.engine.rules import LivePace

    values = dict(id=3, name="Noël", days_elapsed=4, days_total=10, min_days=3, enough=True, uplift=0.12,
                  uplift_lo80=0.05, uplift_hi80=0.19, planned_uplift=0.40, margin=-180.0, margin_lo80=-260.0,
                  margin_hi80=-90.0)
    return LivePace(**{**values, **fields})


ROOMY = [ResourceOutlook("Préparation", 0.6, None, 0)]


def test_a_pace_whose_margin_interval_lies_below_zero_says_stop_with_its_evidence():
    (finding,) = run(pd.DataFrame(columns=["scope", "scope_id", "period_start", "kpi", "value"]), paces=[pace()])
    assert (finding.rule, finding.action, finding.campaign_id) == ("campaign_pace_stop", "stop", 3)
    assert finding.evidence["days"] == 4 and finding.evidence["planned_uplift"] == 0.40
    assert finding.evidence["margin"] == -180.0


EMPTY = pd.DataFrame(columns=["scope", "scope_id", "period_start", "kpi", "value"])


@pytest.mark.parametrize("fields", [
    {"enough": False},  # under three days with actuals: no verdict
    {"margin": None, "margin_lo80": None, "margin_hi80": None},  # cost unknown: no verdict on a guess
    {"margin_hi80": 20.0},  # the interval holds zero
])
def test_no_pace_signal_without_enough_days_a_known_margin_or_a_clear_interval(fields):
    assert run(EMPTY, paces=[pace(**fields)], resources=ROOMY) == []


def test_a_pace_beating_the_plan_with_a_positive_margin_and_headroom_says_amplify():
    good = pace(uplift=0.55, margin=900.0, margin_lo80=400.0, margin_hi80=1400.0)
    (finding,) = run(EMPTY, paces=[good], resources=ROOMY)
    assert (finding.rule, finding.action) == ("campaign_pace_amplify", "amplify")
    assert finding.evidence["peak_utilisation"] == 0.6
    assert run(EMPTY, paces=[good], resources=[ResourceOutlook("Préparation", 0.9, None, 0)]) == []  # no headroom
    assert run(EMPTY, paces=[good]) == []  # capacity unknown: no headroom either
    assert run(EMPTY, paces=[pace(uplift=0.30, margin=900.0, margin_lo80=400.0, margin_hi80=1400.0)],
               resources=ROOMY) == []  # earns, but below its plan: keep
