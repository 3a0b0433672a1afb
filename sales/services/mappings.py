"""An upload read as its header says (:mod:`sales.readers.detect`), and the column mappings
saved per file shape: the first order-lines file of a shape asks which column holds what, the
next file of that shape goes straight to its preview.

Nothing is half-written: a mapping is saved in the same transaction as the preview it read
cleanly, and a batch waiting for its mapping is replaced by that preview.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone

from plannerist.models import Organization, User
from sales.models import ColumnMapping, ImportBatch
from sales.readers import DEFAULT_LIMITS, ImportResult, ImportSummary, OrderFile, RowError
from sales.readers.detect import Layout, detect_layout, header_of
from sales.readers.schema import empty_lines
from sales.services.batches import pack_files, unpack_files
from sales.services.orders import ImportOutcome
from sales.services.previews import import_preview

_HEAD_BYTES = 64 * 1024  # enough for a header: a large text file is not read twice in full


def _head(file: OrderFile) -> OrderFile:
    """The file's first lines (a workbook whole: its header is not at its start)."""
    if file.content[:2] == b"PK" or len(file.content) <= _HEAD_BYTES:
        return file
    head = file.content[:_HEAD_BYTES]
    return OrderFile(file.name, head[: head.rfind(b"\n") + 1] or head)


def _failed(files: Sequence[OrderFile], errors: list[RowError]) -> ImportOutcome:
    return ImportOutcome(result=ImportResult(empty_lines(), errors, ImportSummary(len(files))), errors=errors)


def upload_layout(files: Sequence[OrderFile]) -> tuple[Layout | None, list[RowError]]:
    """The files' common layout, from their headers; files of different shapes are refused
    (import them one at a time)."""
    layouts = []
    for file in files:
        header, errors = header_of(_head(file), DEFAULT_LIMITS)
        if header is None:
            return None, [RowError(e.row, e.column, e.message, file=e.file or file.name, code=e.code) for e in errors]
        layouts.append(detect_layout(header))
    if len({layout.signature for layout in layouts}) > 1:
        names = ", ".join(f.name for f in files)
        return None, [RowError(None, None, f"the files do not have the same columns ({names}): import them one at "
                               "a time", code="mixed_layouts")]
    return layouts[0], []


def import_upload(
    *, organization: Organization, files: Sequence[OrderFile], by: User | None,
    cancel_prefix: str | None = None, prices_include_vat: bool | None = None,
) -> ImportOutcome:
    """Preview an upload in the layout its header says: a known export as it is; order lines
    with the mapping saved for their shape; else the files wait in a batch for their mapping
    (status ``MAPPING``, see :func:`import_mapping_save`)."""
    layout, errors = upload_layout(files)
    if layout is None:
        return _failed(files, errors)
    common = {"organization": organization, "files": files, "by": by, "cancel_prefix": cancel_prefix,
              "prices_include_vat": prices_include_vat}
    if layout.format != "lines":
        return import_preview(format=layout.format, **common)
    saved = ColumnMapping.objects.filter(organization=organization, signature=layout.signature).first()
    if saved is not None:
        outcome = import_preview(format="lines", mapping=saved.mapping, layout=_layout_options(layout, saved), **common)
        ColumnMapping.objects.filter(pk=saved.pk).update(used_at=timezone.now())
        if outcome.ok:
            return outcome
        # The saved mapping does not read these files: they wait for another, with the errors.
        return dataclasses.replace(outcome, batch=_waiting_for_mapping(layout, saved.mapping, **common))
    batch = _waiting_for_mapping(layout, {}, **common)
    return ImportOutcome(result=ImportResult(empty_lines(), [], ImportSummary(len(files))), errors=[], batch=batch)


def _waiting_for_mapping(
    layout: Layout, mapping: Mapping[str, str], *, organization: Organization, files: Sequence[OrderFile],
    by: User | None, cancel_prefix: str | None, prices_include_vat: bool | None,
) -> ImportBatch:
    include = organization.prices_include_vat if prices_include_vat is None else prices_include_vat
    return ImportBatch.objects.create(
        organization=organization, created_by=by, format="lines", file_names=[f.name for f in files],
        status=ImportBatch.Status.MAPPING, pending_upload=pack_files(files),
        options={"mapping": dict(mapping), "guess": layout.mapping, "columns": list(layout.columns),
                 "signature": layout.signature, "cancel_prefix": cancel_prefix or "", "prices_include_vat": include},
    )


def _layout_options(layout: Layout, saved: ColumnMapping) -> dict:
    return {"columns": list(layout.columns), "signature": layout.signature,
            "mapping_saved_at": saved.saved_at.isoformat()}


@transaction.atomic
def import_mapping_save(*, batch: ImportBatch, mapping: Mapping[str, str], by: User | None) -> ImportOutcome:
    """Read a batch's files again with ``mapping``; when they read cleanly, save the mapping
    for their shape (replacing the one saved before) and put the new preview in the batch's
    place. With an error nothing changes: the batch keeps its files and may be mapped again."""
    options = batch.options
    files = unpack_files(bytes(batch.pending_upload), batch.file_names)
    now = timezone.now()
    saved = ColumnMapping(organization=batch.organization, signature=options["signature"], saved_at=now)
    layout = Layout(format="lines", columns=tuple(options["columns"]), mapping=dict(mapping))
    outcome = import_preview(
        organization=batch.organization, files=files, format="lines", by=by, mapping=mapping,
        cancel_prefix=options.get("cancel_prefix") or None, prices_include_vat=options.get("prices_include_vat"),
        layout=_layout_options(layout, saved),
    )
    if not outcome.ok:
        return outcome
    ColumnMapping.objects.update_or_create(
        organization=batch.organization, signature=options["signature"],
        defaults={"format": "lines", "columns": list(options["columns"]), "mapping": dict(mapping),
                  "saved_at": now, "used_at": now, "saved_by": by},
    )
    ImportBatch.objects.filter(pk=batch.pk).delete()
    return outcome
