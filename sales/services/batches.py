"""An import batch's life on the web page after its preview: confirmed (run at once when
small, queued for the worker above :data:`SYNC_IMPORT_ROWS` rows), run, cancelled, failed with
a reason its page shows, expired by the beat; and what a batch keeps while it waits.

A batch keeps a preview as its read lines, customers already hashed; the files (they hold
customers' e-mails) only while they wait for the worker's preview, for a column mapping or for
it to be changed, at most :data:`UPLOAD_TTL`; an unconfirmed preview expires after
:data:`PREVIEW_TTL`.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import logging
import zipfile
from collections.abc import Sequence

import pandas as pd
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plannerist.publish import publish
from sales.models import ImportBatch
from sales.readers import ImportSummary, OrderFile, RowError, orders_from_lines
from sales.readers.schema import LINE_COLUMNS
from sales.services.orders import order_errors, orders_save, summary_from_json

logger = logging.getLogger(__name__)

SYNC_IMPORT_ROWS = 5_000  # above this, a confirmed import runs in the worker with a progress bar
# An upload the worker has not read this long after it was sent is deleted (the worker was
# down, the message lost): far above the preview task's time limit.
UPLOAD_TTL = dt.timedelta(hours=1)
MAX_SHOWN_ERRORS = 500
PREVIEW_TTL = dt.timedelta(hours=24)  # an unconfirmed preview is deleted after this
# A batch queued or running this long after its confirmation was lost (a worker killed past
# its hard time limit, a message dropped): far above the tasks' time limits.
STUCK_IMPORT = dt.timedelta(hours=2)
_LINE_DTYPES = {name: dtype for name, (dtype, _) in LINE_COLUMNS.items()}
_LINE_DATES = [name for name, dtype in _LINE_DTYPES.items() if dtype.startswith("datetime")]


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
        transaction.on_commit(lambda: batch_publish("run_import", batch_id))
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


def batch_publish(task_name: str, batch_id: int) -> None:
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
    batch_progress(batch, 10, status=ImportBatch.Status.RUNNING, started=True)
    lines = unpack_lines(bytes(batch.pending_lines))
    errors = order_errors(lines, batch.organization)
    if errors:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, finished_at=timezone.now(), progress=100, pending_lines=None,
            errors=[error_json(e) for e in errors[:MAX_SHOWN_ERRORS]],
        )
    else:
        batch_progress(batch, 40)
        orders_save(organization=batch.organization, orders=orders_from_lines(lines),
                    summary=summary_from_json(batch.summary), format=batch.format,
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


def batch_progress(batch: ImportBatch, percent: int, *, status: str | None = None, started: bool = False) -> None:
    """Progress is written outside the import's transaction so that the page polling it sees it."""
    values = {"progress": percent, **({"status": status} if status else {})}
    if started:
        values["started_at"] = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(**values)


def error_json(error: RowError) -> dict:
    return {"file": error.file, "row": error.row, "column": error.column, "message": error.message}


def import_summary(batch: ImportBatch) -> ImportSummary:
    """What a previewed batch read, as the preview shows it."""
    return summary_from_json(batch.summary)


# ---------------------------------------------------------------- what a batch keeps while it waits

def pack_files(files: Sequence[OrderFile]) -> bytes:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for i, f in enumerate(files):
            archive.writestr(f"{i:04d}", f.content)
    return packed.getvalue()


def unpack_files(packed: bytes, names: Sequence[str]) -> list[OrderFile]:
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        return [OrderFile(name, archive.read(f"{i:04d}")) for i, name in enumerate(names)]


def pack_lines(lines: pd.DataFrame) -> bytes:
    return gzip.compress(lines.to_csv(index=False).encode("utf-8"), compresslevel=6)


def unpack_lines(packed: bytes) -> pd.DataFrame:
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
