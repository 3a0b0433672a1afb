"""An import previewed before it is confirmed: the files read and checked without saving an
order, their read lines kept in a pending batch (:mod:`sales.services.batches` confirms it);
uploads over :data:`PREVIEW_IN_WORKER_BYTES` are previewed by the worker while the page polls.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone

from plannerist.models import Organization, User
from sales.models import ImportBatch
from sales.readers import (
    DEFAULT_LIMITS,
    ImportLimits,
    ImportResult,
    ImportSummary,
    OrderFile,
    RowError,
)
from sales.readers.schema import empty_lines
from sales.readers.streaming import workbook_rows
from sales.services.batches import (
    IMPORT_LOST,
    MAX_SHOWN_ERRORS,
    batch_progress,
    batch_publish,
    error_json,
    import_fail,
    pack_files,
    pack_lines,
    unpack_files,
)
from sales.services.imports import orders_import
from sales.services.orders import ImportOutcome, summary_json

# Uploads larger than this in all are previewed by the worker, not in the web request: 1 MB of
# order lines (about 12,000 UCI lines) previews in 0.2 s, 200,000 lines (the row limit) in 1.2 s
# on an idle machine but several times that on a loaded one, and workbooks read far slower
# than CSV (benchmarks/README.md): beyond 1 MB a request would hold a gunicorn worker.
PREVIEW_IN_WORKER_BYTES = 1024 * 1024


def import_preview(
    *, organization: Organization, files: Sequence[OrderFile], format: str, by: User | None,
    mapping: Mapping[str, str] | None = None, cancel_prefix: str | None = None,
    prices_include_vat: bool | None = None, layout: Mapping[str, object] | None = None,
) -> ImportOutcome:
    """Read the files without saving an order; when they are clean, keep their read lines
    (customers hashed) in a pending :class:`ImportBatch` that :func:`~sales.services.batches.import_confirm` runs. A
    workbook over the row limit is refused from its stated size, before any cell is read.

    ``layout`` (order lines read through a column mapping: the header's columns, signature
    and when the mapping was saved) is kept in the batch's options, and so are the files
    until :data:`~sales.services.batches.UPLOAD_TTL`
    (:func:`~sales.services.batches.import_batches_expire`), so that the mapping can be
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
        transaction.on_commit(lambda: batch_publish("preview_import", batch_id))
        return ImportOutcome(result=ImportResult(empty_lines(), [], ImportSummary(len(files))), errors=[], batch=batch)
    outcome = orders_import(organization=organization, files=files, format=format, mapping=mapping,
                            cancel_prefix=cancel_prefix, prices_include_vat=include, dry_run=True)
    if not outcome.ok:
        return outcome
    batch = ImportBatch.objects.create(
        organization=organization, created_by=by, format=format, file_names=[f.name for f in files],
        status=ImportBatch.Status.PENDING, rows=outcome.result.summary.rows_read,
        orders=outcome.result.summary.orders, summary=summary_json(outcome.result.summary),
        options=options, pending_lines=pack_lines(outcome.result.lines),
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
    batch_progress(batch, 20, started=True)
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
                       summary=summary_json(summary), pending_lines=pack_lines(outcome.result.lines),
                       pending_upload=None)
    else:
        reading.update(status=ImportBatch.Status.FAILED, finished_at=timezone.now(), progress=100,
                       rows=summary.rows_read, pending_upload=None,
                       errors=[error_json(e) for e in outcome.errors[:MAX_SHOWN_ERRORS]])
    batch.refresh_from_db()
    return batch


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

