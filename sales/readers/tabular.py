"""Order-line tables: one row per line, columns named by a template or by the user's mapping.

Shared by the generic template (:mod:`sales.readers.generic`) and by order-line files of
any layout (:mod:`sales.readers.lines`). Order-level fields may be repeated on each line
or left blank after the order's first line; lines of one order that disagree are refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd

from sales.readers.checks import stored_value_errors
from sales.readers.reading import RawTable
from sales.readers.schema import ImportLimits, RowError
from sales.readers.staging import (
    blank_cells,
    cell_errors,
    fill_order_field,
    missing_columns,
    not_a_date,
    not_a_number,
    staged_frame,
)
from sales.readers.values import (
    hash_customers,
    infer_decimal,
    parse_datetimes,
    parse_numbers,
)

# The fields a line table can carry, in the user's words (keys of a column mapping).
FIELDS = (
    "order",
    "date",
    "sku",
    "description",
    "quantity",
    "unit_price",
    "customer",
    "discount_code",
    "discount_amount",
    "shipping",
    "channel",
    "status",
    "refunded_amount",
    "shipped_at",
    "currency",
)
REQUIRED_FIELDS = ("order", "date", "quantity", "unit_price")
ORDER_LEVEL_FIELDS = (
    "customer",
    "discount_code",
    "discount_amount",
    "shipping",
    "channel",
    "status",
    "refunded_amount",
    "shipped_at",
    "currency",
)
_NUMBER_FIELDS = ("quantity", "unit_price", "discount_amount", "shipping", "refunded_amount")
# Status words that mean the order did not happen (English and French exports).
CANCELLED_STATUSES = frozenset(
    {"cancelled", "canceled", "annulé", "annulée", "annule", "annulee", "voided", "void"}
)


@dataclasses.dataclass(frozen=True)
class LineLayout:
    """Which file column holds each field; ``label`` names the layout in messages."""

    label: str
    columns: Mapping[str, str]
    cancel_prefix: str | None = None
    default_currency: str | None = None
    default_channel: str | None = None
    dayfirst: bool | None = None
    books_currency: str | None = None  # orders in another currency are refused


def stage_lines(
    table: RawTable, layout: LineLayout, salt: bytes, limits: ImportLimits
) -> tuple[pd.DataFrame | None, list[RowError]]:
    """One file's lines in the normalised columns, or the errors that prevent it."""
    required = [layout.columns[f] for f in REQUIRED_FIELDS]
    missing = missing_columns(table, required, layout.label)
    if missing is None and not any(
        table.find(layout.columns.get(f, "")) for f in ("sku", "description")
    ):
        names = " or ".join(
            layout.columns[f] for f in ("sku", "description") if f in layout.columns
        )
        missing = missing_columns(table, [names or "sku"], layout.label)
    if missing:
        return None, [missing]
    col: dict[str, str | None] = {
        field: table.find(layout.columns[field]) if field in layout.columns else None
        for field in FIELDS
    }
    index = table.frame.index

    def text(field: str) -> pd.Series:
        column = col[field]
        return table.text(column) if column else pd.Series(np.nan, index=index, dtype="str")

    errors: list[RowError] = []
    order = text("order")
    no_order = order.isna().to_numpy()
    errors += blank_cells(table, order, col["order"])
    order = order.fillna("")
    raw = {field: text(field) for field in FIELDS}
    for field in ORDER_LEVEL_FIELDS:
        if col[field]:
            raw[field], conflicts = fill_order_field(
                table, order, raw[field], col[field], personal=field == "customer"
            )
            errors += conflicts

    decimal = infer_decimal([text(f).dropna() for f in _NUMBER_FIELDS], table.separator)
    numbers = {}
    for field in _NUMBER_FIELDS:
        values, bad = parse_numbers(text(field), decimal)
        errors += cell_errors(table, bad, col[field], "bad_number", not_a_number, text(field))
        numbers[field] = pd.Series(values, index=index)
        if field in ORDER_LEVEL_FIELDS:
            numbers[field] = numbers[field].groupby(order, sort=False).transform("first")
    errors += blank_cells(table, text("quantity"), col["quantity"])
    errors += blank_cells(table, text("unit_price"), col["unit_price"])

    ordered_at, bad = parse_datetimes(text("date"), layout.dayfirst)
    errors += cell_errors(table, bad, col["date"], "bad_date", not_a_date, text("date"))
    # Lines keep their own time (a till ticket may span a minute); a blank one takes the
    # order's, and only an order with no date at all is refused, on its first row.
    ordered_at = ordered_at.fillna(ordered_at.groupby(order, sort=False).transform("first"))
    first_row = ~order.duplicated().to_numpy() & ~no_order
    errors += blank_cells(table, ordered_at.where(~bad, pd.Timestamp(0)), col["date"], first_row)
    shipped_at, bad = parse_datetimes(text("shipped_at"), layout.dayfirst)
    errors += cell_errors(table, bad, col["shipped_at"], "bad_date", not_a_date, text("shipped_at"))

    cancelled = raw["status"].str.casefold().isin(CANCELLED_STATUSES).to_numpy(dtype=bool)
    if layout.cancel_prefix:
        cancelled = cancelled | order.str.startswith(layout.cancel_prefix).to_numpy(dtype=bool)
    quantity, price = numbers["quantity"].to_numpy(), numbers["unit_price"].to_numpy()
    currency = raw["currency"].str.upper()
    frame = staged_frame(
        table,
        {
            "order_id": order,
            "ordered_at": ordered_at,
            "sku": raw["sku"],
            "product_name": raw["description"],
            "quantity": quantity,
            "unit_price_incl_vat": price,
            "line_total_incl_vat": quantity * price + 0.0,  # no -0.0 on free adjustments
            "discount_code": raw["discount_code"],
            "discount_amount": numbers["discount_amount"].fillna(0.0),
            "shipping_incl_vat": numbers["shipping"].fillna(0.0),
            "refunded_amount": numbers["refunded_amount"].fillna(0.0),
            "customer_key": hash_customers(raw["customer"], salt),
            "cancelled": cancelled,
            "currency": currency.fillna(layout.default_currency)
            if layout.default_currency
            else currency,
            "channel": raw["channel"].fillna(layout.default_channel)
            if layout.default_channel
            else raw["channel"],
            "shipped_at": shipped_at.groupby(order, sort=False).transform("first"),
        },
    )
    columns = {
        "order_id": col["order"], "quantity": col["quantity"], "unit_price_incl_vat": col["unit_price"],
        "line_total_incl_vat": col["unit_price"], "discount_amount": col["discount_amount"],
        "shipping_incl_vat": col["shipping"], "refunded_amount": col["refunded_amount"],
        "currency": col["currency"],
    }  # fmt: skip
    errors += stored_value_errors(frame, columns, limits=limits, books_currency=layout.books_currency)
    return (None, errors) if errors else (frame, [])
