"""What each format's reader stages a file's lines with: the normalised frame of a file's lines,
an order's fields given to each of its lines, and the errors of a file's cells (missing
columns, blank, not a number, not a date, an order whose lines disagree), each naming the
file, the spreadsheet row and the file's own column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from sales.readers.reading import RawTable
from sales.readers.schema import LINE_COLUMNS, RowError
from sales.readers.values import DATE_FORMATS

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
