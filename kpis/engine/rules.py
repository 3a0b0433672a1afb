"""Signals: rules over the weekly KPI snapshots and the capacity forecast, pure Python.

Each rule says what to do (stop, adjust, amplify), which side owns it and on what evidence.
"Last week" is the last complete ISO week before ``today``; "usual" is the mean of the
``lookback_weeks`` weeks before it (weeks without a value are skipped). No Django here: the
inputs are plain frames and dataclasses built by :mod:`kpis.selectors`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


@dataclasses.dataclass(frozen=True)
class Thresholds:
    margin_drop: float = 0.20  # margin per order falling by more than this share
    utilisation_limit: float = 1.0  # forecast utilisation above this: add capacity or move dates
    headroom_utilisation: float = 0.80  # ...below this, there is room to amplify
    return_spike: float = 1.5  # return rate above this multiple of the usual rate
    return_rate_floor: float = 0.02  # return rates below this are never a spike
    lookback_weeks: int = 4


@dataclasses.dataclass(frozen=True)
class ResourceOutlook:
    """One resource over the forecast horizon."""

    name: str
    peak_utilisation: float  # NaN when it never works in the horizon
    first_overloaded: dt.date | None
    overloaded_days: int


@dataclasses.dataclass(frozen=True)
class CampaignWindow:
    id: int
    name: str
    start: dt.date
    end: dt.date
    skus: frozenset[str] | None = None  # None: the whole catalogue


@dataclasses.dataclass(frozen=True)
class LivePace:
    """A live campaign's days so far against its counterfactual and its projected end
    (``campaigns.in_flight.live_projection``): uplifts are of the shop's orders; the margins are
    the projected incremental margin after the cost to deliver, with its 80 % interval (None:
    unknown, and no verdict rests on a guess); ``enough``: at least ``min_days`` days with actuals."""

    id: int
    name: str
    days_elapsed: int
    days_total: int
    min_days: int
    enough: bool
    uplift: float | None
    uplift_lo80: float | None
    uplift_hi80: float | None
    planned_uplift: float
    margin: float | None
    margin_lo80: float | None
    margin_hi80: float | None
    # What the dashboard shows beside the rule's inputs (the projected end; None: unknown).
    orders: float | None = None
    orders_lo80: float | None = None
    orders_hi80: float | None = None
    baseline_total: float | None = None
    revenue: float | None = None
    cost_to_deliver: float | None = None
    unknown: str | None = None


@dataclasses.dataclass(frozen=True)
class StockOut:
    sku: str
    date: dt.date


@dataclasses.dataclass(frozen=True)
class Finding:
    rule: str
    action: str  # "stop" | "adjust" | "amplify"
    side: str  # "marketing" | "operations" | "shared"
    subject: str
    evidence: dict
    campaign_id: int | None = None


RULES: tuple[str, ...] = (
    "margin_negative", "campaign_margin_negative", "margin_falling", "utilisation_over",
    "cac_over_target", "roas_amplify", "return_spike", "stockout_before_campaign_end",
    "campaign_pace_stop", "campaign_pace_amplify",
)  # fmt: skip


def last_complete_week(today: dt.date) -> dt.date:
    """The Monday of the ISO week before ``today``'s."""
    return today - dt.timedelta(days=today.weekday() + 7)


def evaluate(
    weekly: pd.DataFrame,
    *,
    today: dt.date,
    targets: Mapping[str, float],
    thresholds: Thresholds,
    resources: Sequence[ResourceOutlook] = (),
    campaigns: Sequence[CampaignWindow] = (),
    stockouts: Sequence[StockOut] = (),
    paces: Sequence[LivePace] = (),
) -> list[Finding]:
    """Every rule's findings. ``weekly`` holds ``scope, scope_id, period_start, kpi, value``
    for ISO weeks (``scope_id`` of a campaign is its id as a string)."""
    week = last_complete_week(today)
    org = _series(weekly, "organisation", "")
    findings: list[Finding] = []
    findings += _margin(org, week, thresholds)
    findings += _campaign_margins(weekly, campaigns, today, thresholds)
    findings += _utilisation(resources, thresholds)
    findings += _cac(org, week, targets)
    findings += _roas(org, week, targets, resources, thresholds)
    findings += _returns(org, week, thresholds)
    findings += _stockouts(campaigns, stockouts, today)
    findings += _paces(paces, resources, thresholds)
    return findings


def _series(weekly: pd.DataFrame, scope: str, scope_id: str) -> pd.DataFrame:
    """One scope's weeks: a frame indexed by Monday, one column per KPI."""
    rows = weekly.loc[(weekly["scope"] == scope) & (weekly["scope_id"] == scope_id)]
    if rows.empty:
        return pd.DataFrame()
    table = rows.pivot_table(index="period_start", columns="kpi", values="value", aggfunc="last")
    table.index = pd.Index([pd.Timestamp(d).date() for d in table.index])
    return table.sort_index()


def _value(table: pd.DataFrame, week: dt.date, kpi: str) -> float:
    if kpi not in table.columns or week not in table.index:
        return float("nan")
    value = table.at[week, kpi]
    return float("nan") if value is None or pd.isna(value) else float(value)


def _usual(table: pd.DataFrame, week: dt.date, kpi: str, weeks: int) -> float:
    if kpi not in table.columns:
        return float("nan")
    before = [week - dt.timedelta(weeks=k) for k in range(1, weeks + 1)]
    values = table[kpi].reindex(before).dropna()
    return float(values.mean()) if len(values) else float("nan")


def _margin(org: pd.DataFrame, week: dt.date, t: Thresholds) -> list[Finding]:
    value = _value(org, week, "margin_per_order")
    if np.isnan(value):
        return []
    if value < 0:
        return [Finding("margin_negative", "stop", "shared", "",
                        {"week": week.isoformat(), "margin_per_order": value,
                         "orders": _value(org, week, "orders")})]
    usual = _usual(org, week, "margin_per_order", t.lookback_weeks)
    if usual > 0 and value < usual * (1 - t.margin_drop):
        return [Finding("margin_falling", "adjust", "shared", "",
                        {"week": week.isoformat(), "margin_per_order": value, "usual": usual,
                         "drop": 1 - value / usual})]
    return []


def _campaign_margins(
    weekly: pd.DataFrame, campaigns: Sequence[CampaignWindow], today: dt.date, t: Thresholds
) -> list[Finding]:
    """A campaign running or ended within the look-back whose margin per order, over all its
    weeks so far, is negative."""
    since = today - dt.timedelta(weeks=t.lookback_weeks)
    findings = []
    for campaign in campaigns:
        if campaign.start > today or campaign.end < since:
            continue
        table = _series(weekly, "campaign", str(campaign.id))
        if table.empty or "margin" not in table.columns or "orders" not in table.columns:
            continue
        if table["margin"].isna().any():  # a week's margin unknown (costs missing): no verdict on a guess
            continue
        orders, margin = float(table["orders"].sum()), float(table["margin"].sum())
        if orders > 0 and margin < 0:
            findings.append(Finding(
                "campaign_margin_negative", "stop", "shared", campaign.name,
                {"margin_per_order": margin / orders, "orders": orders, "margin": margin},
                campaign_id=campaign.id,
            ))
    return findings


def _utilisation(resources: Sequence[ResourceOutlook], t: Thresholds) -> list[Finding]:
    return [
        Finding("utilisation_over", "adjust", "operations", r.name,
                {"peak_utilisation": r.peak_utilisation, "overloaded_days": r.overloaded_days,
                 "first_overloaded": r.first_overloaded.isoformat() if r.first_overloaded else None})
        for r in resources
        if not np.isnan(r.peak_utilisation) and r.peak_utilisation > t.utilisation_limit
    ]


def _cac(org: pd.DataFrame, week: dt.date, targets: Mapping[str, float]) -> list[Finding]:
    target, value = targets.get("cac"), _value(org, week, "cac")
    if target is None or np.isnan(value) or value <= target:
        return []
    return [Finding("cac_over_target", "adjust", "marketing", "",
                    {"week": week.isoformat(), "cac": value, "target": target})]


def _roas(
    org: pd.DataFrame, week: dt.date, targets: Mapping[str, float],
    resources: Sequence[ResourceOutlook], t: Thresholds,
) -> list[Finding]:
    target, value = targets.get("roas"), _value(org, week, "roas")
    if target is None or np.isnan(value) or value < target:
        return []
    peaks = [r.peak_utilisation for r in resources if not np.isnan(r.peak_utilisation)]
    peak = max(peaks) if peaks else float("nan")
    if np.isnan(peak) or peak >= t.headroom_utilisation:
        return []
    return [Finding("roas_amplify", "amplify", "marketing", "",
                    {"week": week.isoformat(), "roas": value, "target": target, "peak_utilisation": peak})]


def _returns(org: pd.DataFrame, week: dt.date, t: Thresholds) -> list[Finding]:
    value = _value(org, week, "return_rate")
    usual = _usual(org, week, "return_rate", t.lookback_weeks)
    if np.isnan(value) or value < t.return_rate_floor:
        return []
    if np.isnan(usual) or value <= usual * t.return_spike:
        return []
    return [Finding("return_spike", "adjust", "operations", "",
                    {"week": week.isoformat(), "return_rate": value, "usual": usual})]


def _stockouts(
    campaigns: Sequence[CampaignWindow], stockouts: Sequence[StockOut], today: dt.date
) -> list[Finding]:
    """Products running out on or before the last day of a campaign that sells them: one
    finding per campaign, its products by stock-out date (the first also as ``sku`` and
    ``stockout_date``)."""
    findings = []
    for campaign in campaigns:
        if campaign.end < today:
            continue
        outs = sorted(
            (out for out in stockouts
             if (campaign.skus is None or out.sku in campaign.skus) and out.date <= campaign.end),
            key=lambda out: (out.date, out.sku),
        )  # fmt: skip
        if outs:
            findings.append(Finding(
                "stockout_before_campaign_end", "adjust", "operations", campaign.name,
                {"sku": outs[0].sku, "stockout_date": outs[0].date.isoformat(), "campaign_end": campaign.end.isoformat(),
                 "products": [{"sku": out.sku, "stockout_date": out.date.isoformat()} for out in outs]},
                campaign_id=campaign.id,
            ))  # fmt: skip
    return findings


def _paces(paces: Sequence[LivePace], resources: Sequence[ResourceOutlook], t: Thresholds) -> list[Finding]:
    """A live campaign's pace, once it has ``min_days`` days with actuals and a known margin:
    stop when the projected incremental margin after the cost to deliver lies below 0 over its
    whole 80 % interval; amplify when it lies above 0 over its whole interval, the uplift so far
    beats the plan's and every resource has headroom (its busiest day below
    ``headroom_utilisation``; unknown capacity is no headroom)."""
    peaks = [r.peak_utilisation for r in resources if not np.isnan(r.peak_utilisation)]
    headroom = bool(peaks) and max(peaks) < t.headroom_utilisation
    findings = []
    for pace in paces:
        if not pace.enough or pace.margin is None or pace.margin_lo80 is None or pace.margin_hi80 is None:
            continue
        evidence = {
            "days": pace.days_elapsed, "days_total": pace.days_total, "min_days": pace.min_days,
            "uplift": pace.uplift, "uplift_lo80": pace.uplift_lo80, "uplift_hi80": pace.uplift_hi80,
            "planned_uplift": pace.planned_uplift, "margin": pace.margin, "margin_lo80": pace.margin_lo80,
            "margin_hi80": pace.margin_hi80,
        }
        if pace.margin_hi80 < 0:
            findings.append(Finding("campaign_pace_stop", "stop", "shared", pace.name, evidence, campaign_id=pace.id))
        elif pace.margin_lo80 > 0 and pace.uplift is not None and pace.uplift > pace.planned_uplift and headroom:
            findings.append(Finding("campaign_pace_amplify", "amplify", "marketing", pace.name,
                                    {**evidence, "peak_utilisation": max(peaks)}, campaign_id=pace.id))
    return findings
