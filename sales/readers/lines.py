"""Order-line files of any layout (till and shop exports), read through a column mapping.

The mapping names the file's column for each field: ``order``, ``date``, ``quantity``,
``unit_price`` (required), ``sku`` and/or ``description`` (one at least), and optionally
``customer``, ``channel``, ``discount_code``, ``currency``. Prices are read as incl. VAT.

A cancellation is marked one of two ways, as the till does it:

* ``cancel_prefix="C"``: an order id starting with the prefix is a cancellation (the UCI
  Online Retail data: ``C536379``). Negative lines of other orders are then adjustments
  (stock write-offs, returns booked on their own), imported and counted as such.
* no prefix: an order whose every line has a negative quantity is a cancellation; a negative
  line inside an otherwise positive order is an adjustment (a return on the same ticket).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from sales.readers.assemble import finish, read_files
from sales.readers.reading import RawTable
from sales.readers.schema import (
    DEFAULT_LIMITS,
    ImportLimits,
    ImportResult,
    OrderFile,
    RowError,
    as_order_files,
    salt_bytes,
)
from sales.readers.tabular import FIELDS, REQUIRED_FIELDS, LineLayout, stage_lines

MAPPING_FIELDS = ("order", "date", "sku", "description", "quantity", "unit_price", "customer",
                  "channel", "discount_code", "currency")  # fmt: skip


def parse_column_mapping(spec: str) -> dict[str, str]:
    """``order=InvoiceNo,date=InvoiceDate,…`` (the command line's ``--columns``) → a mapping.

    Raises ``ValueError`` with a message for the user when the text cannot be a mapping.
    """
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        field, sep, column = part.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise ValueError(f"{part!r} is not field=Column")
        mapping[field.strip()] = column.strip()
    return mapping


def mapping_errors(mapping: Mapping[str, str]) -> list[RowError]:
    """What is wrong with a mapping itself, before any file is read."""
    errors = []
    unknown = sorted(set(mapping) - set(MAPPING_FIELDS))
    if unknown:
        errors.append(
            RowError(
                None,
                None,
                f"unknown field(s) in the column mapping: {', '.join(unknown)} "
                f"(allowed: {', '.join(MAPPING_FIELDS)})",
                code="bad_mapping",
            )  # fmt: skip
        )
    missing = [f for f in REQUIRED_FIELDS if not mapping.get(f)]
    if not (mapping.get("sku") or mapping.get("description")):
        missing.append("sku or description")
    if missing:
        errors.append(
            RowError(
                None, None, f"the column mapping needs: {', '.join(missing)}", code="bad_mapping"
            )
        )
    return errors


def read_lines(
    files: OrderFile | Iterable[OrderFile] | Iterable[tuple[str, bytes]],
    *,
    salt: str | bytes,
    mapping: Mapping[str, str],
    cancel_prefix: str | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
    dayfirst: bool | None = None,
    default_currency: str | None = None,
    default_channel: str | None = None,
    books_currency: str | None = None,
) -> ImportResult:
    """Import order-line files (CSV or XLSX) of the layout ``mapping`` describes, as one import;
    orders in another currency than ``books_currency`` (when given) are refused."""
    key = salt_bytes(salt)
    files = as_order_files(files)
    errors = mapping_errors(mapping)
    if errors:
        return finish([], errors, files=len(files), rows_read=0)
    layout = LineLayout(
        "file with this column mapping",
        {field: column for field, column in mapping.items() if field in FIELDS},
        cancel_prefix=cancel_prefix or None,
        default_currency=default_currency,
        default_channel=default_channel,
        dayfirst=dayfirst,
        books_currency=books_currency,
    )
    wanted = {column.strip().casefold() for column in layout.columns.values()}

    def stage(table: RawTable) -> tuple[pd.DataFrame | None, list[RowError]]:
        return stage_lines(table, layout, key, limits)

    return read_files(
        files,
        limits=limits,
        wanted=lambda name: name.casefold() in wanted,
        stage=stage,
        negative_quantity_cancels=not cancel_prefix,
    )
