"""Benchmarks between the clients of a consultant's portfolio (the organisations she is a
member of): margin rate, return rate, acquisition cost and repeat-purchase rate of the last
complete calendar month (the stored monthly snapshots: the same month for every client, so
that seasons compare), and the measured uplift per kind of promotion (the promotion memory's
pooled uplift per mechanic and depth band, as the last refit stored it).

The quartiles are :mod:`kpis.engine.benchmarks`'; a measure is shown only when at least
:data:`~kpis.engine.benchmarks.MIN_CLIENTS` clients have it. An amount (acquisition cost)
compares only clients of the same currency. Three queries whatever the number of clients.
The pack (``reviews``) and the portfolio (``cockpit``) both read them here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import pandas as pd
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from forecasting.models import Forecast
from kpis.engine import benchmarks as engine
from kpis.models import KpiSnapshot
from plannerist.models import Membership, Organization, Role, User

MIN_CLIENTS = engine.MIN_CLIENTS

# KPI → (label in a table, words in a sentence, unit, higher is better).
BENCHMARK_KPIS: dict[str, tuple] = {
    "margin_rate": (_("Margin rate"), pgettext_lazy("benchmark sentence", "margin rate"), "share", True),
    "return_rate": (_("Return rate"), pgettext_lazy("benchmark sentence", "return rate"), "share", False),
    "cac": (_("Acquisition cost"), pgettext_lazy("benchmark sentence", "acquisition cost"), "currency", False),
    "repeat_purchase_rate": (_("Repeat-purchase rate"), pgettext_lazy("benchmark sentence", "repeat-purchase rate"),
                             "share", True),
}
_MECHANICS = {
    "percent_off": pgettext_lazy("benchmark", "a percentage off"),
    "amount_off": pgettext_lazy("benchmark", "an amount off"),
    "buy_x_get_y": pgettext_lazy("benchmark", "a buy X get Y offer"),
    "free_shipping": pgettext_lazy("benchmark", "free shipping"),
}
_BANDS = {
    "<15": pgettext_lazy("benchmark", " (under 15 % off)"),
    "15-30": pgettext_lazy("benchmark", " (15 to 30 % off)"),
    ">30": pgettext_lazy("benchmark", " (over 30 % off)"),
    "unknown": pgettext_lazy("benchmark", " (depth unknown)"),
}
SENTENCES = {
    "top": _("top quarter of comparable shops for {measure}"),
    "middle": _("middle half of comparable shops for {measure}"),
    "bottom": _("bottom quarter of comparable shops for {measure}"),
}


@dataclasses.dataclass(frozen=True)
class Measure:
    """One benchmarked measure across the portfolio: ``n`` clients have it; quartiles None
    (and ``shown`` false) below the minimum."""

    key: str  # "margin_rate", "cac:EUR", "uplift:percent_off:15-30"
    label: str  # lazy, for a table
    words: str  # lazy, for a sentence
    unit: str  # "share" or "currency"
    currency: str | None
    higher_is_better: bool
    month: dt.date | None  # the month of a KPI; None for an uplift (all finished campaigns)
    n: int
    q1: float | None
    median: float | None
    q3: float | None

    @property
    def shown(self) -> bool:
        return self.q1 is not None


@dataclasses.dataclass(frozen=True)
class Benchmark:
    """Where one client stands on one measure: its figure and ``standing`` (``"top"``,
    ``"middle"``, ``"bottom"``; None when it has no figure or the measure is not shown), with
    the ready ``sentence`` ("top quarter of comparable shops for margin rate", lazy: it
    speaks the active language when rendered)."""

    measure: Measure
    value: float | None
    standing: str | None

    @property
    def sentence(self) -> str | None:
        if self.standing is None:
            return None
        return format_lazy(SENTENCES[self.standing], measure=self.measure.words)


@dataclasses.dataclass(frozen=True)
class PortfolioBenchmarks:
    """Every measure of the portfolio (KPIs first, then uplifts) and each client's standing:
    ``clients[organization_id][measure key]``."""

    month: dt.date
    measures: list[Measure]
    clients: dict[int, dict[str, Benchmark]]

    def of(self, organization_id: int) -> list[Benchmark]:
        """The client's benchmarks on every measure of the portfolio that applies to it (its
        currency's), in the portfolio's order."""
        own = self.clients.get(organization_id, {})
        return [own[m.key] for m in self.measures if m.key in own]


def last_complete_month(today: dt.date) -> dt.date:
    """The first day of the calendar month before ``today``'s."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def portfolio_of(user: User) -> list[int]:
    """The organisations the user is a member of (her portfolio), one query."""
    return list(Membership.objects.filter(user=user).values_list("organization_id", flat=True))


def consultants_portfolio(organization_id: int) -> list[int]:
    """Without a user at hand (a job preparing a pack): the organisations of the
    organisation's consultants, the organisation included (one query)."""
    consultants = Membership.objects.filter(organization_id=organization_id, role=Role.CONSULTANT).values("user_id")
    ids = set(Membership.objects.filter(user_id__in=consultants).values_list("organization_id", flat=True))
    return sorted(ids | {organization_id})


def portfolio_benchmarks(organization_ids: Sequence[int], *, today: dt.date) -> PortfolioBenchmarks:
    """The benchmarks between these organisations (three queries)."""
    month = last_complete_month(today)
    ids = list(organization_ids)
    currency = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "currency"))
    records = []
    rows = KpiSnapshot.objects.filter(
        organization_id__in=ids, scope="organisation", scope_id="", period="month", period_start=month,
        kpi__in=list(BENCHMARK_KPIS),
    ).values_list("organization_id", "kpi", "value")
    for org_id, kpi, value in rows:
        key = f"{kpi}:{currency[org_id]}" if BENCHMARK_KPIS[kpi][2] == "currency" else kpi
        records.append((org_id, key, value))
    for org_id, promotions in Forecast.objects.filter(organization_id__in=ids).values_list("organization_id", "promotions"):
        for pooled in (promotions or {}).get("pooled", []):
            if pooled.get("mechanic") in _MECHANICS and pooled.get("uplift") is not None and (pooled.get("n") or 0) > 0:
                records.append((org_id, f"uplift:{pooled['mechanic']}:{pooled.get('depth_band') or ''}", pooled["uplift"]))
    figures = pd.DataFrame.from_records(records, columns=["client", "measure", "value"])
    figures["value"] = pd.to_numeric(figures["value"], errors="coerce").astype("float64")
    table = engine.quartiles(figures)
    measures = {key: _measure(key, table.loc[key], month) for key in _ordered(table.index)}
    higher = {key: m.higher_is_better for key, m in measures.items()}
    clients: dict[int, dict[str, Benchmark]] = {org_id: {} for org_id in ids}
    for row in engine.standings(figures, table, higher).itertuples(index=False):
        value = None if pd.isna(row.value) else float(row.value)
        clients[int(row.client)][row.measure] = Benchmark(measures[row.measure], value, row.standing)
    for org_id in ids:  # a measure the client lacks still says what the others give
        for key, measure in measures.items():
            if key not in clients[org_id] and _applies(measure, currency.get(org_id)):
                clients[org_id][key] = Benchmark(measure, None, None)
    return PortfolioBenchmarks(month=month, measures=list(measures.values()), clients=clients)


def client_benchmarks(organization_id: int, *, today: dt.date, user: User | None = None) -> list[Benchmark]:
    """Where the organisation stands among its consultant's portfolio — ``user``'s
    organisations, or without a user :func:`consultants_portfolio` — on every measure (four
    queries). Use ``b.measure.shown`` and ``b.sentence``; nothing is readable below the
    minimum."""
    peers = portfolio_of(user) if user is not None else consultants_portfolio(organization_id)
    return portfolio_benchmarks(sorted(set(peers) | {organization_id}), today=today).of(organization_id)


def _ordered(keys) -> list[str]:
    """The KPIs in :data:`BENCHMARK_KPIS`' order, then the uplifts by mechanic and band."""
    kpis = [key for kpi in BENCHMARK_KPIS for key in sorted(keys) if key.partition(":")[0] == kpi]
    return kpis + sorted(key for key in keys if key.startswith("uplift:"))


def _applies(measure: Measure, currency: str | None) -> bool:
    return measure.currency is None or measure.currency == currency


def _measure(key: str, row: pd.Series, month: dt.date) -> Measure:
    n = int(row["n"])
    quartiles = [None if pd.isna(row[q]) else float(row[q]) for q in ("q1", "median", "q3")]
    if key.startswith("uplift:"):
        _kind, mechanic, band = key.split(":", 2)
        words = format_lazy(pgettext_lazy("benchmark", "the measured uplift of {mechanic}{band}"),
                            mechanic=_MECHANICS[mechanic], band=_BANDS.get(band, ""))
        label = format_lazy(_("Measured uplift: {mechanic}{band}"), mechanic=_MECHANICS[mechanic], band=_BANDS.get(band, ""))
        return Measure(key, _capitalised(label), words, "share", None, True, None, n, *quartiles)
    kpi, _sep, currency = key.partition(":")
    label, words, unit, higher = BENCHMARK_KPIS[kpi]
    return Measure(key, label, words, unit, currency or None, higher, month, n, *quartiles)


_capitalised = lazy(lambda text: str(text)[:1].upper() + str(text)[1:], str)
