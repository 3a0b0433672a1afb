"""WooCommerce order export CSV of the WebToffee plugin ("Order Export & Order Import").

One row per order; its lines are packed in ``line_item_1`` … ``line_item_N`` cells as
``name:…|product_id:…|sku:…|quantity:…|total:…|sub_total:…|tax:…`` (keys in any order,
unknown keys such as ``meta`` or ``tax_data`` ignored, a ``|`` inside a product name kept).
WooCommerce stores line amounts excl. VAT: ``total`` after coupons, ``sub_total`` before,
``tax`` the VAT on ``total``. The line's VAT rate (tax / total) is applied to ``sub_total``
so the line amount is incl. VAT and before order-level discounts, as for the other formats.
``discount_total`` is kept as exported (excl. VAT). A line without ``sku`` takes its
``product_id`` as reference. Refunds are the sum of the ``amount:`` values in
``refund_items``; an order whose status is ``refunded`` with no amount there counts as
refunded in full. ``cancelled``, ``failed``, ``trash`` and ``checkout-draft`` orders are
cancelled. A negative line quantity never comes out of WooCommerce and is refused.
"""

from __future__ import annotations

import dataclasses
import re
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
    missing_columns,
    not_a_date,
    not_a_number,
    staged_frame,
)
from sales.readers.values import hash_customers, infer_decimal, parse_datetimes, parse_numbers

REQUIRED = ("order_id", "order_date", "order_total")
OPTIONAL = (
    "status",
    "customer_email",
    "billing_email",
    "order_currency",
    "shipping_total",
    "shipping_tax_total",
    "discount_total",
    "coupon_items",
    "refund_items",
)
CANCELLED_STATUSES = frozenset({"cancelled", "failed", "trash", "checkout-draft"})
_LINE_ITEM = re.compile(r"line_item_(\d+)", re.IGNORECASE)
_ITEM_KEYS = (
    "name|product_id|variation_id|sku|quantity|total|sub_total|subtotal|tax|total_tax|"
    "subtotal_tax|tax_data|meta|id|item_id|type"
)
_NUMBERS = ("order_total", "shipping_total", "shipping_tax_total", "discount_total")
_WANTED = {name.casefold() for name in (*REQUIRED, *OPTIONAL)}


def _item_value(key: str) -> str:
    # A value runs to the next known key, so "name:Mug | blue|sku:…" keeps "Mug | blue".
    return rf"(?:^|\|)\s*{key}\s*:(.*?)(?=\|\s*(?:{_ITEM_KEYS})\s*:|$)"


def read_woocommerce(
    files: OrderFile | Iterable[OrderFile] | Iterable[tuple[str, bytes]],
    *,
    salt: str | bytes,
    limits: ImportLimits = DEFAULT_LIMITS,
    dayfirst: bool | None = None,
    default_currency: str | None = None,
    default_channel: str | None = None,
    books_currency: str | None = None,
) -> ImportResult:
    """Import one or several WebToffee WooCommerce order exports as one import; orders in
    another currency than ``books_currency`` (when given) are refused."""
    key = salt_bytes(salt)

    def stage(table: RawTable) -> tuple[pd.DataFrame | None, list[RowError]]:
        return _stage(table, key, dayfirst, default_currency, default_channel, limits, books_currency)

    return read_files(
        as_order_files(files),
        limits=limits,
        wanted=lambda name: name.casefold() in _WANTED or bool(_LINE_ITEM.fullmatch(name)),
        stage=stage,
    )


def _stage(
    table: RawTable,
    salt: bytes,
    dayfirst: bool | None,
    default_currency: str | None,
    default_channel: str | None,
    limits: ImportLimits,
    books_currency: str | None,
) -> tuple[pd.DataFrame | None, list[RowError]]:
    item_columns = sorted(
        (c for c in table.frame.columns if _LINE_ITEM.fullmatch(c)),
        key=lambda c: int(_LINE_ITEM.fullmatch(c).group(1)),
    )
    missing = missing_columns(
        table, [*REQUIRED, *([] if item_columns else ["line_item_1"])], "WooCommerce order export"
    )
    if missing:
        return None, [missing]
    col = {name: table.find(name) for name in (*REQUIRED, *OPTIONAL)}
    index = table.frame.index

    def text(name: str) -> pd.Series:
        column = col[name]
        return table.text(column) if column else pd.Series(np.nan, index=index, dtype="str")

    errors: list[RowError] = []
    order = text("order_id")
    errors += blank_cells(table, order, col["order_id"])
    decimal = infer_decimal([text(n).dropna() for n in _NUMBERS], table.separator)
    numbers = {}
    for name in _NUMBERS:
        numbers[name], bad = parse_numbers(text(name), decimal)
        errors += cell_errors(table, bad, col[name], "bad_number", not_a_number, text(name))
    errors += blank_cells(table, text("order_total"), col["order_total"])
    ordered_at, bad = parse_datetimes(text("order_date"), dayfirst)
    errors += cell_errors(table, bad, col["order_date"], "bad_date", not_a_date, text("order_date"))
    errors += blank_cells(table, text("order_date"), col["order_date"])

    items, item_errors = _line_items(table, item_columns, decimal)
    errors += item_errors

    status = text("status").str.casefold().str.removeprefix("wc-")
    refunds = _refunds(text("refund_items"), decimal)
    total = pd.Series(numbers["order_total"], index=index)
    refunds = refunds.where(~((status == "refunded") & (refunds == 0)), total)
    customer = text("customer_email").fillna(text("billing_email"))
    coupon = (
        text("coupon_items").str.extract(r"(?:^|[|;])\s*code\s*:([^|;]*)", expand=False).str.strip()
    )
    currency = text("order_currency").str.upper()
    if default_currency:
        currency = currency.fillna(default_currency)
    per_order = pd.DataFrame(
        {
            "order_id": order,
            "ordered_at": ordered_at,
            "discount_code": coupon.mask(coupon == ""),
            "discount_amount": np.nan_to_num(numbers["discount_total"]),
            "shipping_incl_vat": np.nan_to_num(numbers["shipping_total"])
            + np.nan_to_num(numbers["shipping_tax_total"]),
            "order_total": total,
            "refunded_amount": refunds,
            "customer_key": hash_customers(customer, salt),
            "cancelled": status.isin(CANCELLED_STATUSES).to_numpy(dtype=bool),
            "currency": currency,
            "channel": default_channel,
        }
    )
    picked = per_order.iloc[items["position"].to_numpy()].reset_index(drop=True)
    chosen = items["position"].to_numpy()
    line_table = dataclasses.replace(
        table, frame=table.frame.iloc[chosen].reset_index(drop=True), rows=table.rows[chosen]
    )
    columns = {name: picked[name] for name in picked.columns}
    columns.update(
        sku=items["sku"],
        product_name=items["name"],
        quantity=items["quantity"],
        unit_price_incl_vat=items["unit_price"],
        line_total_incl_vat=items["line_total"],
    )
    frame = staged_frame(line_table, columns)
    item_column = pd.Series(items["column"].to_numpy(), index=frame.index)
    checked = {
        "order_id": col["order_id"], "quantity": item_column, "unit_price_incl_vat": item_column,
        "line_total_incl_vat": item_column, "order_total": col["order_total"],
        "discount_amount": col["discount_total"], "shipping_incl_vat": col["shipping_total"],
        "refunded_amount": col["refund_items"], "currency": col["order_currency"],
    }  # fmt: skip
    errors += stored_value_errors(frame, checked, limits=limits, books_currency=books_currency)
    return (None, errors) if errors else (frame, [])


def _line_items(
    table: RawTable, columns: list[str], decimal: str
) -> tuple[pd.DataFrame, list[RowError]]:
    """Unpack every ``line_item_N`` cell into one row per line, in order, with its errors."""
    positions, cells, names = [], [], []
    for column in columns:
        values = table.text(column)
        filled = np.flatnonzero(values.notna().to_numpy())
        positions.append(filled)
        cells.append(values.to_numpy()[filled])
        names.append(np.full(len(filled), column, dtype=object))
    position = np.concatenate(positions) if positions else np.array([], dtype=int)
    order = np.argsort(position, kind="stable")  # an order's lines stay in column order
    position = position[order]
    cell = pd.Series(np.concatenate(cells)[order] if cells else [], dtype="str")
    column = np.concatenate(names)[order] if names else np.array([], dtype=object)

    def part(key: str) -> pd.Series:
        found = cell.str.extract(_item_value(key), expand=False).str.strip()
        return found.mask(found == "")

    quantity_text, total_text, sub_total_text, tax_text = (
        part("quantity"), part("total"), part("sub_total").fillna(part("subtotal")), part("tax"),
    )  # fmt: skip
    quantity, bad_quantity = parse_numbers(quantity_text, decimal)
    total, bad_total = parse_numbers(total_text, decimal)
    sub_total, bad_sub_total = parse_numbers(sub_total_text, decimal)
    tax, bad_tax = parse_numbers(tax_text, decimal)

    errors: list[RowError] = []
    no_items = np.ones(len(table), dtype=bool)
    no_items[position] = False
    errors += [
        RowError(int(table.rows[i]), columns[0] if columns else None,
                 "the order has no line item", file=table.file, code="no_line_items")
        for i in np.flatnonzero(no_items)
    ]  # fmt: skip
    checks = (
        (quantity_text.isna().to_numpy(), "required", lambda v: f"no quantity in {v!r}"),
        (bad_quantity, "bad_number", lambda v: f"the quantity in {v!r} is not a number"),
        (np.nan_to_num(quantity) < 0, "negative_quantity",
         lambda v: f"negative quantity in {v!r}: WooCommerce exports refunds in refund_items"),
        (total_text.isna().to_numpy(), "required", lambda v: f"no total in {v!r}"),
        (bad_total | bad_sub_total | bad_tax, "bad_number", lambda v: f"an amount in {v!r} is not a number"),
    )  # fmt: skip
    for mask, code, message in checks:
        for i in np.flatnonzero(mask):
            errors.append(RowError(int(table.rows[position[i]]), str(column[i]), message(cell.iat[i]),
                                   file=table.file, code=code))  # fmt: skip

    tax = np.nan_to_num(tax)
    rate = np.divide(tax, total, out=np.zeros_like(total), where=np.nan_to_num(total) != 0)
    gross = np.where(np.isnan(sub_total), total, sub_total) * (1 + rate)
    unit_price = np.divide(
        gross, quantity, out=np.zeros_like(gross), where=np.nan_to_num(quantity) != 0
    )
    sku = part("sku").fillna(part("product_id"))
    items = pd.DataFrame(
        {
            "position": position,
            "column": column,
            "name": part("name"),
            "sku": sku,
            "quantity": quantity,
            "unit_price": np.round(unit_price, 6),
            "line_total": gross,
        }
    )
    return items, errors


def _refunds(values: pd.Series, decimal: str) -> pd.Series:
    """Sum of every ``amount:`` in a refund_items cell (several refunds per order happen)."""
    found = values.str.extractall(r"(?:^|[|;])\s*amount\s*:([^|;]*)")
    if found.empty:
        return pd.Series(0.0, index=values.index)
    amounts, _ = parse_numbers(found[0].str.strip(), decimal)
    summed = pd.Series(np.abs(np.nan_to_num(amounts)), index=found.index).groupby(level=0).sum()
    return summed.reindex(values.index, fill_value=0.0)
