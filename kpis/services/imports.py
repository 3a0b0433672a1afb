"""Order imports: read, checked and saved all-or-nothing, from the command line or the web page
(preview, confirm, run in the worker when large). See :mod:`kpis.services`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from kpis import selectors
from kpis.importers import ImportResult, OrderFile, RowError, orders_from_lines, read_orders
from kpis.models import ImportBatch, ImportedOrder, ImportFile
from kpis.services._common import _chunks, _decimal, _zone
from kpis.services.actuals import daily_actuals_rebuild
from kpis.services.recompute import recompute_request
from plannerist.bulk import insert_rows
from plannerist.models import Organization, User

logger = logging.getLogger(__name__)

_ORDER_FIELDS = (
    "ordered_at", "channel_id", "channel_name", "campaign_id", "discount_code", "customer_key",
    "units", "paid_incl_vat", "discounts", "refunds", "shipping_incl_vat", "cancelled",
    "is_adjustment", "shipped_at", "currency", "source_format",
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


def _json_summary(summary) -> dict:
    return {
        key: (value.isoformat() if isinstance(value, dt.datetime) else list(value) if isinstance(value, tuple) else value)
        for key, value in dataclasses.asdict(summary).items()
    }


def _aware(stamps: pd.Series, tz: str) -> list[dt.datetime | None]:
    """Naive local wall-clock times → aware datetimes (a DST-ambiguous hour is read as summer time)."""
    values = pd.to_datetime(stamps)
    localized = values.dt.tz_localize(tz, ambiguous=np.ones(len(values), dtype=bool), nonexistent="shift_forward")
    return [None if pd.isna(v) else v.to_pydatetime() for v in localized]
