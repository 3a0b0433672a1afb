"""Two years of demo orders, imported like a shop's export, plus the figures orders
cannot give (ad spend, support contacts, hours), targets and discount codes; then the KPIs.

Idempotent: the import is keyed by order id. The orders are drawn from a seeded generator,
so every `make demo` shows the same shop: a weekly rhythm, a slow summer, the end-of-year
peak, returning customers (cohorts), the finished campaigns' uplift and codes (a little
under what their what-if promised) and the dip after each (orders pulled forward), so that
the forecast learns a yearly season and the promotion memory has campaigns to measure, and a last week with more returns than usual so that
the signals have something to say.
"""

from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal as D

import numpy as np
from django.utils import timezone

from campaigns.models import Campaign
from kpis.models import KpiTarget
from plannerist.models import Organization
from sales.models import DailyActual, DiscountCode
from sales.readers.generic import TEMPLATE_COLUMNS

SHOPS = {
    # orders per day, basket incl. VAT, ad spend per day, hours worked per weekday
    "lumiere-et-cire": (30.0, 41.0, 95.0, 16.0),
    "savonnerie-du-marais": (18.0, 24.0, 30.0, 9.0),
}
# Days of history: two years where the promotion memory has campaigns of a kind to pool and
# the forecast a yearly season to learn; the soap shop keeps one (it ran no campaign, and
# seed_demo stays quick).
HISTORY_DAYS = {"lumiere-et-cire": 730, "savonnerie-du-marais": 365}
WEEKDAY = np.array([1.05, 0.95, 0.95, 1.0, 1.1, 0.85, 0.7])
MONTH = np.array([0.8, 0.75, 0.85, 0.9, 1.0, 0.95, 0.75, 0.7, 0.95, 1.0, 1.35, 1.8])
TARGETS = {  # amounts per week
    "revenue_excl_vat": 11_000.0, "margin": 4_000.0, "orders": 230.0,
    "margin_per_order": 8.0, "margin_rate": 0.22, "cac": 5.5, "roas": 8.0, "return_rate": 0.05,
    "repeat_purchase_rate": 0.35, "capacity_utilisation": 0.85, "order_to_ship_hours": 24.0,
    "support_cost_per_order": 0.6, "stock_cover_days": 30.0,
}  # fmt: skip
CODES = {"Fête des mères −15 %": "MAMAN15", "Rentrée : diffuseurs −10 %": "RENTREE10",
         "Black Friday : 2 pour 1": "BF2POUR1", "Noël −20 %": "NOEL20",
         "Black Friday de l'an dernier : 2 pour 1": "BF2POUR1-AN1", "Noël de l'an dernier −20 %": "NOEL20-AN1",
         "Fête des mères de l'an dernier −15 %": "MAMAN15-AN1", "Rentrée de l'an dernier : diffuseurs −10 %": "RENTREE10-AN1"}
REALISED = 0.8  # share of the planned uplift the finished campaigns really got (and the live ones so far)
RAN = (Campaign.Status.FINISHED, Campaign.Status.LIVE)  # whose days (before today) the history holds
DIP_SHARE = 0.3  # share of a campaign's extra orders given back over the DIP_DAYS after it
DIP_DAYS = 14


def seed(organization: Organization, today: dt.date | None = None, *, like: str | None = None) -> None:
    from kpis.services import kpis_recompute

    shop = like or organization.slug
    if shop not in SHOPS:
        return
    today = today or organization.today()
    for campaign in Campaign.objects.filter(organization=organization, name__in=list(CODES)):
        DiscountCode.objects.update_or_create(
            organization=organization, code=CODES[campaign.name], defaults={"campaign_id": campaign.pk}
        )
    _import_orders(organization, today, shop)
    _typed_figures(organization, today, shop)
    for kpi, value in TARGETS.items():
        KpiTarget.objects.update_or_create(organization=organization, kpi=kpi, defaults={"value": value})
    _refit(organization, today)
    kpis_recompute(organization_id=organization.id)


def _refit(organization: Organization, today: dt.date) -> None:
    """The demo's forecast now, whether a worker runs or not (the refit queued by the import
    then finds it served and skips)."""
    from forecasting import services, sources

    services.refit_release(organization_id=organization.id)  # a change from now on queues its own refit
    started = timezone.now()
    history, campaigns = sources.organisation_history(organization, today)
    services.forecast_refit(organization=organization, history=history, campaigns=campaigns, today=today,
                            fitted_at=started)


def _days(today: dt.date, shop: str) -> list[dt.date]:
    count = HISTORY_DAYS[shop]
    first = today - dt.timedelta(days=count)
    return [first + dt.timedelta(days=k) for k in range(count)]


def _lift(day: dt.date, campaigns: list[Campaign]) -> float:
    """The factor on a day's orders: each running campaign's realised uplift, less the dip
    after each that ended in the last ``DIP_DAYS`` (its extra orders × ``DIP_SHARE``, spread)."""
    lift = 1.0
    for c in campaigns:
        gained = float(c.uplift) * REALISED
        if c.start <= day <= c.end:
            lift += gained
        elif c.end < day <= c.end + dt.timedelta(days=DIP_DAYS):
            lift -= DIP_SHARE * gained * ((c.end - c.start).days + 1) / DIP_DAYS
    return max(lift, 0.1)


def _import_orders(organization: Organization, today: dt.date, shop: str) -> None:
    """A year of orders as the shop would export them, imported by the real import."""
    from sales.readers import OrderFile
    from sales.services import orders_import

    outcome = orders_import(organization=organization, files=[OrderFile("demo-orders.csv", _orders_csv(organization, today, shop))],
                            format="generic")
    if not outcome.ok:
        raise RuntimeError(f"demo orders do not import: {outcome.errors[:3]}")


def _orders_csv(organization: Organization, today: dt.date, shop: str) -> bytes:
    per_day, basket, _spend, _hours = SHOPS[shop]
    rng = np.random.default_rng(zlib.crc32(organization.slug.encode()))
    days = _days(today, shop)
    products = list(organization.products.filter(active=True).values_list("sku", "price", "units_per_month"))
    skus = [p[0] for p in products]
    prices = {p[0]: float(p[1]) for p in products}
    weights = np.array([float(p[2]) for p in products])
    weights = weights / weights.sum()
    campaigns = list(Campaign.objects.filter(organization=organization, status__in=RAN))
    last_week_start = today - dt.timedelta(days=today.weekday() + 7)
    customers = 0
    lines = [";".join(c.name for c in TEMPLATE_COLUMNS)]
    number = 1000
    for day in days:
        running = [c for c in campaigns if c.start <= day <= c.end]
        mean = per_day * WEEKDAY[day.weekday()] * MONTH[day.month - 1] * _lift(day, campaigns)
        spike = last_week_start <= day < last_week_start + dt.timedelta(days=7)
        for _ in range(rng.poisson(mean)):
            number += 1
            kind = rng.random()
            if kind < 0.55 or customers == 0:
                customers += 1
                customer = f"client{customers}@example.fr"
            elif kind < 0.85:
                customer = f"client{rng.integers(1, customers + 1)}@example.fr"
            else:
                customer = ""
            at = dt.datetime.combine(day, dt.time(int(rng.integers(8, 22)), int(rng.integers(0, 60))))
            shipped = at + dt.timedelta(hours=float(rng.uniform(16, 34)))
            code = CODES.get(running[0].name, "") if running and rng.random() < 0.45 else ""
            order_lines = [(sku, int(rng.integers(1, 3))) for sku in rng.choice(skus, size=rng.integers(1, 3), p=weights)]
            total = sum(prices[sku] * qty for sku, qty in order_lines)
            discount = round(total * float(running[0].discount_rate or 0), 2) if code else 0.0
            returned = rng.random() < (0.11 if spike else 0.04)
            refunded = round((total - discount) * 0.8, 2) if returned else 0.0
            for k, (sku, qty) in enumerate(order_lines):
                head = k == 0
                lines.append(";".join([
                    f"D{number}", at.strftime("%d/%m/%Y %H:%M"), sku, "", str(qty), _fr(prices[sku]),
                    customer if head else "", code if head else "", _fr(discount) if head and discount else "",
                    "4,90" if head and total < 60 else "", "", "", _fr(refunded) if head and refunded else "",
                    shipped.strftime("%d/%m/%Y %H:%M") if head and shipped.date() < today else "", "",
                ]))
    return ("\n".join(lines) + "\n").encode()


def _fr(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _typed_figures(organization: Organization, today: dt.date, shop: str) -> None:
    """What orders cannot tell: ad spend, support contacts, hours worked, typed day by day."""
    _per_day, _basket, spend, hours = SHOPS[shop]
    rng = np.random.default_rng(zlib.crc32(organization.slug.encode()) + 1)
    totals = {a.date: a for a in DailyActual.objects.filter(organization=organization, campaign_id=None, channel=None)}
    campaigns = list(Campaign.objects.filter(organization=organization, status__in=RAN))
    changed = []
    for day in _days(today, shop):
        actual = totals.get(day) or DailyActual(organization=organization, date=day)
        running = [c for c in campaigns if c.start <= day <= c.end]
        extra = sum(float(c.ad_spend) / ((c.end - c.start).days + 1) for c in running)
        actual.ad_spend = _d(spend * MONTH[day.month - 1] * rng.uniform(0.7, 1.3) + extra)
        actual.support_contacts = _d(round(float(actual.orders) * 0.12 * rng.uniform(0.7, 1.3)))
        actual.hours_worked = _d(hours if day.weekday() < 5 else hours / 2 if day.weekday() == 5 else 0)
        changed.append(actual)
    DailyActual.objects.bulk_create([a for a in changed if a.pk is None])
    DailyActual.objects.bulk_update([a for a in changed if a.pk], ["ad_spend", "support_contacts", "hours_worked"],
                                    batch_size=1000)


def _d(value: float) -> D:
    return D(str(round(float(value), 2)))
