"""Targets, signal thresholds and signals: the rules' inputs (the KPIs just computed, the
capacity outlook, the campaigns) and the open signals they raised."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from kpis.engine import rules
from kpis.models import CampaignPace, KpiTarget, Signal, SignalThresholds, by_severity
from plannerist.models import Organization


def targets_of(organization_id: int) -> dict[str, float]:
    return dict(KpiTarget.objects.filter(organization_id=organization_id).values_list("kpi", "value"))


def thresholds_of(organization: Organization) -> SignalThresholds:
    """The organisation's thresholds; unsaved defaults when none were set."""
    found = SignalThresholds.objects.filter(organization=organization).first()
    return found or SignalThresholds(organization=organization)


def rule_thresholds(thresholds: SignalThresholds) -> rules.Thresholds:
    return rules.Thresholds(
        margin_drop=float(thresholds.margin_drop),
        utilisation_limit=float(thresholds.utilisation_limit),
        headroom_utilisation=float(thresholds.headroom_utilisation),
        return_spike=float(thresholds.return_spike),
        return_rate_floor=float(thresholds.return_rate_floor),
        lookback_weeks=int(thresholds.lookback_weeks),
    )


def capacity_outlook(organization: Organization, *, today: dt.date):
    """The capacity engine's view of the organisation's signal horizon (planned campaigns);
    None when it has described neither a resource nor a stock item (nothing to forecast)."""
    from capacity.models import Resource, StockItem
    from capacity.selectors import outlook

    if not (Resource.objects.filter(organization=organization).exists()
            or StockItem.objects.filter(organization=organization).exists()):
        return None
    return outlook(organization, today=today, weeks=int(thresholds_of(organization).horizon_weeks))


FORECAST_KPIS = ("forecast_utilisation", "forecast_peak_utilisation", "forecast_due_hours",
                 "forecast_capacity_hours", "forecast_extra_cost")


def forecast_rows(outlook) -> pd.DataFrame:
    """The outlook per ISO week, in the snapshots' long form under the scope ``forecast``:
    ``forecast_orders`` for the whole shop (``scope_id`` ""), and per resource (``scope_id``
    its name) the hours due, the hours planned, their ratio, the busiest working day's ratio
    (``forecast_peak_utilisation``, what the overload signal speaks of) and the extra-hours
    cost."""
    if outlook is None:
        return pd.DataFrame(columns=["scope", "scope_id", "period", "period_start", "kpi", "value"])
    plan = outlook.plan
    weeks = pd.Series(pd.to_datetime(plan.dates)).dt.to_period("W-SUN").dt.start_time.dt.date.to_numpy()
    frames = [pd.DataFrame({"scope_id": "", "period_start": weeks, "kpi": "forecast_orders", "value": plan.orders})]
    for r, name in enumerate(plan.resources):
        frames.append(pd.DataFrame({
            "scope_id": name[:64], "period_start": weeks, "due": plan.due_minutes[:, r] / 60.0,
            "capacity": plan.capacity_minutes[:, r] / 60.0, "extra": plan.extra_cost[:, r],
            "forecast_peak_utilisation": np.where(plan.working[:, r], plan.utilization[:, r], np.nan),
        }).groupby(["scope_id", "period_start"], as_index=False).agg(
            due=("due", "sum"), capacity=("capacity", "sum"), extra=("extra", "sum"),
            forecast_peak_utilisation=("forecast_peak_utilisation", "max"),
        ).assign(
            forecast_utilisation=lambda f: f["due"] / f["capacity"].where(f["capacity"] > 0)
        ).rename(columns={"due": "forecast_due_hours", "capacity": "forecast_capacity_hours",
                          "extra": "forecast_extra_cost"}).melt(
            id_vars=["scope_id", "period_start"], value_vars=list(FORECAST_KPIS), var_name="kpi", value_name="value"))
    rows = pd.concat(frames, ignore_index=True).groupby(["scope_id", "period_start", "kpi"], as_index=False)["value"].sum(
        min_count=1)
    return rows.assign(scope="forecast", period="week")[["scope", "scope_id", "period", "period_start", "kpi", "value"]]


def signal_findings(
    organization: Organization, kpis: pd.DataFrame, *, today: dt.date, outlook, paces: list[rules.LivePace] | None = None
) -> list[rules.Finding]:
    """The rules over ``kpis`` (the engine's long form, as just computed), the capacity
    engine's outlook (None when the organisation describes no resource or stock item) and the
    live campaigns' ``paces`` (read here when not given: :func:`campaign_paces`)."""
    from campaigns.selectors import in_scope_mask
    from capacity.selectors import campaigns_in, scope_product_ids

    thresholds = thresholds_of(organization)
    resources = []
    plan = outlook.plan if outlook is not None else None
    summary = plan.summary() if plan is not None else None
    for r, name in enumerate(plan.resources if plan is not None else ()):
        over = np.flatnonzero(plan.working[:, r] & (plan.utilization[:, r] > 1.0))
        resources.append(rules.ResourceOutlook(
            name=name,
            peak_utilisation=float(summary["peak_utilization"].iloc[r]),
            first_overloaded=plan.dates[over[0]].astype(dt.date) if over.size else None,
            overloaded_days=int(over.size),
        ))
    lookback = dt.timedelta(weeks=int(thresholds.lookback_weeks))
    horizon_end = outlook.period.end if outlook is not None else today + dt.timedelta(weeks=int(thresholds.horizon_weeks))
    campaigns = campaigns_in(organization, today - lookback, horizon_end, include_drafts=False)
    catalogue = pd.DataFrame.from_records(
        list(organization.products.values_list("id", "sku", "category")), columns=["id", "sku", "category"]
    )
    windows = [
        rules.CampaignWindow(
            id=c.pk, name=c.name, start=c.start, end=c.end,
            skus=None if c.scope == "catalogue" else frozenset(
                catalogue.loc[in_scope_mask(c, catalogue, scope_product_ids(c)), "sku"]
            ),
        )
        for c in campaigns
    ]
    stockouts = [rules.StockOut(row.sku, row.stockout_date) for row in (outlook.stock if outlook else ()) if row.stockout_date]
    weekly = kpis.loc[kpis["period"] == "week"]
    return rules.evaluate(
        weekly, today=today, targets=targets_of(organization.id), thresholds=rule_thresholds(thresholds),
        resources=resources, campaigns=windows, stockouts=stockouts,
        paces=campaign_paces(organization, today=today) if paces is None else paces,
    )


def campaign_paces(organization: Organization, *, today: dt.date) -> list[rules.LivePace]:
    """Each live campaign's pace against its stored counterfactual, as the rules take it."""
    from campaigns.in_flight import live_projections

    paces = []
    for p in live_projections(organization, today=today):
        after = p.margin_after_delivery
        paces.append(rules.LivePace(
            id=p.campaign.pk, name=p.campaign.name, days_elapsed=p.pace.days_elapsed, days_total=p.pace.days_total,
            min_days=p.min_days, enough=p.pace.enough, uplift=p.pace.uplift, uplift_lo80=p.pace.uplift_lo80,
            uplift_hi80=p.pace.uplift_hi80, planned_uplift=p.planned_shop_uplift,
            margin=None if after is None else after.expected, margin_lo80=None if after is None else after.lo80,
            margin_hi80=None if after is None else after.hi80,
            orders=None if p.orders is None else p.orders.expected, orders_lo80=None if p.orders is None else p.orders.lo80,
            orders_hi80=None if p.orders is None else p.orders.hi80, baseline_total=p.pace.baseline_total,
            revenue=None if p.revenue is None else p.revenue.expected, cost_to_deliver=p.cost_to_deliver,
            unknown=p.unknown,
        ))
    return paces


def open_signals(organization_id: int, *, limit: int | None = None) -> list[Signal]:
    """The organisation's open signals, the most pressing first: stop, then adjust, then
    amplify (:func:`kpis.models.by_severity`) (at most ``limit`` of them)."""
    signals = (Signal.objects.filter(organization_id=organization_id).select_related("campaign")
               .order_by(by_severity(), "rule", "subject", "id"))
    return list(signals if limit is None else signals[:limit])


def pressing_signals_of_many(organization_ids: Sequence[int], *, per_organization: int) -> list[Signal]:
    """Each organisation's ``per_organization`` most pressing stop and adjust signals, stop
    first (:func:`open_signals`' order), in one query (a window over the organisations)."""
    ordering = [by_severity(), "rule", "subject", "id"]
    return list(
        Signal.objects.filter(organization_id__in=organization_ids, action__in=(Signal.Action.STOP, Signal.Action.ADJUST))
        .annotate(rank=Window(RowNumber(), partition_by=[F("organization_id")], order_by=ordering))
        .filter(rank__lte=per_organization).order_by("organization_id", *ordering)
    )


def signal_counts_of_many(organization_ids: Sequence[int]) -> dict[int, dict[tuple[str, str], int]]:
    """Per organisation, how many open signals of each (action, rule) (one query)."""
    counts: dict[int, dict[tuple[str, str], int]] = {org_id: {} for org_id in organization_ids}
    for org_id, action, rule, n in (Signal.objects.filter(organization_id__in=organization_ids)
                                    .values("organization_id", "action", "rule").annotate(n=Count("id"))
                                    .values_list("organization_id", "action", "rule", "n")):
        counts[org_id][(action, rule)] = n
    return counts


def stored_paces(organization_id: int) -> list[CampaignPace]:
    """The live campaigns' paces the last recompute stored, with their campaign (one query)."""
    return list(CampaignPace.objects.filter(organization_id=organization_id).select_related("campaign")
                .order_by("campaign__start", "campaign_id"))


def signal_count(organization_id: int) -> int:
    return Signal.objects.filter(organization_id=organization_id).count()


def targets_of_many(organization_ids: list[int]) -> dict[int, dict[str, float]]:
    found: dict[int, dict[str, float]] = {i: {} for i in organization_ids}
    for org_id, kpi, value in KpiTarget.objects.filter(organization_id__in=organization_ids).values_list(
        "organization_id", "kpi", "value"
    ):
        found[org_id][kpi] = value
    return found
