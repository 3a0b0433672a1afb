"""Order imports: read, checked and saved all-or-nothing, from the command line or the web page
(preview, confirm, run in the worker when large). See :mod:`sales.services`.

Prices are read as the organisation states them (``prices_include_vat``) unless the import
says otherwise: prices read excl. VAT get VAT added at the organisation's rate before they are
stored, since an imported order keeps what the customer paid incl. VAT.

The web page keeps a preview as its read lines, customers already hashed; the files (they
hold customers' e-mails) only while they wait for a column mapping or for it to be changed,
at most :data:`UPLOAD_TTL`; an unconfirmed preview expires after :data:`PREVIEW_TTL`.
The command line reads files of any length in chunks (:func:`orders_import_stream`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import io
import logging
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plannerist.bulk import insert_rows
from plannerist.models import Organization, User
from plannerist.publish import publish
from sales import selectors
from sales.engine import lowest_unit_prices
from sales.models import MONEY_QUANTUM, ImportBatch, ImportedOrder
from sales.readers import (
    DEFAULT_LIMITS,
    ImportLimits,
    ImportResult,
    ImportSummary,
    OrderFile,
    RowError,
    orders_from_lines,
    read_orders,
)
from sales.readers.assemble import prices_with_vat
from sales.readers.checks import stored_value_errors
from sales.readers.lines import mapping_errors
from sales.readers.schema import LINE_COLUMNS, empty_lines
from sales.readers.streaming import file_chunks, workbook_rows
from sales.services.actuals import daily_actuals_rebuild
from sales.services.common import as_decimal, in_chunks, time_zone
from sales.services.lines import imported_lines_replace
from sales.signals import actuals_changed_send, prices_charged_send

logger = logging.getLogger(__name__)

_ORDER_FIELDS = (
    "ordered_at", "channel_id", "channel_name", "campaign_id", "discount_code", "customer_key",
    "units", "paid_incl_vat", "discounts", "refunds", "shipping_incl_vat", "cancelled",
    "is_adjustment", "shipped_at", "currency", "source_format",
)  # fmt: skip
_STORED_COLUMNS = {
    "order_id": "order", "unit_price_incl_vat": "unit_price", "quantity": "quantity", "line_total_incl_vat": "line_total",
    "discount_amount": "discount_amount", "shipping_incl_vat": "shipping", "order_total": "order_total",
    "refunded_amount": "refunded_amount", "currency": "currency",
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
    prices_include_vat: bool | None = None,
    dry_run: bool = False,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportOutcome:
    """Read ``files`` as one import and, unless there is an error or ``dry_run``, save it.
    ``prices_include_vat`` says how the files' prices are meant (the organisation's setting
    when None)."""
    result = _read(organization, files, format=format, mapping=mapping, cancel_prefix=cancel_prefix,
                   prices_include_vat=prices_include_vat, limits=limits)
    errors = list(result.errors) or _order_errors(result.lines, organization)
    if errors or dry_run:
        return ImportOutcome(result=result, errors=errors)
    return _save_import(organization=organization, orders=orders_from_lines(result.lines), summary=result.summary,
                        format=format, by=by, file_names=[f.name for f in files])


def _read(
    organization: Organization, files: Sequence[OrderFile], *, format: str, mapping: Mapping[str, str] | None,
    cancel_prefix: str | None, prices_include_vat: bool | None, limits: ImportLimits,
) -> ImportResult:
    result = read_orders(
        files,
        format=format,  # type: ignore[arg-type]
        salt=customer_salt(organization),
        mapping=mapping,
        cancel_prefix=cancel_prefix,
        limits=limits,
        default_currency=organization.currency,
        books_currency=organization.currency,
    )
    include = organization.prices_include_vat if prices_include_vat is None else prices_include_vat
    if include or not result.ok:
        return result
    lines = prices_with_vat(result.lines, float(organization.vat_rate), charged_as_read=format in _CHARGED_AS_READ)
    return dataclasses.replace(result, lines=lines)


_CHARGED_AS_READ = frozenset({"shopify", "woocommerce"})  # their order total is what was charged, VAT included


# ---------------------------------------------------------------- long files, from the command line

STREAM_CHUNK_ROWS = 50_000
_STREAM_LIMITS = ImportLimits(max_bytes=2**62, max_rows=2**62)  # a chunk is bounded by STREAM_CHUNK_ROWS
_MAX_STREAM_ERRORS = 10_000
_ORDER_COLUMN = {"shopify": "Name", "woocommerce": "order_id", "generic": "order_id"}


def orders_import_stream(
    *,
    organization: Organization,
    paths: Sequence[str | Path],
    format: str,
    by: User | None = None,
    mapping: Mapping[str, str] | None = None,
    cancel_prefix: str | None = None,
    prices_include_vat: bool | None = None,
    dry_run: bool = False,
    chunk_rows: int = STREAM_CHUNK_ROWS,
) -> ImportOutcome:
    """Import files of any length as one import, all or nothing, in bounded memory.

    Each file is read in parts of about ``chunk_rows`` lines (:func:`file_chunks`, cut between
    orders) and each part is reduced to its orders at once; only the orders are kept, then
    written in one transaction. An order met again in a later part or file is the same order
    given twice (overlapping exports) when it is identical, and is refused otherwise: an
    export writes an order's lines together. Errors of every part are reported (at most
    :data:`_MAX_STREAM_ERRORS`), and nothing is written if there is one.
    """
    order_column = (mapping or {}).get("order") if format == "lines" else _ORDER_COLUMN.get(format)
    errors: list[RowError] = mapping_errors(mapping or {}) if format == "lines" else []
    if errors:
        return ImportOutcome(result=ImportResult(empty_lines(), errors, ImportSummary(len(paths))), errors=errors)
    parts: list[pd.DataFrame] = []
    seen: dict[str, tuple[int, str, int]] = {}  # order id → (its content's hash, file, row)
    totals = _StreamTotals()
    for path in paths:
        for chunk in file_chunks(path, order_column=order_column, chunk_rows=chunk_rows):
            result = _read(organization, [chunk], format=format, mapping=mapping, cancel_prefix=cancel_prefix,
                           prices_include_vat=prices_include_vat, limits=_STREAM_LIMITS)
            totals.rows_read += result.summary.rows_read
            chunk_errors = list(result.errors) or _order_errors(result.lines, organization)
            if not chunk_errors:
                orders, repeated = _new_orders(result.lines, seen, chunk_errors)
                if not chunk_errors and not errors:
                    totals.add(result, orders, repeated)
                    parts.append(orders)
            errors += chunk_errors[: _MAX_STREAM_ERRORS - len(errors)]
            if errors:
                parts.clear()  # nothing will be written: keep only what the errors need
    if not paths:
        errors.append(RowError(None, None, "no file to import", code="empty"))
    summary = totals.summary(files=len(paths))
    result = ImportResult(empty_lines(), errors, summary)
    if errors or dry_run:
        return ImportOutcome(result=result, errors=errors)
    orders = pd.concat(parts, ignore_index=True) if parts else orders_from_lines(empty_lines())
    return _save_import(organization=organization, orders=orders, summary=summary, format=format, by=by,
                        file_names=[Path(p).name for p in paths])


def _new_orders(
    lines: pd.DataFrame, seen: dict[str, tuple[int, str, int]], errors: list[RowError]
) -> tuple[pd.DataFrame, pd.Series]:
    """The part's orders not met before, and a mask of the lines of orders met before (given
    again identically); an order met before with other content is an error."""
    orders = orders_from_lines(lines)
    content = lines.drop(columns=["source_file", "source_row"])
    line_hash = pd.util.hash_pandas_object(content, index=False)
    order_hash = line_hash.groupby(lines["order_id"].to_numpy(), sort=False).sum()
    first_rows = lines.groupby("order_id", sort=False)["source_row"].min()
    fresh = np.ones(len(orders), dtype=bool)
    for i, order_id in enumerate(orders["order_id"]):
        digest = int(order_hash[order_id]) & (2**63 - 1)
        known = seen.get(order_id)
        row = int(first_rows[order_id])
        if known is None:
            seen[order_id] = (digest, str(orders["source_file"].iat[i]), row)
        elif known[0] == digest:
            fresh[i] = False
        else:
            errors.append(RowError(
                row, None,
                f"order {order_id} is also in {known[1]} (row {known[2]}) with other lines: an order's lines "
                "must be together in one file; if the order changed between two exports, import them one at "
                "a time, the older first",
                file=str(orders["source_file"].iat[i]), code="conflicting_duplicate",
            ))  # fmt: skip
    repeated = lines["order_id"].isin(set(orders.loc[~fresh, "order_id"]))
    return orders.loc[fresh].reset_index(drop=True), repeated


@dataclasses.dataclass
class _StreamTotals:
    """What :class:`ImportSummary` says, summed over the parts of a streamed import."""

    rows_read: int = 0
    lines: int = 0
    dropped: int = 0
    orders: int = 0
    cancelled: int = 0
    guests: int = 0
    zero_price_lines: int = 0
    adjustment_lines: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    customers: set[str] = dataclasses.field(default_factory=set)
    currencies: set[str] = dataclasses.field(default_factory=set)

    def add(self, result: ImportResult, orders: pd.DataFrame, repeated: pd.Series) -> None:
        lines = result.lines.loc[~repeated.to_numpy()]
        self.lines += len(lines)
        self.dropped += result.summary.duplicate_lines_dropped + int(repeated.sum())
        self.zero_price_lines += int((lines["unit_price_incl_vat"] == 0).sum())
        self.adjustment_lines += int(lines["is_adjustment"].sum())
        if orders.empty:
            return
        self.orders += len(orders)
        self.cancelled += int(orders["cancelled"].sum())
        self.guests += int(orders["customer_key"].isna().sum())
        self.customers.update(orders["customer_key"].dropna())
        self.currencies.update(orders["currency"].dropna())
        first, last = orders["ordered_at"].min().to_pydatetime(), orders["ordered_at"].max().to_pydatetime()
        self.first = first if self.first is None else min(self.first, first)
        self.last = last if self.last is None else max(self.last, last)

    def summary(self, *, files: int) -> ImportSummary:
        return ImportSummary(
            files=files, rows_read=self.rows_read, lines=self.lines, duplicate_lines_dropped=self.dropped,
            orders=self.orders, cancelled_orders=self.cancelled, guest_orders=self.guests,
            customers=len(self.customers), zero_price_lines=self.zero_price_lines,
            adjustment_lines=self.adjustment_lines, first_order_at=self.first, last_order_at=self.last,
            currencies=tuple(sorted(self.currencies)),
        )


# ---------------------------------------------------------------- imports from the web page

SYNC_IMPORT_ROWS = 5_000  # above this, a confirmed import runs in the worker with a progress bar
# Uploads larger than this in all are previewed by the worker, not in the web request: 1 MB of
# order lines (about 12,000 UCI lines) previews in 0.2 s, 200,000 lines (the row limit) in 1.2 s
# on an idle machine but several times that on a loaded one, and workbooks read far slower
# than CSV (benchmarks/README.md): beyond 1 MB a request would hold a gunicorn worker.
PREVIEW_IN_WORKER_BYTES = 1024 * 1024
# An upload the worker has not read this long after it was sent is deleted (the worker was
# down, the message lost): far above the preview task's time limit.
UPLOAD_TTL = dt.timedelta(hours=1)
_MAX_SHOWN_ERRORS = 500
PREVIEW_TTL = dt.timedelta(hours=24)  # an unconfirmed preview is deleted after this
# A batch queued or running this long after its confirmation was lost (a worker killed past
# its hard time limit, a message dropped): far above the tasks' time limits.
STUCK_IMPORT = dt.timedelta(hours=2)
_LINE_DTYPES = {name: dtype for name, (dtype, _) in LINE_COLUMNS.items()}
_LINE_DATES = [name for name, dtype in _LINE_DTYPES.items() if dtype.startswith("datetime")]


def import_preview(
    *, organization: Organization, files: Sequence[OrderFile], format: str, by: User | None,
    mapping: Mapping[str, str] | None = None, cancel_prefix: str | None = None,
    prices_include_vat: bool | None = None, layout: Mapping[str, object] | None = None,
) -> ImportOutcome:
    """Read the files without saving an order; when they are clean, keep their read lines
    (customers hashed) in a pending :class:`ImportBatch` that :func:`import_confirm` runs. A
    workbook over the row limit is refused from its stated size, before any cell is read.

    ``layout`` (order lines read through a column mapping: the header's columns, signature
    and when the mapping was saved) is kept in the batch's options, and so are the files
    until :data:`UPLOAD_TTL` (:func:`import_batches_expire`), so that the mapping can be
    changed and the same files read again (:mod:`sales.services.mappings`).

    Files of more than :data:`PREVIEW_IN_WORKER_BYTES` in all are not read here: they are
    kept in a batch being read (``READING``) and the worker previews them
    (:func:`import_preview_run`); the returned batch says so and the page polls it."""
    too_many = _workbooks_over_limit(files, DEFAULT_LIMITS)
    if too_many:
        return ImportOutcome(result=ImportResult(empty_lines(), [too_many], ImportSummary(len(files))),
                             errors=[too_many])
    include = organization.prices_include_vat if prices_include_vat is None else prices_include_vat
    options = {"mapping": dict(mapping or {}), "cancel_prefix": cancel_prefix or "", "prices_include_vat": include,
               **(layout or {})}
    if sum(len(f.content) for f in files) > PREVIEW_IN_WORKER_BYTES:
        batch = ImportBatch.objects.create(
            organization=organization, created_by=by, format=format, file_names=[f.name for f in files],
            status=ImportBatch.Status.READING, progress=5, options=options, pending_upload=pack_files(files),
        )
        batch_id = batch.pk
        transaction.on_commit(lambda: _publish("preview_import", batch_id))
        return ImportOutcome(result=ImportResult(empty_lines(), [], ImportSummary(len(files))), errors=[], batch=batch)
    outcome = orders_import(organization=organization, files=files, format=format, mapping=mapping,
                            cancel_prefix=cancel_prefix, prices_include_vat=include, dry_run=True)
    if not outcome.ok:
        return outcome
    batch = ImportBatch.objects.create(
        organization=organization, created_by=by, format=format, file_names=[f.name for f in files],
        status=ImportBatch.Status.PENDING, rows=outcome.result.summary.rows_read,
        orders=outcome.result.summary.orders, summary=_json_summary(outcome.result.summary),
        options=options, pending_lines=_pack_lines(outcome.result.lines),
        pending_upload=pack_files(files) if layout else None,
    )
    return dataclasses.replace(outcome, batch=batch)


def import_preview_run(*, batch_id: int) -> ImportBatch | None:
    """The worker's preview of a large upload: the same reading and checks as
    :func:`import_preview`, then the upload is dropped for the read lines (customers hashed)
    and the batch waits for confirmation, or fails with every error. A batch no longer being
    read (failed by the expiry job, deleted) is left as it is."""
    batch = ImportBatch.objects.select_related("organization").filter(pk=batch_id).first()
    if batch is None or batch.status != ImportBatch.Status.READING:
        return batch
    if batch.pending_upload is None:
        import_fail(batch_id=batch.pk, reason=IMPORT_LOST)
        batch.refresh_from_db()
        return batch
    _progress(batch, 20, started=True)
    options = batch.options
    outcome = orders_import(
        organization=batch.organization, files=unpack_files(bytes(batch.pending_upload), batch.file_names),
        format=batch.format, mapping=options.get("mapping") or None, cancel_prefix=options.get("cancel_prefix") or None,
        prices_include_vat=options.get("prices_include_vat"), dry_run=True,
    )
    summary = outcome.result.summary
    reading = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.READING)
    if outcome.ok:
        reading.update(status=ImportBatch.Status.PENDING, progress=0, rows=summary.rows_read, orders=summary.orders,
                       summary=_json_summary(summary), pending_lines=_pack_lines(outcome.result.lines),
                       pending_upload=None)
    else:
        reading.update(status=ImportBatch.Status.FAILED, finished_at=timezone.now(), progress=100,
                       rows=summary.rows_read, pending_upload=None,
                       errors=[_error_json(e) for e in outcome.errors[:_MAX_SHOWN_ERRORS]])
    batch.refresh_from_db()
    return batch


def import_summary(batch: ImportBatch) -> ImportSummary:
    """What a previewed batch read, as the preview shows it."""
    return ImportSummary(**_summary_values(batch.summary))


def pack_files(files: Sequence[OrderFile]) -> bytes:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for i, f in enumerate(files):
            archive.writestr(f"{i:04d}", f.content)
    return packed.getvalue()


def unpack_files(packed: bytes, names: Sequence[str]) -> list[OrderFile]:
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        return [OrderFile(name, archive.read(f"{i:04d}")) for i, name in enumerate(names)]


def _workbooks_over_limit(files: Sequence[OrderFile], limits: ImportLimits) -> RowError | None:
    rows = sum(workbook_rows(f.content) or 0 for f in files)
    if rows <= limits.max_rows:
        return None
    return RowError(
        None, None,
        f"the import has {rows:,} rows, over the {limits.max_rows:,} limit of the web page: import the period "
        "in several parts, or the whole file with the import_orders command",
        code="too_many_rows",
    )  # fmt: skip


def _pack_lines(lines: pd.DataFrame) -> bytes:
    return gzip.compress(lines.to_csv(index=False).encode("utf-8"), compresslevel=6)


def _unpack_lines(packed: bytes) -> pd.DataFrame:
    text = gzip.decompress(packed).decode("utf-8")
    dtypes = {name: ("object" if dtype in ("str", "bool") or dtype.startswith("datetime") else dtype)
              for name, dtype in _LINE_DTYPES.items()}  # fmt: skip
    lines = pd.read_csv(io.StringIO(text), dtype=dtypes, keep_default_na=False, na_values=[""])
    for name in _LINE_DATES:
        lines[name] = pd.to_datetime(lines[name])
    for name, dtype in _LINE_DTYPES.items():
        if dtype == "bool":
            lines[name] = lines[name].map({"True": True, "False": False}).astype(bool)
    return lines.astype(_LINE_DTYPES)


def import_confirm(*, batch: ImportBatch) -> bool:
    """Run a previewed import now (small) or queue it for the worker (large); returns whether
    it was queued. Only a pending batch is claimed (a double click runs it once). A run that
    fails ends the batch with its error, never a server error."""
    queued = batch.rows > SYNC_IMPORT_ROWS
    status = ImportBatch.Status.QUEUED if queued else ImportBatch.Status.RUNNING
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PENDING)
    if not claimed.update(status=status, progress=5, started_at=timezone.now(), pending_upload=None):
        return False
    if queued:
        batch_id = batch.pk
        transaction.on_commit(lambda: _publish("run_import", batch_id))
        return True
    try:
        import_run(batch_id=batch.pk)
    except Exception:
        logger.exception("Import %s failed", batch.pk)
        import_fail(batch_id=batch.pk, reason=IMPORT_CRASHED)
    return False


def import_cancel(*, batch: ImportBatch) -> bool:
    """Delete a preview that was not confirmed, with the lines it kept; returns whether it was."""
    deleted, _ = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PENDING).delete()
    return bool(deleted)


def import_batches_expire(*, now: dt.datetime) -> tuple[int, int]:
    """The beat's clean-up: previews older than :data:`PREVIEW_TTL` are deleted; batches queued
    or running for longer than :data:`STUCK_IMPORT`, and uploads left unread for longer than
    :data:`UPLOAD_TTL`, are failed (and their upload deleted); uploads waiting for a column
    mapping are deleted after :data:`UPLOAD_TTL`, and a preview keeps its files no longer
    than that (its mapping can no longer be changed). Returns (deleted, failed)."""
    deleted, _ = ImportBatch.objects.filter(
        Q(status=ImportBatch.Status.PENDING, created_at__lt=now - PREVIEW_TTL)
        | Q(status=ImportBatch.Status.MAPPING, created_at__lt=now - UPLOAD_TTL)
    ).delete()
    ImportBatch.objects.filter(status=ImportBatch.Status.PENDING, created_at__lt=now - UPLOAD_TTL,
                               pending_upload__isnull=False).update(pending_upload=None)
    stuck = ImportBatch.objects.filter(
        Q(status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING], started_at__lt=now - STUCK_IMPORT)
        | Q(status=ImportBatch.Status.READING, created_at__lt=now - UPLOAD_TTL)
    ).values_list("pk", flat=True)
    failed = sum(import_fail(batch_id=batch_id, reason=IMPORT_LOST) for batch_id in list(stuck))
    return deleted, failed


def _publish(task_name: str, batch_id: int) -> None:
    """Queue the worker's preview or run of a batch; a broker that cannot take it fails the
    batch with the reason (its page stops polling) and drops what it kept."""
    from sales import tasks

    why_not = publish(getattr(tasks, task_name), batch_id)
    if why_not is not None:
        logger.warning("Import %s not queued: %s", batch_id, why_not)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED, finished_at=timezone.now(), progress=100, pending_lines=None,
            pending_upload=None,
            errors=[{"row": None, "column": "", "file": "", "message": f"the import could not be queued: {why_not}"}],
        )


def import_run(*, batch_id: int) -> ImportBatch | None:
    """Run a confirmed import from its previewed lines; lines that no longer import cleanly
    (a currency changed since the preview…) fail the batch with their errors, nothing saved."""
    batch = ImportBatch.objects.select_related("organization", "created_by").filter(pk=batch_id).first()
    if batch is None or batch.status not in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
        return batch
    if batch.pending_lines is None:
        import_fail(batch_id=batch.pk, reason=IMPORT_LOST)
        batch.refresh_from_db()
        return batch
    _progress(batch, 10, status=ImportBatch.Status.RUNNING, started=True)
    lines = _unpack_lines(bytes(batch.pending_lines))
    errors = _order_errors(lines, batch.organization)
    if errors:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, finished_at=timezone.now(), progress=100, pending_lines=None,
            errors=[_error_json(e) for e in errors[:_MAX_SHOWN_ERRORS]],
        )
    else:
        _progress(batch, 40)
        _save_import(organization=batch.organization, orders=orders_from_lines(lines),
                     summary=ImportSummary(**_summary_values(batch.summary)), format=batch.format,
                     by=batch.created_by, file_names=list(batch.file_names), batch=batch)
    batch.refresh_from_db()
    return batch


IMPORT_CRASHED = "crashed"
IMPORT_TIMED_OUT = "timed_out"
IMPORT_LOST = "lost"
_FAILURE_MESSAGES = {
    IMPORT_CRASHED: "the import stopped on an unexpected error; nothing was imported. Try again, and tell us if it "
                    "happens again",
    IMPORT_TIMED_OUT: "the import took longer than the time allowed; nothing was imported. Import the period in "
                      "several parts, or the whole file with the import_orders command",
    IMPORT_LOST: "the import was interrupted (the server restarted); nothing was imported. Import the files again",
}  # fmt: skip


def import_fail(*, batch_id: int, reason: str) -> bool:
    """End a batch that did not finish with the reason shown on its page (its polling stops);
    a batch already done is left as it is. Returns whether the batch was failed."""
    return bool(ImportBatch.objects.filter(pk=batch_id).exclude(status=ImportBatch.Status.DONE).update(
        status=ImportBatch.Status.FAILED, finished_at=timezone.now(), progress=100, pending_lines=None,
        pending_upload=None,
        errors=[{"row": None, "column": "", "file": "", "code": reason, "message": _FAILURE_MESSAGES[reason]}],
    ))


def _summary_values(summary: dict) -> dict:
    fields = {f.name for f in dataclasses.fields(ImportSummary)}
    values = {key: value for key, value in summary.items() if key in fields}
    for key in ("first_order_at", "last_order_at"):
        if values.get(key):
            values[key] = dt.datetime.fromisoformat(values[key])
    values["currencies"] = tuple(values.get("currencies") or ())
    return values


def _progress(batch: ImportBatch, percent: int, *, status: str | None = None, started: bool = False) -> None:
    """Progress is written outside the import's transaction so that the page polling it sees it."""
    values = {"progress": percent, **({"status": status} if status else {})}
    if started:
        values["started_at"] = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(**values)


def _error_json(error: RowError) -> dict:
    return {"file": error.file, "row": error.row, "column": error.column, "message": error.message}


def _order_errors(lines: pd.DataFrame, organization: Organization) -> list[RowError]:
    """What the books refuse although the file was readable (another currency, long ids, huge
    amounts): the readers' own checks, run again on lines read before (a preview confirmed
    after the organisation's currency changed)."""
    return stored_value_errors(lines, _STORED_COLUMNS, limits=DEFAULT_LIMITS, books_currency=organization.currency)


@transaction.atomic
def _save_import(
    *, organization: Organization, orders: pd.DataFrame, summary: ImportSummary, format: str, by: User | None,
    file_names: list[str], batch: ImportBatch | None = None,
) -> ImportOutcome:
    """Write the orders (one row each, as :func:`orders_from_lines` gives them) in one transaction."""
    tz = organization.timezone
    batch = batch or ImportBatch(organization=organization, created_by=by, format=format, file_names=file_names,
                                 started_at=timezone.now())
    batch.status, batch.rows, batch.orders = ImportBatch.Status.RUNNING, summary.rows_read, summary.orders
    batch.summary = _json_summary(summary)
    batch.save()
    incoming = _order_rows(organization, orders, format)
    existing = {
        order.order_id: order
        for chunk in in_chunks(list(incoming))
        for order in ImportedOrder.objects.filter(organization=organization, order_id__in=chunk)
    }
    created, changed, touched_days = [], [], set()
    for order_id, values in incoming.items():
        order = existing.get(order_id)
        if order is None:
            created.append((order_id, values))
        elif any(getattr(order, field) != value for field, value in values.items()):
            touched_days.add(timezone.localtime(order.ordered_at, time_zone(tz)).date())
            for field, value in values.items():
                setattr(order, field, value)
            order.batch = batch
            changed.append(order)
        else:
            continue
        touched_days.add(timezone.localtime(values["ordered_at"], time_zone(tz)).date())
    insert_rows(
        ImportedOrder, ["organization_id", "order_id", "batch_id", *_ORDER_FIELDS],
        ([organization.id, order_id, batch.pk, *(values[f] for f in _ORDER_FIELDS)] for order_id, values in created),
    )
    ImportedOrder.objects.bulk_update(changed, [*_ORDER_FIELDS, "batch"], batch_size=1000)
    imported_lines_replace(organization=organization, orders=orders, batch=batch)
    prices_charged_send(organization=organization, prices=lowest_unit_prices(orders))

    days: tuple[dt.date, ...] = ()
    if touched_days:
        written = [values for _order_id, values in created] + [{"customer_key": o.customer_key,
                                                                  "ordered_at": o.ordered_at} for o in changed]
        keys = {v["customer_key"] for v in written if v["customer_key"]}
        since = min(v["ordered_at"] for v in written)
        days = tuple(sorted(touched_days | selectors.customer_days_from(organization.id, keys, since, tz)))
        daily_actuals_rebuild(organization=organization, days=days)
        actuals_changed_send(organization=organization)
    batch.status, batch.progress = ImportBatch.Status.DONE, 100
    batch.finished_at = timezone.now()
    batch.summary = {**batch.summary, "created": len(created), "updated": len(changed),
                     "unchanged": len(incoming) - len(created) - len(changed)}
    batch.pending_lines = None
    batch.save(update_fields=["status", "progress", "finished_at", "summary", "pending_lines"])
    return ImportOutcome(
        result=ImportResult(empty_lines(), [], summary), errors=[], batch=batch, created=len(created), updated=len(changed),
        unchanged=len(incoming) - len(created) - len(changed), days_rebuilt=days,
    )


def _order_rows(organization: Organization, orders: pd.DataFrame, format: str) -> dict[str, dict]:
    """Order id → ImportedOrder field values, compared as the database returns them."""
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
            "units": as_decimal(order.units, "0.001"),
            "paid_incl_vat": as_decimal(order.order_total, MONEY_QUANTUM),
            "discounts": as_decimal(order.discount_amount, MONEY_QUANTUM),
            "refunds": as_decimal(order.refunded_amount, MONEY_QUANTUM),
            "shipping_incl_vat": as_decimal(order.shipping_incl_vat, MONEY_QUANTUM),
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
