"""Writes for KPIs: order imports, daily actuals rebuilt from them, KPI snapshots, recomputes.

An import is all-or-nothing: any :class:`~kpis.importers.RowError` (the importers' own or an
order in another currency than the organisation's) and nothing is written. Otherwise orders
are upserted by ``(organization, order_id)`` — unchanged orders are not touched, so
importing the same file twice changes nothing — and the days whose orders changed get
their :class:`~kpis.models.DailyActual` order figures rebuilt from *all* the imported orders
of those days. Typed-in figures that orders cannot give (ad spend, support contacts, hours
worked) are kept; for imported days the order figures come from the imports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from kpis import engine, selectors
from kpis.importers import ImportResult, OrderFile, RowError, orders_from_lines, read_orders
from kpis.models import (
    DailyActual,
    DiscountCode,
    ImportBatch,
    ImportedOrder,
    ImportFile,
    KpiSnapshot,
    KpiTarget,
    RecomputeState,
    Signal,
    SignalThresholds,
)
from plannerist.bulk import insert_rows
from plannerist.models import Organization, User

logger = logging.getLogger(__name__)

_CAMPAIGN_TAG = "campaign:"
_ORDER_FIELDS = (
    "ordered_at", "channel_id", "channel_name", "campaign_id", "discount_code", "customer_key",
    "units", "paid_incl_vat", "discounts", "refunds", "shipping_incl_vat", "cancelled",
    "is_adjustment", "shipped_at", "currency", "source_format",
)  # fmt: skip
_ACTUAL_ORDER_FIELDS = (
    "orders", "units", "paid_incl_vat", "discounts", "refunds", "returned_orders",
    "new_customers", "returning_customers", "orders_shipped", "order_to_ship_hours",
)  # fmt: skip
_MAX_ORDER_ID = ImportedOrder._meta.get_field("order_id").max_length
_MAX_AMOUNT = 10.0**9  # what the 12-digit, 2-decimal money fields hold, with room for sums
_AMOUNT_COLUMNS = {
    "unit_price_incl_vat": "unit_price", "quantity": "quantity", "line_total_incl_vat": "line_total",
    "discount_amount": "discount_amount", "shipping_incl_vat": "shipping", "order_total": "order_total",
    "refunded_amount": "refunded_amount",
}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class ImportOutcome:
    """What an import did. ``batch`` is None when nothing was written (errors or a dry run)."""

    result: ImportResult
    errors: list[RowError]
    batch: ImportBatch | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    days_rebuilt: tuple[dt.date, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def customer_salt(organization: Organization) -> str:
    """Per-organisation salt: the same e-mail gives unrelated keys in two organisations."""
    return f"{settings.CUSTOMER_HASH_SALT}:{organization.id}"


def orders_import(
    *,
    organization: Organization,
    files: Sequence[OrderFile],
    format: str,
    by: User | None = None,
    mapping: Mapping[str, str] | None = None,
    cancel_prefix: str | None = None,
    dry_run: bool = False,
    batch: ImportBatch | None = None,
) -> ImportOutcome:
    """Read ``files`` as one import and, unless there is an error or ``dry_run``, save it
    (into ``batch`` when the web page created it at preview time)."""
    result = read_orders(
        files,
        format=format,  # type: ignore[arg-type]
        salt=customer_salt(organization),
        mapping=mapping,
        cancel_prefix=cancel_prefix,
        default_currency=organization.currency,
    )
    errors = list(result.errors) or _order_errors(result.lines, organization)
    if errors or dry_run:
        return ImportOutcome(result=result, errors=errors)
    if batch is not None:
        _progress(batch, 40)
    return _save_import(organization=organization, result=result, format=format, by=by,
                        file_names=[f.name for f in files], batch=batch)


# ---------------------------------------------------------------- imports from the web page

SYNC_IMPORT_ROWS = 5_000  # above this, a confirmed import runs in the worker with a progress bar


def import_preview(
    *, organization: Organization, files: Sequence[OrderFile], format: str, by: User | None,
    mapping: Mapping[str, str] | None = None, cancel_prefix: str | None = None,
) -> ImportOutcome:
    """Read the files without saving an order; when they are clean, keep them in a pending
    :class:`ImportBatch` that :func:`import_confirm` runs."""
    outcome = orders_import(organization=organization, files=files, format=format, mapping=mapping,
                            cancel_prefix=cancel_prefix, dry_run=True)
    if not outcome.ok:
        return outcome
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            organization=organization, created_by=by, format=format, file_names=[f.name for f in files],
            status=ImportBatch.Status.PENDING, rows=outcome.result.summary.rows_read,
            orders=outcome.result.summary.orders, summary=_json_summary(outcome.result.summary),
            options={"mapping": dict(mapping or {}), "cancel_prefix": cancel_prefix or ""},
        )
        ImportFile.objects.bulk_create(ImportFile(batch=batch, name=f.name, content=f.content) for f in files)
    return dataclasses.replace(outcome, batch=batch)


def import_confirm(*, batch: ImportBatch) -> bool:
    """Run a previewed import now (small) or queue it for the worker (large); returns whether
    it was queued. Only a pending batch is claimed (a double click runs it once)."""
    queued = batch.rows > SYNC_IMPORT_ROWS
    status = ImportBatch.Status.QUEUED if queued else ImportBatch.Status.RUNNING
    if not ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PENDING).update(status=status, progress=5):
        return False
    if queued:
        batch_id = batch.pk
        transaction.on_commit(lambda: _publish_import(batch_id))
        return True
    import_run(batch_id=batch.pk)
    return False


def _publish_import(batch_id: int) -> None:
    from kpis.tasks import run_import

    try:
        run_import.delay(batch_id)
    except (BrokerError, ConnectionError, OSError) as error:
        logger.warning("Import %s not queued: %s", batch_id, error)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED, finished_at=timezone.now(),
            errors=[{"row": None, "column": "", "file": "", "message": f"the import could not be queued: {error}"}],
        )


def import_run(*, batch_id: int) -> ImportBatch | None:
    """Run a confirmed import from its stored files; a file that no longer imports cleanly
    (a currency changed since the preview…) fails the batch with its errors, nothing saved."""
    batch = ImportBatch.objects.select_related("organization", "created_by").filter(pk=batch_id).first()
    if batch is None or batch.is_finished:
        return batch
    _progress(batch, 10, status=ImportBatch.Status.RUNNING)
    files = [OrderFile(f.name, bytes(f.content)) for f in batch.files.order_by("pk")]
    options = batch.options or {}
    outcome = orders_import(
        organization=batch.organization, files=files, format=batch.format, by=batch.created_by,
        mapping=options.get("mapping") or None, cancel_prefix=options.get("cancel_prefix") or None, batch=batch,
    )
    if not outcome.ok:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, finished_at=timezone.now(), progress=100,
            errors=[_error_json(e) for e in outcome.errors[:500]],
        )
    batch.refresh_from_db()
    return batch


def _progress(batch: ImportBatch, percent: int, *, status: str | None = None) -> None:
    """Progress is written outside the import's transaction so that the page polling it sees it."""
    values = {"progress": percent, **({"status": status} if status else {})}
    ImportBatch.objects.filter(pk=batch.pk).update(**values)


def _error_json(error: RowError) -> dict:
    return {"file": error.file, "row": error.row, "column": error.column, "message": error.message}


def _order_errors(lines: pd.DataFrame, organization: Organization) -> list[RowError]:
    """What the database refuses although the file was readable: another currency, long ids."""
    first = lines.drop_duplicates("order_id")
    errors = [
        RowError(
            int(row.source_row), "currency",
            f"order {row.order_id} is in {row.currency}, but {organization.name} keeps its books in "
            f"{organization.currency}: convert the file or import it into the right organisation",
            file=row.source_file, code="currency",
        )
        for row in first.loc[first["currency"] != organization.currency].itertuples()
    ]
    errors += [
        RowError(
            int(row.source_row), "order",
            f"order id {row.order_id[:80]!r} is longer than {_MAX_ORDER_ID} characters",
            file=row.source_file, code="order_id_too_long",
        )
        for row in first.loc[first["order_id"].str.len() > _MAX_ORDER_ID].itertuples()
    ]
    reported: set[tuple[str, int]] = set()  # one error per row: a huge price makes a huge total too
    for column, label in _AMOUNT_COLUMNS.items():
        huge = lines.loc[lines[column].abs() >= _MAX_AMOUNT]
        huge = huge.loc[[(f, r) not in reported for f, r in zip(huge["source_file"], huge["source_row"], strict=True)]]
        reported.update(zip(huge["source_file"], huge["source_row"], strict=True))
        errors += [
            RowError(
                int(row.source_row), label,
                f"{getattr(row, column):,.0f} is too large for an amount (at most {_MAX_AMOUNT:,.0f}): "
                "is a barcode or an order number in this column?",
                file=row.source_file, code="amount_too_large",
            )
            for row in huge.itertuples()
        ]
    return errors


@transaction.atomic
def _save_import(
    *, organization: Organization, result: ImportResult, format: str, by: User | None, file_names: list[str],
    batch: ImportBatch | None = None,
) -> ImportOutcome:
    tz = organization.timezone
    summary = result.summary
    batch = batch or ImportBatch(organization=organization, created_by=by, format=format, file_names=file_names)
    batch.status, batch.rows, batch.orders = ImportBatch.Status.RUNNING, summary.rows_read, summary.orders
    batch.summary = _json_summary(summary)
    batch.save()
    incoming = _order_rows(organization, result.lines, format)
    existing = {
        order.order_id: order
        for chunk in _chunks(list(incoming))
        for order in ImportedOrder.objects.filter(organization=organization, order_id__in=chunk)
    }
    created, changed, touched_days = [], [], set()
    for order_id, values in incoming.items():
        order = existing.get(order_id)
        if order is None:
            created.append((order_id, values))
        elif any(getattr(order, field) != value for field, value in values.items()):
            touched_days.add(timezone.localtime(order.ordered_at, _zone(tz)).date())
            for field, value in values.items():
                setattr(order, field, value)
            order.batch = batch
            changed.append(order)
        else:
            continue
        touched_days.add(timezone.localtime(values["ordered_at"], _zone(tz)).date())
    insert_rows(
        ImportedOrder, ["organization_id", "order_id", "batch_id", "is_new_customer", *_ORDER_FIELDS],
        ([organization.id, order_id, batch.pk, False, *(values[f] for f in _ORDER_FIELDS)] for order_id, values in created),
    )
    ImportedOrder.objects.bulk_update(changed, [*_ORDER_FIELDS, "batch"], batch_size=1000)

    days: tuple[dt.date, ...] = ()
    if touched_days:
        written = [values for _order_id, values in created] + [{"customer_key": o.customer_key,
                                                                  "ordered_at": o.ordered_at} for o in changed]
        keys = {v["customer_key"] for v in written if v["customer_key"]}
        since = min(v["ordered_at"] for v in written)
        days = tuple(sorted(touched_days | selectors.customer_days_from(organization.id, keys, since, tz)))
        daily_actuals_rebuild(organization=organization, days=days)
        recompute_request(organization=organization)
    batch.status, batch.progress = ImportBatch.Status.DONE, 100
    batch.finished_at = timezone.now()
    batch.summary = {**batch.summary, "created": len(created), "updated": len(changed),
                     "unchanged": len(incoming) - len(created) - len(changed)}
    batch.save(update_fields=["status", "progress", "finished_at", "summary"])
    batch.files.all().delete()
    return ImportOutcome(
        result=result, errors=[], batch=batch, created=len(created), updated=len(changed),
        unchanged=len(incoming) - len(created) - len(changed), days_rebuilt=days,
    )


def _order_rows(organization: Organization, lines: pd.DataFrame, format: str) -> dict[str, dict]:
    """Order id → ImportedOrder field values, compared as the database returns them."""
    orders = orders_from_lines(lines)
    codes = selectors.campaign_by_discount_code(organization.id)
    channels = selectors.channel_by_name(organization.id)
    ordered_at = _aware(orders["ordered_at"], organization.timezone)
    shipped_at = _aware(orders["shipped_at"], organization.timezone)
    rows = {}
    for i, order in enumerate(orders.itertuples(index=False)):
        code = order.discount_code if isinstance(order.discount_code, str) else ""
        channel = order.channel if isinstance(order.channel, str) else ""
        rows[str(order.order_id)] = {
            # In UTC, as the database returns it: an aware time in the repeated hour of the
            # autumn clock change never equals the same instant in another zone (PEP 495).
            "ordered_at": ordered_at[i].astimezone(dt.UTC),
            "channel_id": channels.get(channel.strip().casefold()),
            "channel_name": channel[:120],
            "campaign_id": codes.get(code.strip().casefold()),
            "discount_code": code[:64],
            "customer_key": order.customer_key if isinstance(order.customer_key, str) else None,
            "units": _decimal(order.units, "0.001"),
            "paid_incl_vat": _decimal(order.order_total),
            "discounts": _decimal(order.discount_amount),
            "refunds": _decimal(order.refunded_amount),
            "shipping_incl_vat": _decimal(order.shipping_incl_vat),
            "cancelled": bool(order.cancelled),
            "is_adjustment": bool(order.is_adjustment_order),
            "shipped_at": None if shipped_at[i] is None else shipped_at[i].astimezone(dt.UTC),
            "currency": order.currency,
            "source_format": format,
        }
    return rows


@transaction.atomic
def daily_actuals_rebuild(*, organization: Organization, days: Sequence[dt.date]) -> None:
    """Recompute the order figures of ``days`` from every imported order of those days.

    Writes the organisation's totals (no campaign, no channel) and one row per campaign the
    orders are linked to; a campaign row whose orders are gone is zeroed, not deleted, as it
    may hold typed-in spend.
    """
    tz = organization.timezone
    orders = selectors.orders_on_days(organization.id, days, tz)
    first = selectors.first_order_dates(organization.id, orders["customer_key"].dropna(), tz)
    _is_new_customer_update(orders, first)
    lines = _lines_of(orders)
    tags = {f"{_CAMPAIGN_TAG}{int(cid)}": int(cid) for cid in orders["campaign_id"].dropna().unique()}
    totals = engine.daily_actuals_from_orders(lines, first_order_dates=first)
    by_campaign = engine.daily_actuals_from_orders(lines, campaign_by_discount_code=tags, first_order_dates=first)
    figures = {(row.date, None): row for row in totals.itertuples(index=False)}
    figures.update(
        {(row.date, int(row.campaign)): row for row in by_campaign.itertuples(index=False) if pd.notna(row.campaign)}
    )
    existing = {
        (actual.date, actual.campaign_id): actual
        for actual in DailyActual.objects.filter(organization=organization, date__in=list(days), channel=None)
    }
    to_create, to_update = [], []
    for key in sorted(set(existing) | set(figures), key=lambda k: (k[0], k[1] or 0)):
        actual = existing.get(key) or DailyActual(organization=organization, date=key[0], campaign_id=key[1])
        values = _actual_values(figures.get(key))
        for field, value in values.items():
            setattr(actual, field, value)
        (to_update if actual.pk else to_create).append(actual)
    DailyActual.objects.bulk_create(to_create, batch_size=1000)
    DailyActual.objects.bulk_update(to_update, list(_ACTUAL_ORDER_FIELDS), batch_size=1000)


def _actual_values(row) -> dict[str, Decimal | None]:
    if row is None:
        return {field: (None if field == "order_to_ship_hours" else Decimal("0")) for field in _ACTUAL_ORDER_FIELDS}
    values = {field: _decimal(getattr(row, field)) for field in _ACTUAL_ORDER_FIELDS}
    # The model keeps the average; the engine gives the sum over shipped orders.
    values["order_to_ship_hours"] = (
        _decimal(row.order_to_ship_hours / row.orders_shipped) if row.orders_shipped > 0 else None
    )
    return values


def _is_new_customer_update(orders: pd.DataFrame, first: pd.Series) -> None:
    """Flag each customer's first sale ever (earliest time, then smallest order id)."""
    sale = ~orders["cancelled"].astype(bool) & ~orders["is_adjustment"].astype(bool)
    # Through a dict: mapping onto an empty datetime Series fails in pandas 3.
    first_at = pd.to_datetime(orders["customer_key"].map(first.to_dict()))
    at_first = sale & orders["customer_key"].notna() & (orders["ordered_at"] == first_at)
    ranked = orders.loc[at_first].sort_values(["ordered_at", "order_id"]).drop_duplicates("customer_key")
    new = orders["id"].isin(ranked["id"])
    changed = (new != orders["is_new_customer"].astype(bool)).to_numpy()
    ids, values = orders["id"].to_numpy()[changed], new.to_numpy()[changed]
    # Two plain UPDATEs per chunk rather than a CASE per row: ten times faster on a year of orders.
    for flag in (True, False):
        for chunk in _chunks([int(i) for i in ids[values == flag]]):
            ImportedOrder.objects.filter(id__in=chunk).update(is_new_customer=flag)


def _lines_of(orders: pd.DataFrame) -> pd.DataFrame:
    """Stored orders as one line each, in the importers' normalised columns."""
    return pd.DataFrame(
        {
            "order_id": orders["order_id"],
            "ordered_at": orders["ordered_at"],
            "quantity": orders["units"],
            "line_total_incl_vat": np.nan,
            "is_adjustment": orders["is_adjustment"].astype(bool),
            "discount_code": orders["campaign_id"].map(
                lambda cid: None if pd.isna(cid) else f"{_CAMPAIGN_TAG}{int(cid)}"
            ),
            "discount_amount": orders["discounts"],
            "shipping_incl_vat": orders["shipping_incl_vat"],
            "order_total": orders["paid_incl_vat"],
            "refunded_amount": orders["refunds"],
            "customer_key": orders["customer_key"],
            "cancelled": orders["cancelled"].astype(bool),
            "currency": orders["currency"],
            "channel": None,
            "shipped_at": orders["shipped_at"],
            "source_file": "",
        }
    )


@transaction.atomic
def kpis_recompute(*, organization_id: int) -> int:
    """Bring the organisation's KPI snapshots in line with a fresh computation; returns how
    many rows the organisation now has.

    Only what changed is written: rows whose value moved are upserted on their natural key
    (``computed_at`` is when the value was last written), rows the computation no longer
    gives are deleted, the rest is left alone; so running it twice gives the same rows, and
    an everyday recompute writes a handful of rows, not thousands. ``pending`` is released
    first, so that a change made during the computation queues another recompute; ``stale``
    is cleared only if nothing changed since the computation started.
    """
    organization = Organization.objects.get(pk=organization_id)
    started = timezone.now()
    state, _ = RecomputeState.objects.get_or_create(organization=organization)
    # First, before reading anything: this update locks the organisation's state row until
    # commit, so a second recompute of the same organisation waits here and then reads the
    # first one's data and more (tests/faults/test_concurrent_recomputes.py).
    RecomputeState.objects.filter(pk=state.pk).update(pending=False)
    today = timezone.localdate(started, _zone(organization.timezone))
    kpis = selectors.organisation_kpis(organization, today=today)
    look = selectors.capacity_outlook(organization, today=today)
    forecast = selectors.forecast_rows(look)
    parts = [part for part in (kpis, forecast) if not part.empty]
    rows = pd.concat(parts, ignore_index=True) if parts else kpis
    values = rows["value"].astype("float64")
    keys = zip(*(rows[column].tolist() for column in ("scope", "scope_id", "period", "period_start", "kpi")), strict=True)
    fresh = dict(zip(keys, values.astype(object).where(values.notna(), None).tolist(), strict=True))
    stored = selectors.snapshot_values(organization.id)
    changed = [key for key, value in fresh.items() if key not in stored or not _same(stored[key][1], value)]
    _snapshots_upsert(organization.id, [(key, fresh[key]) for key in changed], started)
    gone = [pk for key, (pk, _value) in stored.items() if key not in fresh]
    for chunk in _chunks(gone):
        KpiSnapshot.objects.filter(pk__in=chunk).delete()
    findings = selectors.signal_findings(organization, kpis, today=today, look=look)
    signals_replace(organization=organization, findings=findings, raised_at=started)
    RecomputeState.objects.filter(pk=state.pk).update(last_computed_at=started, last_error="")
    RecomputeState.objects.filter(pk=state.pk, stale_since__lte=started).update(stale=False, stale_since=None)
    return len(fresh)


def _snapshots_upsert(organization_id: int, rows: list[tuple[tuple, float | None]], at: dt.datetime) -> None:
    """Insert or update snapshots on their natural key (the first recompute of two years
    writes 50,000 rows: see :mod:`plannerist.bulk`)."""
    if not rows:
        return
    key = ["organization_id", "scope", "scope_id", "period", "period_start", "kpi"]
    insert_rows(
        KpiSnapshot, [*key, "value", "computed_at"],
        ([organization_id, *natural, value, at] for natural, value in rows),
        conflict=key, update=["value", "computed_at"],
    )


def _same(old: float | None, new: float | None) -> bool:
    if old is None or new is None:
        return old is new
    return abs(old - new) <= 1e-9 * max(1.0, abs(old), abs(new))


def signals_replace(*, organization: Organization, findings: Sequence, raised_at: dt.datetime) -> None:
    """The organisation's open signals become ``findings`` (the last recompute's)."""
    Signal.objects.filter(organization=organization).delete()
    Signal.objects.bulk_create(
        Signal(
            organization=organization, rule=f.rule, action=f.action, side=f.side, subject=f.subject[:200],
            evidence=f.evidence, campaign_id=f.campaign_id, raised_at=raised_at,
        )
        for f in findings
    )


def recompute_request(*, organization: Organization) -> bool:
    """Mark the KPIs stale and queue one recompute after commit, unless one is already queued.

    Returns whether this call claimed the recompute. A broker that cannot be reached is
    logged and leaves the organisation stale for :func:`stale_recompute_sweep`; it never
    raises into the caller (a web request must not fail because Redis is down).
    """
    state, _ = RecomputeState.objects.get_or_create(organization=organization)
    RecomputeState.objects.filter(pk=state.pk, stale=False).update(stale=True, stale_since=timezone.now())
    claimed = RecomputeState.objects.filter(pk=state.pk, pending=False).update(pending=True)
    if claimed:
        organization_id = organization.id
        transaction.on_commit(lambda: _publish_recompute(organization_id))
    return bool(claimed)


def _publish_recompute(organization_id: int) -> None:
    from kpis.tasks import recompute_kpis

    try:
        recompute_kpis.delay(organization_id)
    except (BrokerError, ConnectionError, OSError) as error:
        logger.warning("KPI recompute of organisation %s not queued: %s", organization_id, error)
        RecomputeState.objects.filter(organization_id=organization_id).update(
            pending=False, stale=True, last_error=f"not queued: {error}"[:500]
        )


# A queued recompute not done after this long was lost (a worker killed with the message is
# redelivered after the broker's visibility timeout, 20 min): the sweep queues another.
STUCK_PENDING = dt.timedelta(minutes=30)


def stale_recompute_sweep(*, now: dt.datetime | None = None) -> int:
    """Queue a recompute for every stale organisation (a lost message is retried after
    :data:`STUCK_PENDING`); returns how many were claimed."""
    now = now or timezone.now()
    RecomputeState.objects.filter(stale=True, pending=True, stale_since__lt=now - STUCK_PENDING).update(pending=False)
    stale = Organization.objects.filter(kpi_recompute__stale=True, kpi_recompute__pending=False)
    return sum(recompute_request(organization=organization) for organization in stale)


def all_recompute_request() -> int:
    """Queue a recompute for every organisation (the nightly run); returns how many were claimed."""
    return sum(recompute_request(organization=organization) for organization in Organization.objects.all())


def _json_summary(summary) -> dict:
    return {
        key: (value.isoformat() if isinstance(value, dt.datetime) else list(value) if isinstance(value, tuple) else value)
        for key, value in dataclasses.asdict(summary).items()
    }


def _decimal(value: object, quantum: str = "0.01") -> Decimal:
    if value is None or pd.isna(value):
        return Decimal("0")
    return Decimal(repr(float(value))).quantize(Decimal(quantum))


def _zone(tz: str):
    import zoneinfo

    return zoneinfo.ZoneInfo(tz)


def _aware(stamps: pd.Series, tz: str) -> list[dt.datetime | None]:
    """Naive local wall-clock times → aware datetimes (a DST-ambiguous hour is read as summer time)."""
    values = pd.to_datetime(stamps)
    localized = values.dt.tz_localize(tz, ambiguous=np.ones(len(values), dtype=bool), nonexistent="shift_forward")
    return [None if pd.isna(v) else v.to_pydatetime() for v in localized]


def _chunks(values: list, size: int = 2000):
    for i in range(0, len(values), size):
        yield values[i : i + size]


# ---------------------------------------------------------------- typed-in figures and settings

TYPED_FIELDS = (
    "orders", "units", "paid_incl_vat", "discounts", "refunds", "returned_orders", "new_customers",
    "returning_customers", "ad_spend", "support_contacts", "hours_worked", "orders_shipped",
    "order_to_ship_hours",
)  # fmt: skip


@transaction.atomic
def daily_actual_save(*, organization: Organization, date: dt.date, values: Mapping[str, object]) -> DailyActual:
    """Quick entry: the day's organisation totals, replacing what was typed for that day."""
    actual, _ = DailyActual.objects.get_or_create(organization=organization, date=date, campaign=None, channel=None)
    for field in TYPED_FIELDS:
        if field in values:
            setattr(actual, field, values[field])
    actual.full_clean(exclude=["organization", "campaign", "channel"], validate_constraints=False)
    actual.save()
    recompute_request(organization=organization)
    return actual


@transaction.atomic
def kpi_targets_save(*, organization: Organization, targets: Mapping[str, float | None]) -> None:
    """Set the targets given (a None clears one); KPIs not named keep theirs."""
    for kpi, value in targets.items():
        if value is None:
            KpiTarget.objects.filter(organization=organization, kpi=kpi).delete()
        else:
            KpiTarget.objects.update_or_create(organization=organization, kpi=kpi, defaults={"value": float(value)})
    recompute_request(organization=organization)


@transaction.atomic
def signal_thresholds_save(*, thresholds: SignalThresholds) -> SignalThresholds:
    thresholds.save()
    recompute_request(organization=thresholds.organization)
    return thresholds


@transaction.atomic
def discount_code_add(*, organization: Organization, code: str, campaign) -> DiscountCode:
    """Link a promo code to a campaign and re-attribute the imported orders that used it."""
    found = DiscountCode.objects.create(organization=organization, code=code.strip(), campaign=campaign)
    _attribute_orders(organization, code.strip(), campaign.pk)
    return found


@transaction.atomic
def discount_code_remove(*, discount_code: DiscountCode) -> None:
    organization = discount_code.organization
    code = discount_code.code
    discount_code.delete()
    _attribute_orders(organization, code, None)


def _attribute_orders(organization: Organization, code: str, campaign_id: int | None) -> None:
    orders = ImportedOrder.objects.filter(organization=organization, discount_code__iexact=code)
    stamps = list(orders.exclude(campaign_id=campaign_id).values_list("ordered_at", flat=True))
    if not stamps:
        return
    orders.update(campaign_id=campaign_id)
    zone = _zone(organization.timezone)
    daily_actuals_rebuild(organization=organization, days=sorted({timezone.localtime(s, zone).date() for s in stamps}))
    recompute_request(organization=organization)
