"""What the organisation's books cannot hold although the file reads: ids too long, amounts
and quantities out of range, another currency.

Each format's reader runs these on a file's lines together with its parse checks, so that one
attempt lists every problem of the file (not the parse errors first, then these on the next
try). ``columns`` names the file's own column for each normalised one (a Series when it varies
by line, as WooCommerce's ``line_item_N``); errors name those columns and the spreadsheet rows.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sales.readers.messages import gettext, ngettext, rows_list
from sales.readers.schema import ImportLimits, RowError

Columns = Mapping[str, "str | pd.Series | None"]
_ORDER_AMOUNTS = ("order_total", "discount_amount", "shipping_incl_vat", "refunded_amount")


def stored_value_errors(
    lines: pd.DataFrame, columns: Columns, *, limits: ImportLimits, books_currency: str | None
) -> list[RowError]:
    """Every problem of one file's staged lines that the books would refuse.

    A line gets one error for its numbers (a barcode read as a price makes a huge line total
    too), and an order's amounts are checked on its first line unless that line has one.
    """
    errors = order_id_errors(lines, columns.get("order_id"), limits.max_order_id)
    amount = gettext(
        "%(value)s is too large for an amount (amounts stay under %(limit)s): is a barcode or an "
        "order number in this column?"
    )
    checks = [
        ("quantity", limits.max_quantity, "quantity_out_of_range", gettext(
            "%(value)s units on one line is out of range (a line holds fewer than %(limit)s units, "
            "returns included): is an amount, a barcode or a typing slip in this column?")),
        ("unit_price_incl_vat", limits.max_amount, "amount_too_large", amount),
        ("line_total_incl_vat", limits.max_amount, "amount_too_large", gettext(
            "the line's total, %(value)s, is too large for an amount (amounts stay under %(limit)s): "
            "is a barcode or an order number in the quantity or price column?")),
    ]  # fmt: skip
    reported: set[object] = set()
    for field, limit, code, message in checks:
        errors += _out_of_range(lines, field, columns.get(field), limit, code, message, reported)
    first_lines = lines.loc[~lines["order_id"].duplicated().to_numpy()]
    for field in _ORDER_AMOUNTS:
        errors += _out_of_range(first_lines, field, columns.get(field), limits.max_amount,
                                "amount_too_large", amount, reported)  # fmt: skip
    if lines["order_total"].isna().all():  # the total is the lines' sum (see assemble.finish)
        sums = first_lines["order_id"].map(lines.groupby("order_id")["line_total_incl_vat"].sum())
        errors += _out_of_range(
            first_lines.assign(order_sum=sums), "order_sum", None, limits.max_amount,
            "amount_too_large", gettext(
                "the order's lines add up to %(value)s, too large for an amount (amounts stay under "
                "%(limit)s): is a barcode or an order number in the quantity or price column?"),
            reported,
        )  # fmt: skip
    if books_currency:
        column = columns.get("currency")
        errors += currency_errors(
            lines, books_currency, column if isinstance(column, str) else None
        )
    return errors


def order_id_errors(lines: pd.DataFrame, column: object, limit: int) -> list[RowError]:
    """An error on the first line of each order whose id is over ``limit`` characters."""
    first_lines = lines.loc[~lines["order_id"].duplicated().to_numpy()]
    long = first_lines.loc[first_lines["order_id"].str.len().to_numpy() > limit]
    message = gettext("the order id %(id)s is longer than %(limit)s characters")
    return [
        _error(long, label, column, message % {"id": repr(long.at[label, "order_id"][:80]),
                                               "limit": limit}, "order_id_too_long")
        for label in long.index
    ]  # fmt: skip


def currency_errors(lines: pd.DataFrame, books: str, column: str | None) -> list[RowError]:
    """One error per file and foreign currency, naming its orders' rows (not one per order)."""
    orders = lines.drop_duplicates(["source_file", "order_id"])
    currency = orders["currency"]
    foreign = orders.loc[(currency.notna() & (currency != books)).to_numpy(dtype=bool)]
    errors = []
    for (file, found), group in foreign.groupby(["source_file", "currency"], sort=False):
        rows = [int(row) for row in group["source_row"]]
        if len(group) == int((orders["source_file"] == file).sum()):
            message = gettext(
                "the file is in %(found)s (every order), but the organisation keeps its books in "
                "%(books)s: convert the file to %(books)s or import it into the right organisation"
            )
        else:
            message = ngettext(
                "this order is in %(found)s, but the organisation keeps its books in %(books)s: "
                "convert its amounts to %(books)s or remove it",
                "%(count)s orders of the file are in %(found)s (rows %(rows)s), but the "
                "organisation keeps its books in %(books)s: convert their amounts to %(books)s "
                "or remove them",
                len(rows),
            )
        values = {"found": found, "books": books, "count": len(rows), "rows": rows_list(rows)}
        errors.append(_error(group, group.index[0], column, message % values, "currency"))
    return errors


def _out_of_range(
    lines: pd.DataFrame, field: str, column: object, limit: float, code: str, message: str,
    reported: set[object],
) -> list[RowError]:  # fmt: skip
    """An error per line whose ``field`` is ``limit`` or more, either way (one per line)."""
    values = lines[field].to_numpy(dtype=float)
    over = np.flatnonzero(np.abs(np.nan_to_num(values)) >= limit)
    errors = []
    for i in over:
        label = lines.index[i]
        if label in reported:
            continue
        reported.add(label)
        shown = {"value": _number(values[i]), "limit": f"{limit:,.0f}".replace(",", "\u00a0")}
        errors.append(_error(lines, label, column, message % shown, code))
    return errors


def _error(lines: pd.DataFrame, label: object, column: object, message: str, code: str) -> RowError:
    if isinstance(column, pd.Series):
        column = column.get(label)
    return RowError(
        int(lines.at[label, "source_row"]),
        column if isinstance(column, str) else None,
        message,
        file=str(lines.at[label, "source_file"]),
        code=code,
    )


def _number(value: float) -> str:
    """As a spreadsheet cell holds it: ``3760123456789``, ``-1000000``, ``12.5``."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    return f"{value:.2f}" if abs(value) < 1e15 else f"{value:g}"
