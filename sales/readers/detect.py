"""Which layout an order file has, from its header alone: a shop's export (Shopify, WooCommerce),
the Plannerist template, or order lines whose column mapping is guessed from the columns'
names (``InvoiceNo`` → order, ``Qty`` → quantity…), to be shown and corrected before import.

The header's :func:`signature` names a file's shape: the next file of the same shape is read
with the mapping saved for it, without asking again. Pure; no Django.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence

from sales.readers import generic, shopify, woocommerce
from sales.readers.reading import read_table
from sales.readers.schema import ImportLimits, OrderFile, RowError
from sales.readers.tabular import REQUIRED_FIELDS

# The names a column of each field goes by in the exports seen (compared without case, spaces,
# underscores or accents), the most telling first.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "order": ("invoiceno", "invoice", "ordernumber", "orderno", "orderid", "order", "commande", "numerocommande",
              "ticket", "receipt", "transactionid", "name"),
    "date": ("invoicedate", "orderdate", "createdat", "date", "datecommande", "datetime", "timestamp"),
    "sku": ("stockcode", "sku", "productcode", "reference", "ref", "itemcode", "code", "ean"),
    "description": ("description", "productname", "product", "itemname", "item", "designation", "libelle",
                    "article", "title"),
    "quantity": ("quantity", "qty", "quantite", "qte", "units", "unites"),
    "unit_price": ("unitprice", "price", "prixunitaire", "prix", "unitpriceinclvat", "priceeach"),
    "customer": ("customerid", "customer", "client", "email", "customeremail"),
    "channel": ("channel", "canal", "source", "saleschannel"),
    "discount_code": ("discountcode", "coupon", "promocode", "codepromo", "voucher"),
    "currency": ("currency", "devise"),
}
_NOT_WORD = re.compile(r"[\s_\-.#()/]+")
_ACCENTS = str.maketrans("àâäéèêëîïôöùûüç", "aaaeeeeiioouuuc")


@dataclasses.dataclass(frozen=True)
class Layout:
    """What the header says: the format to read the file with and, for order lines, the
    mapping guessed (``missing``: the required fields no column was found for)."""

    format: str
    columns: tuple[str, ...]
    mapping: dict[str, str] = dataclasses.field(default_factory=dict)
    missing: tuple[str, ...] = ()

    @property
    def signature(self) -> str:
        return signature(self.columns)

    @property
    def complete(self) -> bool:
        return not self.missing


def _key(name: str) -> str:
    return _NOT_WORD.sub("", name.strip().casefold().translate(_ACCENTS))


def signature(columns: Sequence[str]) -> str:
    """The shape of a header: its columns in order, without case or surrounding spaces."""
    text = "\x1f".join(name.strip().casefold() for name in columns)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def header_of(file: OrderFile, limits: ImportLimits) -> tuple[list[str] | None, list[RowError]]:
    """The file's header as read by the import (any encoding, separator or workbook)."""
    table, errors = read_table(file, limits)
    if table is None:
        return None, errors
    return [str(name) for name in (table.header or list(table.frame.columns))], []


def detect_layout(columns: Sequence[str]) -> Layout:
    """The layout of a file with these ``columns``: a known export when its required columns are
    all there, else order lines with the mapping guessed from the columns' names."""
    keys = {name.strip().casefold() for name in columns}
    known = (
        ("shopify", shopify.REQUIRED),
        ("woocommerce", woocommerce.REQUIRED),
        ("generic", tuple(c.name for c in generic.TEMPLATE_COLUMNS if c.required)),
    )
    for format, required in known:
        if all(name.casefold() in keys for name in required):
            return Layout(format=format, columns=tuple(columns))
    mapping = guess_mapping(columns)
    missing = [field for field in REQUIRED_FIELDS if field not in mapping]
    if "sku" not in mapping and "description" not in mapping:
        missing.append("sku")
    return Layout(format="lines", columns=tuple(columns), mapping=mapping, missing=tuple(missing))


def guess_mapping(columns: Sequence[str]) -> dict[str, str]:
    """field → column for each field whose usual names a column bears (each column used once,
    the exact name before a name that only contains it)."""
    by_key = {_key(name): name for name in columns if name.strip()}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field, names in FIELD_NAMES.items():
        for wanted in names:
            column = by_key.get(wanted)
            if column is not None and column not in used:
                mapping[field] = column
                used.add(column)
                break
    for field, names in FIELD_NAMES.items():  # second pass: a column whose name contains one
        if field in mapping:
            continue
        for wanted in names[:3]:
            column = next((name for key, name in by_key.items() if wanted in key and name not in used), None)
            if column is not None:
                mapping[field] = column
                used.add(column)
                break
    return mapping
