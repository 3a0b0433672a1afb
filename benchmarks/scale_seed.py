"""A thousand small shops on PostgreSQL, for the scale benchmark (issue 18).

Run from the repository root::

    python benchmarks/scale_seed.py [--organisations 1000] [--fresh]
        [--database postgres://postgres@127.0.0.1:5432/plannerist_scale_bench]

Creates the database when it is missing (``--fresh`` drops it first), migrates it, and seeds
``--organisations`` organisations (skipped when the database already holds them all: the
seed is idempotent). Each shop has:

- 730 days of imported orders ending yesterday, Europe/Paris: a level of 3 to 17 orders a
  day drawn per shop, a weekly rhythm (Monday busiest, Sunday quietest), a Christmas peak
  and a slow trend, Poisson noise; 60 % of orders from new customers, the others from
  earlier ones, 8 % guests; 1 to 3 lines from a 20-product catalogue; 1 % cancelled, 3 %
  half refunded. About 7,000 orders and 10,500 lines per shop on average.
- the daily actuals those orders give, built by the importer's own engine
  (:func:`sales.engine.daily_actuals_from_orders`: the totals and one row per campaign day),
  with typed-in ad spend, hours worked and support contacts on the totals;
- one web-shop channel with its cost profile, the catalogue, four finished campaigns
  (winter sales and Christmas, both years) with their discount codes (60 % of the orders of
  a campaign's days carry its code and 20 % off), KPI targets of the three pairs, a
  preparation resource with one employee; one owner each.

One consultant (``consultant@scale.example``) is a member of the first 100.

Orders, lines and actuals are generated with numpy and streamed with ``COPY … FROM STDIN``
(CSV), a few dozen shops per statement; the small rows go through ``bulk_create``. Ends with
``VACUUM ANALYZE`` and prints the seed time, row counts and ``pg_database_size``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/plannerist_scale_bench"
HISTORY_DAYS = 730
PRODUCTS = 20
CONSULTANT_EMAIL = "consultant@scale.example"
CONSULTANT_CLIENTS = 100
ZONE = "Europe/Paris"
COPY_EVERY = 25  # shops per COPY statement
WEEKDAY = np.array([1.2, 1.1, 1.0, 1.0, 1.05, 0.85, 0.7])  # Monday … Sunday


def setup_django(database: str, *, fresh: bool) -> None:
    """Create (``fresh``: recreate) the database ``database`` names, start Django on it, migrate."""
    import psycopg

    sys.path.insert(0, str(ROOT))
    base, _, name = database.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if fresh:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = database
    for variable in ("CELERY_BROKER_URL", "REDIS_URL", "DJANGO_DEBUG"):
        os.environ.pop(variable, None)  # nothing is queued while seeding
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plannerist.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def campaign_windows(today: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """(name, code, start, end) of the four finished campaigns inside the history."""
    first = today - dt.timedelta(days=HISTORY_DAYS)
    windows = []
    for year in range(first.year, today.year + 1):
        for name, code, start, length in (("Soldes d'hiver", "SOLDES", dt.date(year, 1, 8), 14),
                                          ("Noël", "NOEL", dt.date(year, 11, 28), 10)):  # fmt: skip
            if first <= start and start + dt.timedelta(days=length + 30) < today:
                windows.append((f"{name} {year}", f"{code}{year % 100}", start, start + dt.timedelta(days=length - 1)))
    return windows[-4:]


def shop_orders(number: int, today: dt.date, catalogue: pd.DataFrame, campaigns: list[tuple[int, str, dt.date, dt.date]]):
    """Orders, lines and the local order times of shop ``number`` (deterministic per shop)."""
    rng = np.random.default_rng(1_000 + number)
    days = pd.date_range(end=pd.Timestamp(today) - pd.Timedelta(days=1), periods=HISTORY_DAYS, freq="D")
    t = np.arange(HISTORY_DAYS)
    yearly = 1 + 0.6 * np.exp(-(((days.day_of_year.to_numpy() - 345) / 18.0) ** 2))
    expected = rng.uniform(3, 17) * WEEKDAY[days.day_of_week] * yearly * (1 + rng.uniform(-0.0003, 0.0008) * t)
    campaign_of_day = np.full(HISTORY_DAYS, -1)
    for k, (_, _, start, end) in enumerate(campaigns):
        inside = (days.date >= start) & (days.date <= end)
        campaign_of_day[inside] = k
    expected = np.where(campaign_of_day >= 0, expected * 1.5, expected)
    per_day = rng.poisson(expected)
    n = int(per_day.sum())
    day = np.repeat(np.arange(HISTORY_DAYS), per_day)
    seconds = rng.integers(8 * 3600, 23 * 3600, size=n)  # 8:00-23:00: never inside a DST change
    local = pd.DatetimeIndex(days[day] + pd.to_timedelta(np.sort(seconds + day * 86_400) - day * 86_400, unit="s"))
    ordered_at = local.tz_localize(ZONE).tz_convert("UTC")

    is_new = rng.random(n) < 0.6
    is_new[0] = True
    known = np.cumsum(is_new)  # customers known up to and including this order
    customer = np.where(is_new, known - 1, np.floor(rng.random(n) * (known - 1)).astype(int))
    digests = [hashlib.sha256(f"scale-{number}-{c}".encode()).hexdigest() for c in range(int(known[-1]))]
    customer_key = np.asarray(digests, dtype=object)[customer]
    customer_key[rng.random(n) < 0.08] = None

    lines_per_order = 1 + rng.binomial(2, 0.25, size=n)
    line_order = np.repeat(np.arange(n), lines_per_order)
    product = rng.choice(len(catalogue), size=len(line_order), p=catalogue["weight"].to_numpy())
    line_units = 1 + rng.poisson(0.3, size=len(line_order))
    line_amount = np.round(catalogue["price"].to_numpy()[product] * line_units, 2)
    subtotal = np.bincount(line_order, weights=line_amount, minlength=n)
    units = np.bincount(line_order, weights=line_units, minlength=n)

    campaign_index = campaign_of_day[day]
    coded = (campaign_index >= 0) & (rng.random(n) < 0.6)
    campaign_id = np.where(coded, np.array([c[0] for c in campaigns] + [0])[campaign_index], 0)
    code = np.where(coded, np.array([c[1] for c in campaigns] + [""], dtype=object)[campaign_index], "")
    discount = np.where(coded, np.round(subtotal * 0.2, 2), 0.0)
    shipping = np.where(subtotal - discount >= 60, 0.0, 4.9)
    paid = np.round(subtotal - discount + shipping, 2)
    cancelled = rng.random(n) < 0.01
    refunds = np.where(~cancelled & (rng.random(n) < 0.03), np.round(paid * 0.5, 2), 0.0)
    shipped_at = pd.Series(ordered_at + pd.to_timedelta(rng.integers(18 * 3600, 50 * 3600, size=n), unit="s"))
    shipped_at[cancelled] = pd.NaT
    orders = pd.DataFrame({
        "order_id": np.char.add("#", (1001 + np.arange(n)).astype(str)),
        "ordered_at": ordered_at, "customer_key": customer_key, "units": units, "paid_incl_vat": paid,
        "discounts": discount, "refunds": refunds, "shipping_incl_vat": shipping, "cancelled": cancelled,
        "is_adjustment": False, "shipped_at": shipped_at, "discount_code": code,
        "campaign_id": pd.Series(campaign_id, dtype="Int64").where(coded),
    })  # fmt: skip
    lines = pd.DataFrame({
        "order_id": orders["order_id"].to_numpy()[line_order], "date": days.date[day[line_order]],
        "product": catalogue["sku"].to_numpy()[product], "units": line_units, "amount_incl_vat": line_amount,
        "sale": ~cancelled[line_order],
    })  # fmt: skip
    return orders, lines, local


def shop_actuals(orders: pd.DataFrame, local: pd.DatetimeIndex, number: int) -> pd.DataFrame:
    """The daily actuals an import of ``orders`` writes (the importer's engine), with typed-in
    spend, hours and support contacts on the totals."""
    from sales.engine import daily_actuals_from_orders

    local_shipped = pd.to_datetime(orders["shipped_at"], utc=True).dt.tz_convert(ZONE).dt.tz_localize(None)
    frame = pd.DataFrame({
        "order_id": orders["order_id"], "ordered_at": local.tz_localize(None), "units": orders["units"],
        "discount_amount": orders["discounts"], "shipping_incl_vat": orders["shipping_incl_vat"],
        "order_total": orders["paid_incl_vat"], "refunded_amount": orders["refunds"],
        "customer_key": orders["customer_key"], "cancelled": orders["cancelled"],
        "is_adjustment_order": orders["is_adjustment"], "currency": "EUR", "channel": None,
        "shipped_at": local_shipped, "campaign": orders["campaign_id"],
    })  # fmt: skip
    identified = frame.dropna(subset=["customer_key"])
    first = identified.groupby("customer_key")["ordered_at"].min().dt.date
    totals = daily_actuals_from_orders(frame.assign(campaign=pd.NA), first_order_dates=first)
    by_campaign = daily_actuals_from_orders(frame, first_order_dates=first)
    by_campaign = by_campaign.loc[by_campaign["campaign"].notna()]
    rng = np.random.default_rng(5_000 + number)
    totals = totals.assign(
        ad_spend=np.round(rng.uniform(0, 40, size=len(totals)), 2),
        hours_worked=np.round(totals["orders"] * rng.uniform(0.15, 0.3, size=len(totals)), 2),
        support_contacts=rng.poisson(totals["orders"].to_numpy() * 0.05),
        campaign=pd.NA,
    )
    actuals = pd.concat([totals, by_campaign.assign(ad_spend=0.0, hours_worked=0.0, support_contacts=0)],
                        ignore_index=True)
    shipped = actuals["orders_shipped"].to_numpy(dtype=float)
    actuals["order_to_ship_hours"] = np.where(shipped > 0, np.round(actuals["order_to_ship_hours"] / np.maximum(shipped, 1), 2),
                                              np.nan)
    actuals["date"] = pd.to_datetime(actuals["date"]).dt.date
    return actuals


ORDER_COLUMNS = ["organization_id", "order_id", "ordered_at", "channel_id", "channel_name", "campaign_id",
                 "discount_code", "customer_key", "units", "paid_incl_vat", "discounts", "refunds",
                 "shipping_incl_vat", "cancelled", "is_adjustment", "shipped_at", "currency", "source_format",
                 "batch_id"]  # fmt: skip
LINE_COLUMNS = ["organization_id", "batch_id", "order_id", "date", "product", "units", "amount_incl_vat", "sale"]
ACTUAL_COLUMNS = ["organization_id", "date", "campaign_id", "channel_id", "orders", "units", "paid_incl_vat",
                  "discounts", "refunds", "returned_orders", "new_customers", "returning_customers", "ad_spend",
                  "support_contacts", "hours_worked", "orders_shipped", "order_to_ship_hours"]  # fmt: skip


def copy_frame(cursor, table: str, frame: pd.DataFrame) -> None:
    """``COPY`` the frame's columns (named like the table's) into ``table`` as CSV; ``\\N`` is null."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep="\\N", date_format="%Y-%m-%d %H:%M:%S%z")
    with cursor.copy(f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
        copy.write(buffer.getvalue())


def small_rows(count: int, today: dt.date) -> list[dict]:
    """Organisations, owners, channels, catalogue, campaigns, codes, targets, capacity; returns,
    per shop, what the orders need (ids, catalogue, campaigns)."""
    from decimal import Decimal as D

    from campaigns.models import Campaign, CostProfile, Product
    from capacity.models import Resource, StaffMember
    from kpis.models import KpiTarget
    from plannerist.models import Membership, Organization, Role, User
    from sales.models import Channel, DiscountCode, ImportBatch

    orgs = Organization.objects.bulk_create(
        Organization(slug=f"scale-{k:04d}", name=f"Boutique {k:04d}") for k in range(count))
    owners = User.objects.bulk_create(
        User(username=f"owner-{k:04d}@scale.example", email=f"owner-{k:04d}@scale.example", password="!")
        for k in range(count))  # fmt: skip
    consultant, _ = User.objects.get_or_create(
        username=CONSULTANT_EMAIL, defaults={"email": CONSULTANT_EMAIL, "password": "!", "first_name": "Consultante"})
    Membership.objects.bulk_create(
        [Membership(user=u, organization=o, role=Role.OWNER) for u, o in zip(owners, orgs, strict=True)]
        + [Membership(user=consultant, organization=o, role=Role.CONSULTANT) for o in orgs[:CONSULTANT_CLIENTS]])
    channels = Channel.objects.bulk_create(Channel(organization=o, name="Boutique en ligne") for o in orgs)
    CostProfile.objects.bulk_create(
        CostProfile(organization=o, channel=c, shipping_cost=D("5.20"), packaging_cost=D("0.80"),
                    payment_fee_rate=D("0.014"), payment_fee_fixed=D("0.25"), return_rate=D("0.03"),
                    return_cost=D("6.00"), support_cost_per_contact=D("4.00"))
        for o, c in zip(orgs, channels, strict=True))  # fmt: skip
    rng = np.random.default_rng(7)
    prices = np.round(rng.choice([9.9, 14.9, 19.9, 24.9, 29.9, 39.0], size=PRODUCTS), 2)
    weights = rng.dirichlet(np.ones(PRODUCTS))
    catalogue = pd.DataFrame({"sku": [f"SKU-{i:02d}" for i in range(PRODUCTS)], "price": prices, "weight": weights})
    Product.objects.bulk_create(
        Product(organization=o, sku=row.sku, name=f"Produit {row.sku}", category="Boutique", price=D(f"{row.price:.2f}"),
                unit_cost=D(f"{row.price / 1.2 * 0.3:.2f}"), units_per_month=D(f"{row.weight * 300:.2f}"))
        for o in orgs for row in catalogue.itertuples())  # fmt: skip
    windows = campaign_windows(today)
    campaigns = Campaign.objects.bulk_create(
        Campaign(organization=o, channel=c, name=name, start=start, end=end, status=Campaign.Status.FINISHED,
                 discount_rate=D("0.20"), uplift=D("0.5"), baseline_orders=D("100"))
        for o, c in zip(orgs, channels, strict=True) for name, _, start, end in windows)  # fmt: skip
    DiscountCode.objects.bulk_create(
        DiscountCode(organization_id=c.organization_id, code=windows[k % len(windows)][1], campaign_id=c.pk)
        for k, c in enumerate(campaigns))  # fmt: skip
    KpiTarget.objects.bulk_create(
        KpiTarget(organization=o, kpi=kpi, value=value) for o in orgs
        for kpi, value in (("revenue_excl_vat", 2500.0), ("margin", 700.0), ("repeat_purchase_rate", 0.35),
                           ("cac", 25.0), ("orders", 60.0), ("capacity_utilisation", 0.85)))  # fmt: skip
    resources = Resource.objects.bulk_create(
        Resource(organization=o, name="Préparation", minutes_per_order=D("6"), minutes_per_unit=D("1.5")) for o in orgs)
    StaffMember.objects.bulk_create(
        StaffMember(resource=r, name="Préparateur", hours_per_weekday=[6.0, 6.0, 6.0, 6.0, 6.0, 3.0, 0.0],
                    hourly_cost=D("16.00")) for r in resources)  # fmt: skip
    batches = ImportBatch.objects.bulk_create(
        ImportBatch(organization=o, format="shopify", file_names=["orders_export.csv"], status=ImportBatch.Status.DONE,
                    progress=100) for o in orgs)  # fmt: skip
    return [
        {"org": o.pk, "channel": c.pk, "batch": b.pk, "catalogue": catalogue,
         "campaigns": [(cp.pk, code, start, end) for cp, (_, code, start, end) in
                       zip(campaigns[k * len(windows):(k + 1) * len(windows)], windows, strict=True)]}
        for k, (o, c, b) in enumerate(zip(orgs, channels, batches, strict=True))
    ]  # fmt: skip


def seed(count: int) -> dict[str, int]:
    """Seed ``count`` shops; returns rows written per table."""
    from django.db import connection, transaction
    from django.utils import timezone

    from plannerist.models import Organization
    from sales.models import ImportBatch

    today = timezone.localdate()
    written = {"orders": 0, "lines": 0, "actuals": 0}
    with transaction.atomic():
        shops = small_rows(count, today)
    cursor = connection.connection.cursor()  # psycopg's own cursor: COPY
    pending: dict[str, list[pd.DataFrame]] = {"sales_importedorder": [], "sales_importedline": [], "sales_dailyactual": []}
    sizes = []

    def flush() -> None:
        with transaction.atomic():
            for table, frames in pending.items():
                if frames:
                    copy_frame(cursor, table, pd.concat(frames, ignore_index=True))
                frames.clear()

    for k, shop in enumerate(shops):
        orders, lines, local = shop_orders(k, today, shop["catalogue"], shop["campaigns"])
        actuals = shop_actuals(orders, local, k)
        sizes.append((shop["batch"], len(orders)))
        orders = orders.assign(organization_id=shop["org"], channel_id=shop["channel"], channel_name="web",
                               currency="EUR", source_format="shopify", batch_id=shop["batch"])
        lines = lines.assign(organization_id=shop["org"], batch_id=shop["batch"])
        actuals = actuals.assign(organization_id=shop["org"], campaign_id=actuals["campaign"].astype("Int64"),
                                 channel_id=pd.NA)
        pending["sales_importedorder"].append(orders[ORDER_COLUMNS])
        pending["sales_importedline"].append(lines[LINE_COLUMNS])
        pending["sales_dailyactual"].append(actuals[ACTUAL_COLUMNS])
        written["orders"] += len(orders)
        written["lines"] += len(lines)
        written["actuals"] += len(actuals)
        if (k + 1) % COPY_EVERY == 0:
            flush()
            print(f"  {k + 1:,} shops, {written['orders']:,} orders", flush=True)
    flush()
    for batch_id, n in sizes:
        ImportBatch.objects.filter(pk=batch_id).update(orders=n, rows=n)
    written["organisations"] = Organization.objects.count()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--database", default=os.environ.get("SCALE_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args()
    began = time.perf_counter()
    setup_django(args.database, fresh=args.fresh)
    from django.db import connection

    from plannerist.models import Organization

    present = Organization.objects.count()
    if present == args.organisations:
        print(f"{present:,} organisations already seeded in {args.database}: nothing to do (--fresh to redo)")
        return 0
    if present:
        print(f"{present:,} organisations in {args.database}, {args.organisations:,} asked: use --fresh", file=sys.stderr)
        return 2
    migrated = time.perf_counter()
    written = seed(args.organisations)
    seeded = time.perf_counter()
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), pg_database_size(current_database())")
        pretty, size = cursor.fetchone()
    done = time.perf_counter()
    print(f"Seeded {written['organisations']:,} organisations into {args.database}: {written['orders']:,} orders "
          f"({written['orders'] / args.organisations:,.0f} each), {written['lines']:,} order lines, "
          f"{written['actuals']:,} daily actuals")
    print(f"  create + migrate {migrated - began:.1f} s, seed {seeded - migrated:.1f} s, VACUUM ANALYZE "
          f"{done - seeded:.1f} s; database {pretty} ({size:,} bytes); load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
