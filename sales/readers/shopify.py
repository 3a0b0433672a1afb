"""Shopify's "Export orders" CSV, both header layouts (75 columns, 2021; 79 columns since).

One row per line item. ``Name`` (``#1001``) is the order; the order's first row holds the
order-level fields and the following rows of the same order leave most of them blank, so
they are filled from the first row. ``Lineitem price`` is the unit price as the shop set it:
VAT included for a French B2C shop (Shopify's "prices include tax" setting), so it is read as
incl. VAT; ``Total`` is what the customer was charged either way. ``Lineitem quantity`` is
never negative in a Shopify export (refunds go to ``Refunded Amount``), so a negative one
means the file was edited and is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from sales.readers.assemble import read_files
from sales.readers.checks import stored_value_errors
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

REQUIRED = ("Name", "Created at", "Lineitem quantity", "Lineitem price", "Total")
OPTIONAL = (
    "Email",
    "Currency",
    "Shipping",
    "Discount Code",
    "Discount Amount",
    "Lineitem name",
    "Lineitem sku",
    "Lineitem discount",
    "Cancelled at",
    "Refunded Amount",
    "Source",
    "Fulfilled at",
)
# Blank on an order's continuation rows in real exports.
_ORDER_LEVEL = (
    "Created at",
    "Email",
    "Currency",
    "Shipping",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Cancelled at",
    "Refunded Amount",
    "Source",
    "Fulfilled at",
)
_NUMBERS = ("Lineitem quantity", "Lineitem price", "Lineitem discount", "Total", "Shipping",
            "Discount Amount", "Refunded Amount")  # fmt: skip
_WANTED = {name.casefold() for name in (*REQUIRED, *OPTIONAL)}


def read_shopify(
    files: OrderFile | Iterable[OrderFile] | Iterable[tuple[str, bytes]],
    *,
    salt: str | bytes,
    limits: ImportLimits = DEFAULT_LIMITS,
    dayfirst: bool | None = None,
    default_currency: str | None = None,
    books_currency: str | None = None,
) -> ImportResult:
    """Import one or several Shopify order exports as one import; orders in another currency
    than ``books_currency`` (when given) are refused."""
    key = salt_bytes(salt)

    def stage(table: RawTable) -> tuple[pd.DataFrame | None, list[RowError]]:
        return _stage(table, key, dayfirst, default_currency, limits, books_currency)

    return read_files(
        as_order_files(files),
        limits=limits,
        wanted=lambda name: name.casefold() in _WANTED,
        stage=stage,
    )


def _stage(
    table: RawTable,
    salt: bytes,
    dayfirst: bool | None,
    default_currency: str | None,
    limits: ImportLimits,
    books_currency: str | None,
) -> tuple[pd.DataFrame | None, list[RowError]]:
    missing = missing_columns(table, REQUIRED, "Shopify orders export")
    if missing:
        return None, [missing]
    col = {name: table.find(name) for name in (*REQUIRED, *OPTIONAL)}
    errors: list[RowError] = []

    def text(name: str) -> pd.Series:
        column = col[name]
        if column is None:
            return pd.Series(np.nan, index=table.frame.index, dtype="str")
        return table.text(column)

    order = text("Name")
    no_order = order.isna().to_numpy()
    errors += cell_errors(
        table, no_order, col["Name"], "required", lambda _: "the order name is blank", order
    )
    order = order.fillna("")

    raw: dict[str, pd.Series] = {}
    for name in _ORDER_LEVEL:
        raw[name], conflicts = fill_order_field(
            table, order, text(name), col[name] or name, personal=name == "Email"
        )
        errors += conflicts

    decimal = infer_decimal([text(n).dropna() for n in _NUMBERS], table.separator)
    numbers: dict[str, np.ndarray] = {}
    for name in _NUMBERS:
        # Parse the cells as written (not the filled copies) so a bad cell is one error.
        values, bad = parse_numbers(text(name), decimal)
        errors += cell_errors(table, bad, col[name], "bad_number", not_a_number, text(name))
        numbers[name] = values
    filled = {
        name: pd.Series(numbers[name], index=order.index)
        .groupby(order, sort=False)
        .transform("first")
        for name in ("Total", "Shipping", "Discount Amount", "Refunded Amount")
    }

    quantity, price = numbers["Lineitem quantity"], numbers["Lineitem price"]
    errors += blank_cells(table, text("Lineitem quantity"), col["Lineitem quantity"])
    errors += blank_cells(table, text("Lineitem price"), col["Lineitem price"])
    errors += cell_errors(
        table, np.nan_to_num(quantity) < 0, col["Lineitem quantity"], "negative_quantity",
        lambda v: f"{v} is negative: Shopify exports refunds in 'Refunded Amount', "
        "never as a negative quantity",
        text("Lineitem quantity"),
    )  # fmt: skip
    errors += cell_errors(
        table, np.nan_to_num(price) < 0, col["Lineitem price"], "negative_price",
        lambda v: f"{v} is negative: a Shopify line price never is", text("Lineitem price"),
    )  # fmt: skip
    # An order-level value blank on every row of its order: report it on the order's first row.
    first_row = ~order.duplicated().to_numpy() & ~no_order
    errors += blank_cells(table, filled["Total"], col["Total"], first_row)

    ordered_at, bad = parse_datetimes(text("Created at"), dayfirst)
    errors += cell_errors(table, bad, col["Created at"], "bad_date", not_a_date, text("Created at"))
    ordered_at = ordered_at.groupby(order, sort=False).transform("first")
    errors += blank_cells(
        table, ordered_at.where(~bad, pd.Timestamp(0)), col["Created at"], first_row
    )
    shipped_at, bad = parse_datetimes(text("Fulfilled at"), dayfirst)
    errors += cell_errors(
        table, bad, col["Fulfilled at"], "bad_date", not_a_date, text("Fulfilled at")
    )

    line_discount = np.nan_to_num(numbers["Lineitem discount"])
    currency = raw["Currency"].str.upper()
    if default_currency:
        currency = currency.fillna(default_currency)
    frame = staged_frame(
        table,
        {
            "order_id": order,
            "ordered_at": ordered_at,
            "sku": text("Lineitem sku"),
            "product_name": text("Lineitem name"),
            "quantity": quantity,
            "unit_price_incl_vat": price,
            "line_total_incl_vat": quantity * price - line_discount,
            "discount_code": raw["Discount Code"],
            "discount_amount": filled["Discount Amount"].fillna(0.0),
            "shipping_incl_vat": filled["Shipping"].fillna(0.0),
            "order_total": filled["Total"],
            "refunded_amount": filled["Refunded Amount"].fillna(0.0),
            "customer_key": hash_customers(raw["Email"], salt),
            "cancelled": raw["Cancelled at"].notna(),
            "currency": currency,
            "channel": raw["Source"],
            "shipped_at": shipped_at.groupby(order, sort=False).transform("first"),
        },
    )
    columns = {
        "order_id": col["Name"], "quantity": col["Lineitem quantity"],
        "unit_price_incl_vat": col["Lineitem price"], "line_total_incl_vat": col["Lineitem price"],
        "order_total": col["Total"], "discount_amount": col["Discount Amount"],
        "shipping_incl_vat": col["Shipping"], "refunded_amount": col["Refunded Amount"],
        "currency": col["Currency"],
    }  # fmt: skip
    errors += stored_value_errors(frame, columns, limits=limits, books_currency=books_currency)
    return (None, errors) if errors else (frame, [])
