"""Refit and store an organisation's forecast; request a refit after its actuals change.

:func:`forecast_refit` takes values (the history and the campaigns come from
:mod:`forecasting.sources`, passed by the task), fits outside any transaction, then replaces
the stored forecast in one, and then sends ``plannerist.changes.inputs_changed`` (kpis queues
its recompute on it: refit, then recompute). :func:`refit_request` queues one refit after
commit, debounced like the KPI recompute (``kpis.services.recompute_request``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from django.db import transaction
from django.utils import timezone

from forecasting.engine import (
    Campaign,
    Period,
    daily_series,
    forecast_baseline,
    promotion_history,
    supported_countries,
)
from forecasting.engine.promotions import DIP_DAYS, MIN_BASELINE_DAYS
from forecasting.models import HORIZON_DAYS, CounterfactualDay, Forecast, ForecastDay, RefitState
from forecasting.sources import CampaignWindow
from plannerist.bulk import insert_rows
from plannerist.changes import inputs_changed_send
from plannerist.models import Organization
from plannerist.publish import publish_each
from sales.services.common import in_chunks

logger = logging.getLogger(__name__)
FALLBACK_COUNTRY = "FR"  # the organisation's default; used when the holidays package lacks its country


@dataclass(frozen=True)
class Fit:
    """What a refit computed, before it is stored."""

    days: pd.DataFrame  # index: day; orders, orders_lo80, orders_hi80
    method: str
    history_days: int
    first_history_day: dt.date | None
    last_history_day: dt.date | None
    backtest: dict
    notes: list[dict]
    promotions: dict
    # (campaign id, day, orders): each measured campaign's counterfactual day by day
    counterfactual: tuple[tuple[int, dt.date, float], ...] = ()


def history_series(history: pd.DataFrame, *, before: dt.date) -> pd.Series:
    """The contract's daily series (absent days 0) from a ``date, orders`` frame, days before ``before``."""
    if history.empty:
        return daily_series([], [])
    dates = pd.to_datetime(history["date"])
    kept = (dates < pd.Timestamp(before)).to_numpy()
    return daily_series(dates[kept].dt.date, history["orders"].astype("float64")[kept])


def country_of(organization: Organization) -> tuple[str, list[dict]]:
    if organization.country in supported_countries():
        return organization.country, []
    return FALLBACK_COUNTRY, [{"code": "country_not_supported", "values": {"country": organization.country}}]


def engine_campaigns(campaigns: Sequence[CampaignWindow], series: pd.Series) -> list[Campaign]:
    """The campaigns a promotion memory can measure: those starting inside the history
    (a live one ending after it is projected)."""
    first = series.index[0].date()
    return [Campaign(c.name, Period(c.start, c.end), c.mechanic, c.depth) for c in campaigns if c.start >= first]


def fit(
    *,
    organization: Organization,
    history: pd.DataFrame,
    campaigns: Sequence[CampaignWindow],
    today: dt.date,
    horizon_days: int = HORIZON_DAYS,
) -> Fit | None:
    """The baseline from ``today`` for ``horizon_days`` (backtest included) and the promotion
    memory, from the days before ``today``; None without any history."""
    series = history_series(history, before=today)
    if series.empty:
        return None
    country, notes = country_of(organization)
    periods = [Period(c.start, c.end) for c in campaigns]
    end = today + dt.timedelta(days=horizon_days - 1)
    result = forecast_baseline(series, country=country, start=today, end=end, promotions=periods)
    contract = result.as_dict()["backtest"]
    backtest = {**contract, "folds": result.backtest.folds if result.backtest else 0,
                "horizon": result.backtest.horizon if result.backtest else 0}
    notes += [{"code": note.code, "values": dict(note.values)} for note in result.notes]
    memory, counterfactual = promotion_memory(series, campaigns, country=country, forecast=result.days)
    return Fit(
        days=result.days, method=result.method, history_days=result.history_days,
        first_history_day=series.index[0].date(), last_history_day=series.index[-1].date(),
        backtest=backtest, notes=notes, promotions=memory, counterfactual=counterfactual,
    )


def promotion_memory(
    series: pd.Series, campaigns: Sequence[CampaignWindow], *, country: str, forecast: pd.DataFrame | None = None
) -> tuple[dict, tuple[tuple[int, dt.date, float], ...]]:
    """§ 3 for the campaigns measurable on ``series``, each entry with its ``id``, ``mechanic``
    and ``depth_band`` (what the pooling grouped it by: the page reads a kind's dip from the
    entries alone); empty when too short. And each measured campaign's counterfactual day by
    day: the memory's model up to the history's end, then ``forecast``'s baseline (the stored
    forecast, fitted without the campaigns' days) on the days it holds."""
    measurable = [c for c in campaigns if c.start >= series.index[0].date()]
    if len(series) < MIN_BASELINE_DAYS or not measurable:
        return {"campaigns": [], "pooled": []}, ()
    history = promotion_history(series, engine_campaigns(measurable, series), country=country, dip_days=DIP_DAYS)
    memory = history.as_dict()
    rows: list[tuple[int, dt.date, float]] = []
    for window, row, measured in zip(measurable, memory["campaigns"], history.campaigns, strict=True):
        row.update(id=window.id, mechanic=measured.campaign.mechanic, depth_band=measured.campaign.depth_band)
        if window.id is None or measured.counterfactual is None:
            continue
        daily = measured.counterfactual
        if forecast is not None and not forecast.empty:
            daily = forecast["orders"].reindex(daily.index).fillna(daily)
        rows.extend((window.id, day.date(), float(value)) for day, value in daily.items())
    return memory, tuple(rows)


def forecast_refit(
    *,
    organization: Organization,
    history: pd.DataFrame,
    campaigns: Sequence[CampaignWindow],
    today: dt.date,
    fitted_at: dt.datetime | None = None,
) -> Forecast | None:
    """Fit (outside any transaction: a second of CPU holds no lock) and replace the stored
    forecast and its days at once. ``fitted_at``: when the caller started reading the history
    (:func:`refit_served` compares it with the requests). The same input stores the same rows. Without history
    the stored forecast is removed (a forecast of nothing would read as "no orders")."""
    result = fit(organization=organization, history=history, campaigns=campaigns, today=today)
    return forecast_store(organization=organization, result=result, today=today, fitted_at=fitted_at or timezone.now())


@transaction.atomic
def forecast_store(*, organization: Organization, result: Fit | None, today: dt.date, fitted_at: dt.datetime) -> Forecast | None:
    # Two refits of the same organisation store one after the other (its refit state row is locked).
    state, _ = RefitState.objects.get_or_create(organization=organization)
    RefitState.objects.select_for_update().filter(pk=state.pk).first()
    ForecastDay.objects.filter(organization=organization).delete()
    CounterfactualDay.objects.filter(organization=organization).delete()
    # The baselines, the capacity outlook and the live campaigns' paces rest on the forecast:
    # whoever derives figures from it (kpis' recompute) queues its work after this commit, so a
    # recompute that ran before this refit (after the same import) is done again on it.
    inputs_changed_send(sender="forecasting", organization=organization)
    if result is None:
        Forecast.objects.filter(organization=organization).delete()
        return None
    forecast, _ = Forecast.objects.update_or_create(
        organization=organization,
        defaults={
            "fitted_at": fitted_at, "fitted_for": today, "method": result.method,
            "history_days": result.history_days, "first_history_day": result.first_history_day,
            "last_history_day": result.last_history_day, "backtest": result.backtest,
            "notes": result.notes, "promotions": result.promotions,
        },
    )
    days = result.days
    insert_rows(
        ForecastDay, ["organization_id", "date", "orders", "orders_lo80", "orders_hi80"],
        zip([organization.id] * len(days), days.index.date, *(days[c].astype(float).tolist() for c in
            ("orders", "orders_lo80", "orders_hi80")), strict=True),
    )
    insert_rows(
        CounterfactualDay, ["organization_id", "campaign_id", "date", "orders"],
        ((organization.id, *row) for row in result.counterfactual),
    )
    return forecast


def refit_request(*, organization: Organization) -> bool:
    """Queue one refit after commit unless one is already queued; returns whether this call
    claimed it. A broker that cannot be reached is logged and leaves it to the nightly refit;
    it never raises into the caller."""
    state, _ = RefitState.objects.get_or_create(organization=organization)
    claimed = RefitState.objects.filter(pk=state.pk, pending=False).update(pending=True, requested_at=timezone.now())
    if claimed:
        organization_id = organization.id
        transaction.on_commit(lambda: _publish_refit(organization_id))
    return bool(claimed)


def refit_served(*, organization_id: int) -> Forecast | None:
    """The stored forecast when its refit started (``fitted_at``: before it read the history)
    after the pending request: that request is served already. None otherwise."""
    state = RefitState.objects.filter(organization_id=organization_id).first()
    stored = Forecast.objects.filter(organization_id=organization_id).first()
    if state is None or state.requested_at is None or stored is None or stored.fitted_at < state.requested_at:
        return None
    return stored


def refit_release(*, organization_id: int) -> None:
    """The refit starts: a change from now on queues another."""
    RefitState.objects.filter(organization_id=organization_id).update(pending=False)


def _publish_refit(organization_id: int) -> None:
    _publish_refits([organization_id])


def _publish_refits(organization_ids: list[int]) -> None:
    """One refit message per organisation; those the broker refused are released for the
    next night (after a refusal :func:`publish` fails the rest at once)."""
    from forecasting.tasks import refit_forecast

    refused, error = publish_each(refit_forecast, organization_ids)
    if refused:
        logger.warning("Forecast refit of %d organisation(s) not queued (%s…): %s", len(refused), refused[:5], error)
        for chunk in in_chunks(refused):
            RefitState.objects.filter(organization_id__in=chunk).update(pending=False, last_error=f"not queued: {error}"[:500])


def refit_request_many(*, organization_ids: Iterable[int]) -> int:
    """:func:`refit_request` for many organisations at once (the nightly run): their states
    made and claimed in a few statements per 2,000 organisations, then one message each after
    commit (one at a time, the fan-out of 10,000 would pass the task's soft limit). Returns
    how many were claimed."""
    ids, now, claimed = list(organization_ids), timezone.now(), []
    with transaction.atomic():
        for chunk in in_chunks(ids):
            states = RefitState.objects.filter(organization_id__in=chunk)
            known = set(states.values_list("organization_id", flat=True))
            RefitState.objects.bulk_create([RefitState(organization_id=i) for i in chunk if i not in known],
                                           ignore_conflicts=True)
            free = list(states.filter(pending=False).select_for_update(skip_locked=True)
                        .values_list("organization_id", flat=True))
            RefitState.objects.filter(organization_id__in=free).update(pending=True, requested_at=now)
            claimed += free
        if claimed:
            transaction.on_commit(lambda: _publish_refits(claimed))
    return len(claimed)


def all_refit_request() -> int:
    """The nightly run: one refit queued per organisation; returns how many were claimed."""
    return refit_request_many(organization_ids=Organization.objects.values_list("id", flat=True))
