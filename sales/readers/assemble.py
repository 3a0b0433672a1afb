"""From each file's staged lines to one import: checks across files, dedupe, summary (each
format stages a file's lines with :mod:`sales.readers.staging`; an import's orders are
:mod:`sales.readers.orders`).

Several files form one import. A line is identified by its order id and content (sku, name,
quantity, price, total, time) plus its occurrence among identical lines of the same file:
identical rows inside one file are kept (real exports hold them, e.g. twice the same item
scanned), while a file imported twice, or two exports that overlap, give each line once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from sales.readers.messages import gettext
from sales.readers.orders import orders_from_lines
from sales.readers.reading import RawTable, read_table
from sales.readers.schema import (
    LINE_COLUMNS,
    ORDER_FIELDS,
    ImportLimits,
    ImportResult,
    ImportSummary,
    OrderFile,
    RowError,
    empty_lines,
)

_LINE_IDENTITY = (
    "order_id",
    "sku",
    "product_name",
    "quantity",
    "unit_price_incl_vat",
    "line_total_incl_vat",
    "ordered_at",
)


def too_many_rows(tables: Sequence[RawTable], limits: ImportLimits) -> RowError | None:
    rows = sum(len(table) for table in tables)
    if rows <= limits.max_rows:
        return None
    return RowError(
        None,
        None,
        f"the import has {rows:,} rows, over the {limits.max_rows:,} limit: "
        "import the period in several parts",
        code="too_many_rows",
    )


def finish(
    staged: Sequence[pd.DataFrame],
    errors: list[RowError],
    *,
    files: int,
    rows_read: int,
    negative_quantity_cancels: bool = False,
) -> ImportResult:
    """Join the files' lines into one import, or refuse it whole if anything was wrong."""
    if staged:
        lines = pd.concat(staged, ignore_index=True)
        # Files are told apart by position: Shopify names every export orders_export.csv,
        # and the same file given twice must still count as two files.
        lines["_file"] = np.repeat(np.arange(len(staged)), [len(frame) for frame in staged])
        errors = [*errors, *_conflicts_between_files(lines)]
    if errors or not staged:
        return ImportResult(
            empty_lines(), sorted(errors, key=_error_order), ImportSummary(files, rows_read)
        )
    lines, dropped = _drop_repeated_lines(lines)
    order = lines["order_id"]
    if negative_quantity_cancels:
        # A till's cancellation is an order whose every line was taken back.
        all_negative = lines["quantity"].groupby(order, sort=False).transform("max") < 0
        lines["cancelled"] = lines["cancelled"] | all_negative
    missing_total = lines["order_total"].isna()
    if missing_total.any():
        goods = lines["line_total_incl_vat"].groupby(order, sort=False).transform("sum")
        derived = goods - lines["discount_amount"].fillna(0) + lines["shipping_incl_vat"].fillna(0)
        lines["order_total"] = lines["order_total"].where(~missing_total, derived)
    lines["is_adjustment"] = (lines["quantity"] < 0) & ~lines["cancelled"]
    lines["line_no"] = lines.groupby("order_id", sort=False).cumcount() + 1
    lines = lines[list(LINE_COLUMNS)].astype({n: d for n, (d, _) in LINE_COLUMNS.items()})
    return ImportResult(lines, [], _summary(lines, files, rows_read, dropped))


def _error_order(error: RowError) -> tuple:
    return (error.file is not None, error.file or "", error.row or 0, error.column or "")


def _conflicts_between_files(lines: pd.DataFrame) -> list[RowError]:
    if lines["_file"].nunique() < 2:
        return []
    per_file = (
        lines.groupby(["order_id", "_file"], sort=False)
        .agg(
            row=("source_row", "min"),
            source_file=("source_file", "first"),
            **{f: (f, "first") for f in ORDER_FIELDS},
        )
        .reset_index()
    )
    repeated = per_file["order_id"].duplicated(keep=False)
    if not repeated.any():
        return []
    per_file = per_file.loc[repeated]
    per_file["content"] = _line_contents(lines, per_file)
    reference = per_file.drop_duplicates("order_id").set_index("order_id")
    later = per_file.loc[per_file["order_id"].duplicated()]
    ref = reference.loc[later["order_id"]].reset_index(drop=True)
    later = later.reset_index(drop=True)
    errors = []
    fields_differ = np.zeros(len(later), dtype=bool)
    for field in ORDER_FIELDS:
        here, there = later[field], ref[field]
        if pd.api.types.is_float_dtype(here):
            same = np.isclose(here, there, atol=0.005, equal_nan=True)
        else:
            same = ((here == there) | (here.isna() & there.isna())).to_numpy(dtype=bool)
        fields_differ |= ~same
        for i in np.flatnonzero(~same):
            what = (
                "a different customer"
                if field == "customer_key"
                else (
                    f"a different {field.replace('_', ' ')} ({_shown(there.iat[i])} there, "
                    f"{_shown(here.iat[i])} here)"
                )
            )
            errors.append(
                RowError(
                    int(later["row"].iat[i]),
                    None,
                    f"order {later['order_id'].iat[i]} is also in {ref['source_file'].iat[i]} "
                    f"(row {int(ref['row'].iat[i])}) with {what}. If the order changed between "
                    "the two exports, import the files one at a time, the older first",
                    file=str(later["source_file"].iat[i]),
                    code="conflicting_duplicate",
                )
            )
    # The same order with other lines: imported as one, its lines would add up; imported one
    # file after the other, the later would replace the earlier. Neither is safe to guess.
    for i in np.flatnonzero(~fields_differ & (later["content"] != ref["content"]).to_numpy()):
        message = gettext(
            "order %(order)s is also in %(file)s (row %(row)s) with other lines: an export "
            "writes all of an order's lines together. If the order changed between the two "
            "exports, import the files one at a time, the older first"
        )
        values = {"order": later["order_id"].iat[i], "file": ref["source_file"].iat[i],
                  "row": int(ref["row"].iat[i])}  # fmt: skip
        errors.append(RowError(int(later["row"].iat[i]), None, message % values,
                               file=str(later["source_file"].iat[i]), code="conflicting_duplicate"))  # fmt: skip
    return errors


def _line_contents(lines: pd.DataFrame, per_file: pd.DataFrame) -> list[tuple]:
    """Each (order, file) pair's lines, as the sorted hashes of what identifies a line."""
    wanted = lines["order_id"].isin(set(per_file["order_id"])).to_numpy()
    some = lines.loc[wanted]
    identity = pd.Series(
        pd.util.hash_pandas_object(some[list(_LINE_IDENTITY)], index=False).to_numpy(),
        index=pd.MultiIndex.from_arrays([some["order_id"], some["_file"]]),
    )
    contents = identity.groupby(level=[0, 1], sort=False).agg(lambda h: tuple(sorted(h)))
    return [contents[(order, file)] for order, file in zip(per_file["order_id"], per_file["_file"], strict=True)]


def _shown(value: object) -> str:
    return (
        "blank"
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT
        else str(value)
    )


def _drop_repeated_lines(lines: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    identity = pd.util.hash_pandas_object(lines[list(_LINE_IDENTITY)], index=False).to_numpy()
    keys = pd.DataFrame({"file": lines["_file"].to_numpy(), "line": identity})
    keys["occurrence"] = keys.groupby(["file", "line"], sort=False).cumcount()
    repeated = keys.duplicated(["line", "occurrence"]).to_numpy()
    if not repeated.any():
        return lines, 0
    return lines.loc[~repeated].reset_index(drop=True), int(repeated.sum())


def _summary(lines: pd.DataFrame, files: int, rows_read: int, dropped: int) -> ImportSummary:
    orders = orders_from_lines(lines, with_products=False)
    return ImportSummary(
        files=files,
        rows_read=rows_read,
        lines=len(lines),
        duplicate_lines_dropped=dropped,
        orders=len(orders),
        cancelled_orders=int(orders["cancelled"].sum()),
        guest_orders=int(orders["customer_key"].isna().sum()),
        customers=int(orders["customer_key"].nunique()),
        zero_price_lines=int((lines["unit_price_incl_vat"] == 0).sum()),
        adjustment_lines=int(lines["is_adjustment"].sum()),
        first_order_at=orders["ordered_at"].min().to_pydatetime(),
        last_order_at=orders["ordered_at"].max().to_pydatetime(),
        currencies=tuple(sorted(orders["currency"].dropna().unique())),
    )


Stage = Callable[[RawTable], tuple[pd.DataFrame | None, list[RowError]]]


def read_files(
    files: Sequence[OrderFile],
    *,
    limits: ImportLimits,
    wanted: Callable[[str], bool] | None,
    stage: Stage,
    negative_quantity_cancels: bool = False,
) -> ImportResult:
    """Read every file, stage each one's lines, then :func:`finish`; errors from all files."""
    errors: list[RowError] = []
    tables: list[RawTable] = []
    if not files:
        errors.append(RowError(None, None, "no file to import", code="empty"))
    for file in files:
        table, file_errors = read_table(file, limits, wanted)
        errors.extend(file_errors)
        if table is not None:
            tables.append(table)
    rows_read = sum(len(table) for table in tables)
    limit_error = too_many_rows(tables, limits)
    if limit_error:
        return finish([], [*errors, limit_error], files=len(files), rows_read=rows_read)
    staged = []
    for table in tables:
        frame, table_errors = stage(table)
        errors.extend(table_errors)
        if frame is not None:
            staged.append(frame)
    return finish(
        staged,
        errors,
        files=len(files),
        rows_read=rows_read,
        negative_quantity_cancels=negative_quantity_cancels,
    )
