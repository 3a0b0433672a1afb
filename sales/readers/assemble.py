"""From each file's staged lines to one import: checks across files, dedupe, summary.

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
from sales.readers.values import DATE_FORMATS

_LINE_IDENTITY = (
    "order_id",
    "sku",
    "product_name",
    "quantity",
    "unit_price_incl_vat",
    "line_total_incl_vat",
    "ordered_at",
)
_MAX_LISTED_COLUMNS = 25


def missing_columns(table: RawTable, required: Sequence[str], label: str) -> RowError | None:
    """An error naming the missing columns and the ones the file has, or ``None``."""
    missing = [name for name in required if table.find(name) is None]
    if not missing:
        return None
    present = table.header or [str(c) for c in table.frame.columns]
    if len(present) == 1:
        found = (
            f"the file has a single column {present[0][:80]!r}: "
            "is it separated by something other than a comma, a semicolon or a tab?"
        )
    else:
        shown = ", ".join(present[:_MAX_LISTED_COLUMNS])
        more = (
            f" and {len(present) - _MAX_LISTED_COLUMNS} more"
            if len(present) > _MAX_LISTED_COLUMNS
            else ""
        )
        found = f"the file has: {shown}{more}"
    return RowError(
        None,
        None,
        f"not a {label}: missing column(s) {', '.join(missing)}; {found}",
        file=table.file,
        code="missing_column",
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


def cell_errors(
    table: RawTable,
    mask: np.ndarray,
    column: str,
    code: str,
    message: Callable[[object], str],
    values: pd.Series,
) -> list[RowError]:
    """One error per masked row; ``message`` gets the cell's value."""
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    cells = values.to_numpy()[positions]
    return [
        RowError(int(table.rows[i]), column, message(cell), file=table.file, code=code)
        for i, cell in zip(positions, cells, strict=True)
    ]


def fill_order_field(
    table: RawTable, order: pd.Series, values: pd.Series, column: str, *, personal: bool = False
) -> tuple[pd.Series, list[RowError]]:
    """Give every line its order's value (exports leave it blank after the first line).

    Lines of one order that disagree mean two orders share an id: each disagreeing cell is
    an error that names the row holding the order's first value. A ``personal`` column
    (e-mail, customer id) is not quoted, so that an error log never holds one.
    """
    first = values.groupby(order, sort=False).transform("first")
    conflict = (values.notna() & (values != first)).to_numpy(dtype=bool)
    if not conflict.any():
        return first, []
    rows = pd.Series(table.rows, index=values.index)
    first_row = rows.where(values.notna()).groupby(order, sort=False).transform("first")
    positions = np.flatnonzero(conflict)
    errors = [
        RowError(
            int(table.rows[i]),
            column,
            (
                f"order {order.iat[i]} has another customer here than on row {int(first_row.iat[i])}"
                if personal
                else f"order {order.iat[i]} has {values.iat[i]!r} here but {first.iat[i]!r} on row "
                f"{int(first_row.iat[i])}"
            )
            + ": two orders share this id, or its rows disagree",
            file=table.file,
            code="conflicting_order",
        )
        for i in positions
    ]
    return first, errors


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


def orders_from_lines(lines: pd.DataFrame, *, with_products: bool = True) -> pd.DataFrame:
    """One row per order: its earliest line time, line and unit counts, goods total and order fields.

    ``is_adjustment_order`` marks a non-cancelled order made only of negative lines (a stock
    write-off or a return booked on its own): neither a sale nor a cancellation.
    ``products`` holds the order's :func:`products_by_order` (empty without ``with_products``:
    the summary counts orders, it needs no products).
    """
    if lines.empty:
        columns = ["order_id", "ordered_at", "lines", "units", "goods_incl_vat", *ORDER_FIELDS]
        return pd.DataFrame(columns=[*columns, "is_adjustment_order", "source_file", "products"])
    aggregations = {
        "ordered_at": ("ordered_at", "min"),
        "lines": ("order_id", "size"),
        "units": ("quantity", "sum"),
        "goods_incl_vat": ("line_total_incl_vat", "sum"),
        **{field: (field, "first") for field in ORDER_FIELDS},
        "is_adjustment_order": ("is_adjustment", "all"),
        "source_file": ("source_file", "first"),
    }
    orders = lines.groupby("order_id", sort=False).agg(**aggregations).reset_index()
    orders["cancelled"] = orders["cancelled"].astype(bool)
    orders["is_adjustment_order"] = orders["is_adjustment_order"].astype(bool)
    products = products_by_order(lines) if with_products else {}
    orders["products"] = [products.get(order_id, ()) for order_id in orders["order_id"]]
    return orders


PRODUCT_KEY_LENGTH = 64


def products_by_order(lines: pd.DataFrame) -> dict[str, tuple[tuple[str, float, float], ...]]:
    """Order id → ``(product, units, amount incl. VAT)`` per product of the order, the product
    being the line's SKU, or its name when the file has none (what margins rest on)."""
    if lines.empty or ("sku" not in lines.columns and "product_name" not in lines.columns):
        return {}  # lines rebuilt from stored orders: their products are in ImportedLine
    blank = pd.Series(pd.NA, index=lines.index, dtype="string")
    sku = lines["sku"].astype("string").str.strip() if "sku" in lines.columns else blank
    name = lines["product_name"].astype("string").str.strip() if "product_name" in lines.columns else blank
    product = sku.where(sku.notna() & (sku != ""), name).fillna("").str.slice(0, PRODUCT_KEY_LENGTH)
    amount = lines["line_total_incl_vat"].where(
        lines["line_total_incl_vat"].notna(), lines["unit_price_incl_vat"] * lines["quantity"]
    )
    frame = pd.DataFrame({"order_id": lines["order_id"].to_numpy(), "product": product.to_numpy(dtype=object),
                          "units": lines["quantity"].to_numpy(), "amount": amount.to_numpy()})
    grouped = frame.groupby(["order_id", "product"], sort=False)[["units", "amount"]].sum(min_count=1).reset_index()
    found: dict[str, list] = {}
    # Plain lists, not the MultiIndex: iterating one builds a tuple object per key (6 s a year).
    for order_id, key, units, total in zip(
        grouped["order_id"].tolist(), grouped["product"].tolist(), grouped["units"].fillna(0.0).tolist(),
        grouped["amount"].fillna(0.0).tolist(), strict=True,
    ):
        found.setdefault(order_id, []).append((key, units, total))
    return {order_id: tuple(items) for order_id, items in found.items()}


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


def staged_frame(table: RawTable, columns: dict[str, object]) -> pd.DataFrame:
    """A file's lines in the normalised columns; what a format does not give stays null."""
    frame = pd.DataFrame(
        {"source_file": table.file, "source_row": table.rows}, index=table.frame.index
    )
    for name, (dtype, _) in LINE_COLUMNS.items():
        if name in ("source_file", "source_row", "line_no", "is_adjustment"):
            continue
        value = columns.get(name)
        if value is None:
            value = False if dtype == "bool" else np.nan
        frame[name] = value
    return frame


def blank_cells(
    table: RawTable, values: pd.Series, column: str, mask: np.ndarray | None = None
) -> list[RowError]:
    """An error for each blank cell of a required column (restricted to ``mask`` rows)."""
    blank = values.isna().to_numpy()
    if mask is not None:
        blank = blank & mask
    return cell_errors(table, blank, column, "required", lambda _: "this cell is blank", values)


def not_a_number(value: object) -> str:
    return f"{value!r} is not a number"


def not_a_date(value: object) -> str:
    return f"{value!r} is not a date (expected {DATE_FORMATS})"


_LINE_PRICES = ("unit_price_incl_vat", "line_total_incl_vat")
_ORDER_PRICES = ("discount_amount", "shipping_incl_vat")
_CHARGED = ("order_total", "refunded_amount")


def prices_with_vat(lines: pd.DataFrame, vat_rate: float, *, charged_as_read: bool) -> pd.DataFrame:
    """Lines whose prices were read excl. VAT, with VAT added at ``vat_rate``.

    The line prices, the discount and the shipping are the shop's prices, so they were excl.
    VAT too. ``charged_as_read``: the order total and refund are what the customer was
    charged, VAT included whatever the prices (Shopify's ``Total``, WooCommerce's order
    total), and are kept; otherwise (the template, order-line files) they were summed or
    read on the same basis as the prices and get VAT too.
    """
    scaled = [*_LINE_PRICES, *_ORDER_PRICES, *(() if charged_as_read else _CHARGED)]
    lines = lines.copy()
    lines[scaled] = lines[scaled] * (1.0 + vat_rate)
    return lines
