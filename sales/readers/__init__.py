"""Order-file importers: shop exports in, one normalised table of order lines out.

Pure pandas, no Django. Every reader takes one file or several (one import), the
organisation's salt for hashing customer ids, and :class:`ImportLimits`; it returns an
:class:`ImportResult` whose ``lines`` follow :data:`LINE_COLUMNS` and are empty whenever
``errors`` is not (all or nothing). Errors are :class:`RowError` (file, row as a
spreadsheet shows it, column, message, code) and list everything wrong, not the first.

Formats: :func:`read_shopify`, :func:`read_woocommerce`, :func:`read_generic` (the template
of :func:`template_csv` / :func:`template_xlsx`, documented by :data:`TEMPLATE_DOC`),
:func:`read_lines` (any order-line layout through a column mapping), and
:func:`read_orders` to pick one by name as the command line does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from sales.readers.generic import (
    TEMPLATE_COLUMNS,
    TEMPLATE_DOC,
    read_generic,
    template_csv,
    template_xlsx,
)
from sales.readers.lines import MAPPING_FIELDS, parse_column_mapping, read_lines
from sales.readers.orders import orders_from_lines
from sales.readers.schema import (
    DEFAULT_LIMITS,
    LINE_COLUMNS,
    ImportLimits,
    ImportResult,
    ImportSummary,
    OrderFile,
    RowError,
)
from sales.readers.shopify import read_shopify
from sales.readers.values import hash_customers
from sales.readers.woocommerce import read_woocommerce

Format = Literal["shopify", "woocommerce", "generic", "lines"]
FORMATS: tuple[str, ...] = ("shopify", "woocommerce", "generic", "lines")


def read_orders(
    files: OrderFile | Iterable[OrderFile] | Iterable[tuple[str, bytes]],
    *,
    format: Format,
    salt: str | bytes,
    mapping: Mapping[str, str] | None = None,
    cancel_prefix: str | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
    dayfirst: bool | None = None,
    default_currency: str | None = None,
    default_channel: str | None = None,
    books_currency: str | None = None,
) -> ImportResult:
    """Import ``files`` in the named format (``mapping``/``cancel_prefix`` for ``lines`` only);
    orders in another currency than ``books_currency`` (when given) are refused."""
    common = {"salt": salt, "limits": limits, "dayfirst": dayfirst, "books_currency": books_currency}
    if format == "shopify":
        return read_shopify(files, default_currency=default_currency, **common)
    if format == "woocommerce":
        return read_woocommerce(
            files, default_currency=default_currency, default_channel=default_channel, **common
        )
    if format == "generic":
        return read_generic(
            files,
            default_currency=default_currency or "EUR",
            default_channel=default_channel,
            **common,
        )
    if format == "lines":
        return read_lines(
            files,
            mapping=mapping or {},
            cancel_prefix=cancel_prefix,
            default_currency=default_currency,
            default_channel=default_channel,
            **common,
        )
    raise ValueError(f"unknown format {format!r} (expected one of {', '.join(FORMATS)})")


__all__ = [
    "FORMATS",
    "LINE_COLUMNS",
    "MAPPING_FIELDS",
    "TEMPLATE_COLUMNS",
    "TEMPLATE_DOC",
    "ImportLimits",
    "ImportResult",
    "ImportSummary",
    "OrderFile",
    "RowError",
    "hash_customers",
    "orders_from_lines",
    "parse_column_mapping",
    "read_generic",
    "read_lines",
    "read_orders",
    "read_shopify",
    "read_woocommerce",
    "template_csv",
    "template_xlsx",
]
