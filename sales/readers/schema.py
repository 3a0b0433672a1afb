"""The shapes every importer shares: the normalised order-line table, errors and results.

The normalised table has one row per order line. Order-level fields (customer, totals,
discount, refund, cancellation…) are repeated on every line of their order, so a line can
be read on its own; never sum an order-level column over lines — use
:func:`sales.readers.orders_from_lines`, which keeps one row per order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

# Column name → (dtype, meaning). The dtype strings are what ``DataFrame.astype`` takes.
LINE_COLUMNS: Mapping[str, tuple[str, str]] = {
    "source_file": (
        "str",
        "name of the file the line came from (the first one, when files overlap)",
    ),
    "source_row": (
        "int64",
        "row of the line in that file as a spreadsheet shows it (header = row 1)",
    ),
    "order_id": ("str", "the order's id as the shop shows it (Shopify `Name`, e.g. `#1001`)"),
    "line_no": ("int64", "1-based position of the line within its order, stable across re-imports"),
    "ordered_at": (
        "datetime64[us]",
        "naive local wall-clock time of the order, as written in the file (UTC offsets are dropped)",
    ),
    "sku": ("str", "product reference; null when the file has none"),
    "product_name": ("str", "product name or description; null when the file has none"),
    "quantity": (
        "float64",
        "units on the line; negative for a return, cancellation or stock adjustment",
    ),
    "unit_price_incl_vat": ("float64", "price of one unit incl. VAT, before order-level discounts"),
    "line_total_incl_vat": ("float64", "quantity × unit price minus line discounts, incl. VAT"),
    "is_adjustment": ("bool", "negative-quantity line of an order that is not cancelled"),
    "discount_code": (
        "str",
        "promo code used on the order (order-level); links orders to campaigns",
    ),
    "discount_amount": ("float64", "order-level discount incl. VAT"),
    "shipping_incl_vat": ("float64", "shipping charged to the customer incl. VAT (order-level)"),
    "order_total": (
        "float64",
        "what the customer was charged for the order, incl. VAT (order-level)",
    ),
    "refunded_amount": ("float64", "amount refunded on the order incl. VAT (order-level)"),
    "customer_key": (
        "str",
        "HMAC-SHA256 (salted) of the normalised e-mail or customer id; null for a guest/walk-in",
    ),
    "cancelled": ("bool", "the order was cancelled or voided (order-level)"),
    "currency": ("str", "ISO currency code of the amounts (order-level); null when unknown"),
    "channel": ("str", "sales channel as the file names it (Shopify `Source`); null when unknown"),
    "shipped_at": (
        "datetime64[us]",
        "when the order was shipped/fulfilled, naive local time; null if not",
    ),
}

# Fields that belong to the order, not the line: filled from the order's first row, and
# compared when the same order appears in several files.
ORDER_FIELDS: tuple[str, ...] = (
    "discount_code",
    "discount_amount",
    "shipping_incl_vat",
    "order_total",
    "refunded_amount",
    "customer_key",
    "cancelled",
    "currency",
    "channel",
    "shipped_at",
)


def empty_lines() -> pd.DataFrame:
    """A normalised table with no rows (what a refused import returns)."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, (dtype, _) in LINE_COLUMNS.items()})


@dataclasses.dataclass(frozen=True)
class RowError:
    """Something an importer could not read.

    ``row`` is the row a spreadsheet shows (the header is row 1; a quoted multi-line cell
    does not shift the count); ``None`` when the problem is the whole file or the whole
    import. ``column`` is the file's own column name, ``None`` when no column is at fault.
    ``code`` is a stable key for translating the message.
    """

    row: int | None
    column: str | None
    message: str
    file: str | None = None
    code: str = "invalid"

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclasses.dataclass(frozen=True)
class ImportLimits:
    """Refuse files that would make a web request or a worker run out of time or memory."""

    max_bytes: int = 20 * 1024 * 1024  # per file
    max_rows: int = 200_000  # data rows over all the files of one import
    # What the books hold (ImportedOrder: 64-character ids, 12-digit money with room for sums).
    max_order_id: int = 64
    max_amount: float = 1e9
    # Units on one line, either way: the UCI year's largest (80,995, cancelled at once) passes,
    # a typed -1,000,000 does not.
    max_quantity: float = 100_000


DEFAULT_LIMITS = ImportLimits()


@dataclasses.dataclass(frozen=True)
class OrderFile:
    """One uploaded file: its name (shown in errors) and its raw bytes.

    ``first_row`` is the spreadsheet row of the first record after the header: 2 for a whole
    file, later for a part of a long file read in chunks (:mod:`sales.readers.streaming`).
    """

    name: str
    content: bytes
    first_row: int = 2

    @classmethod
    def from_path(cls, path: str | Path) -> OrderFile:
        path = Path(path)
        return cls(path.name, path.read_bytes())


@dataclasses.dataclass(frozen=True)
class ImportSummary:
    """What an import holds, for the preview page and the command's summary line."""

    files: int = 0
    rows_read: int = 0
    lines: int = 0
    duplicate_lines_dropped: int = 0
    orders: int = 0
    cancelled_orders: int = 0
    guest_orders: int = 0
    customers: int = 0
    zero_price_lines: int = 0
    adjustment_lines: int = 0
    first_order_at: dt.datetime | None = None
    last_order_at: dt.datetime | None = None
    currencies: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class ImportResult:
    """All-or-nothing: ``lines`` is empty whenever ``errors`` is not."""

    lines: pd.DataFrame
    errors: list[RowError]
    summary: ImportSummary

    @property
    def ok(self) -> bool:
        return not self.errors


def as_order_files(files: object) -> list[OrderFile]:
    """Accept one file or several, as :class:`OrderFile` or ``(name, bytes)`` pairs."""
    if isinstance(files, OrderFile):
        return [files]
    if isinstance(files, tuple) and len(files) == 2 and isinstance(files[1], bytes | bytearray):
        return [OrderFile(str(files[0]), bytes(files[1]))]
    result = []
    for item in files:  # type: ignore[attr-defined]
        if isinstance(item, OrderFile):
            result.append(item)
        else:
            name, content = item
            result.append(OrderFile(str(name), bytes(content)))
    return result


def salt_bytes(salt: str | bytes) -> bytes:
    """The hashing salt; refusing an empty one keeps raw customer ids from being guessable."""
    value = salt.encode() if isinstance(salt, str) else bytes(salt)
    if not value:
        raise ValueError("a non-empty salt is required to hash customer ids")
    return value
