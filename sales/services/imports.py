"""Order imports: files read, checked and saved all-or-nothing in one go
(:func:`orders_import`: the web page's preview reads them dry, the confirm saves what it read)
or, from the command line, files of any length in chunks (:func:`orders_import_stream`).
What they write is :mod:`sales.services.orders`; the web page's preview and batches are
:mod:`sales.services.previews` and :mod:`sales.services.batches`. See :mod:`sales.services`.

Prices are read as the organisation states them (``prices_include_vat``) unless the import
says otherwise: prices read excl. VAT get VAT added at the organisation's rate before they are
stored, since an imported order keeps what the customer paid incl. VAT.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings

from plannerist.models import Organization, User
from sales.readers import (
    DEFAULT_LIMITS,
    ImportLimits,
    ImportResult,
    ImportSummary,
    OrderFile,
    RowError,
    orders_from_lines,
    read_orders,
)
from sales.readers.lines import mapping_errors
from sales.readers.schema import empty_lines
from sales.readers.streaming import file_chunks
from sales.readers.vat import prices_with_vat
from sales.services.orders import ImportOutcome, order_errors, orders_save


def customer_salt(organization: Organization) -> str:
    """Per-organisation salt: the same e-mail gives unrelated keys in two organisations."""
    return f"{settings.CUSTOMER_HASH_SALT}:{organization.id}"


def orders_import(
    *,
    organization: Organization,
    files: Sequence[OrderFile],
    format: str,
    by: User | None = None,
    mapping: Mapping[str, str] | None = None,
    cancel_prefix: str | None = None,
    prices_include_vat: bool | None = None,
    dry_run: bool = False,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportOutcome:
    """Read ``files`` as one import and, unless there is an error or ``dry_run``, save it.
    ``prices_include_vat`` says how the files' prices are meant (the organisation's setting
    when None)."""
    result = _read(organization, files, format=format, mapping=mapping, cancel_prefix=cancel_prefix,
                   prices_include_vat=prices_include_vat, limits=limits)
    errors = list(result.errors) or order_errors(result.lines, organization)
    if errors or dry_run:
        return ImportOutcome(result=result, errors=errors)
    return orders_save(organization=organization, orders=orders_from_lines(result.lines), summary=result.summary,
                       format=format, by=by, file_names=[f.name for f in files])


def _read(
    organization: Organization, files: Sequence[OrderFile], *, format: str, mapping: Mapping[str, str] | None,
    cancel_prefix: str | None, prices_include_vat: bool | None, limits: ImportLimits,
) -> ImportResult:
    result = read_orders(
        files,
        format=format,  # type: ignore[arg-type]
        salt=customer_salt(organization),
        mapping=mapping,
        cancel_prefix=cancel_prefix,
        limits=limits,
        default_currency=organization.currency,
        books_currency=organization.currency,
    )
    include = organization.prices_include_vat if prices_include_vat is None else prices_include_vat
    if include or not result.ok:
        return result
    lines = prices_with_vat(result.lines, float(organization.vat_rate), charged_as_read=format in _CHARGED_AS_READ)
    return dataclasses.replace(result, lines=lines)


_CHARGED_AS_READ = frozenset({"shopify", "woocommerce"})  # their order total is what was charged, VAT included


# ---------------------------------------------------------------- long files, from the command line

STREAM_CHUNK_ROWS = 50_000
_STREAM_LIMITS = ImportLimits(max_bytes=2**62, max_rows=2**62)  # a chunk is bounded by STREAM_CHUNK_ROWS
_MAX_STREAM_ERRORS = 10_000
_ORDER_COLUMN = {"shopify": "Name", "woocommerce": "order_id", "generic": "order_id"}


def orders_import_stream(
    *,
    organization: Organization,
    paths: Sequence[str | Path],
    format: str,
    by: User | None = None,
    mapping: Mapping[str, str] | None = None,
    cancel_prefix: str | None = None,
    prices_include_vat: bool | None = None,
    dry_run: bool = False,
    chunk_rows: int = STREAM_CHUNK_ROWS,
) -> ImportOutcome:
    """Import files of any length as one import, all or nothing, in bounded memory.

    Each file is read in parts of about ``chunk_rows`` lines (:func:`file_chunks`, cut between
    orders) and each part is reduced to its orders at once; only the orders are kept, then
    written in one transaction. An order met again in a later part or file is the same order
    given twice (overlapping exports) when it is identical, and is refused otherwise: an
    export writes an order's lines together. Errors of every part are reported (at most
    :data:`_MAX_STREAM_ERRORS`), and nothing is written if there is one.
    """
    order_column = (mapping or {}).get("order") if format == "lines" else _ORDER_COLUMN.get(format)
    errors: list[RowError] = mapping_errors(mapping or {}) if format == "lines" else []
    if errors:
        return ImportOutcome(result=ImportResult(empty_lines(), errors, ImportSummary(len(paths))), errors=errors)
    parts: list[pd.DataFrame] = []
    seen: dict[str, tuple[int, str, int]] = {}  # order id → (its content's hash, file, row)
    totals = _StreamTotals()
    for path in paths:
        for chunk in file_chunks(path, order_column=order_column, chunk_rows=chunk_rows):
            result = _read(organization, [chunk], format=format, mapping=mapping, cancel_prefix=cancel_prefix,
                           prices_include_vat=prices_include_vat, limits=_STREAM_LIMITS)
            totals.rows_read += result.summary.rows_read
            chunk_errors = list(result.errors) or order_errors(result.lines, organization)
            if not chunk_errors:
                orders, repeated = _new_orders(result.lines, seen, chunk_errors)
                if not chunk_errors and not errors:
                    totals.add(result, orders, repeated)
                    parts.append(orders)
            errors += chunk_errors[: _MAX_STREAM_ERRORS - len(errors)]
            if errors:
                parts.clear()  # nothing will be written: keep only what the errors need
    if not paths:
        errors.append(RowError(None, None, "no file to import", code="empty"))
    summary = totals.summary(files=len(paths))
    result = ImportResult(empty_lines(), errors, summary)
    if errors or dry_run:
        return ImportOutcome(result=result, errors=errors)
    orders = pd.concat(parts, ignore_index=True) if parts else orders_from_lines(empty_lines())
    return orders_save(organization=organization, orders=orders, summary=summary, format=format, by=by,
                       file_names=[Path(p).name for p in paths])


def _new_orders(
    lines: pd.DataFrame, seen: dict[str, tuple[int, str, int]], errors: list[RowError]
) -> tuple[pd.DataFrame, pd.Series]:
    """The part's orders not met before, and a mask of the lines of orders met before (given
    again identically); an order met before with other content is an error."""
    orders = orders_from_lines(lines)
    content = lines.drop(columns=["source_file", "source_row"])
    line_hash = pd.util.hash_pandas_object(content, index=False)
    order_hash = line_hash.groupby(lines["order_id"].to_numpy(), sort=False).sum()
    first_rows = lines.groupby("order_id", sort=False)["source_row"].min()
    fresh = np.ones(len(orders), dtype=bool)
    for i, order_id in enumerate(orders["order_id"]):
        digest = int(order_hash[order_id]) & (2**63 - 1)
        known = seen.get(order_id)
        row = int(first_rows[order_id])
        if known is None:
            seen[order_id] = (digest, str(orders["source_file"].iat[i]), row)
        elif known[0] == digest:
            fresh[i] = False
        else:
            errors.append(RowError(
                row, None,
                f"order {order_id} is also in {known[1]} (row {known[2]}) with other lines: an order's lines "
                "must be together in one file; if the order changed between two exports, import them one at "
                "a time, the older first",
                file=str(orders["source_file"].iat[i]), code="conflicting_duplicate",
            ))  # fmt: skip
    repeated = lines["order_id"].isin(set(orders.loc[~fresh, "order_id"]))
    return orders.loc[fresh].reset_index(drop=True), repeated


@dataclasses.dataclass
class _StreamTotals:
    """What :class:`ImportSummary` says, summed over the parts of a streamed import."""

    rows_read: int = 0
    lines: int = 0
    dropped: int = 0
    orders: int = 0
    cancelled: int = 0
    guests: int = 0
    zero_price_lines: int = 0
    adjustment_lines: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    customers: set[str] = dataclasses.field(default_factory=set)
    currencies: set[str] = dataclasses.field(default_factory=set)

    def add(self, result: ImportResult, orders: pd.DataFrame, repeated: pd.Series) -> None:
        lines = result.lines.loc[~repeated.to_numpy()]
        self.lines += len(lines)
        self.dropped += result.summary.duplicate_lines_dropped + int(repeated.sum())
        self.zero_price_lines += int((lines["unit_price_incl_vat"] == 0).sum())
        self.adjustment_lines += int(lines["is_adjustment"].sum())
        if orders.empty:
            return
        self.orders += len(orders)
        self.cancelled += int(orders["cancelled"].sum())
        self.guests += int(orders["customer_key"].isna().sum())
        self.customers.update(orders["customer_key"].dropna())
        self.currencies.update(orders["currency"].dropna())
        first, last = orders["ordered_at"].min().to_pydatetime(), orders["ordered_at"].max().to_pydatetime()
        self.first = first if self.first is None else min(self.first, first)
        self.last = last if self.last is None else max(self.last, last)

    def summary(self, *, files: int) -> ImportSummary:
        return ImportSummary(
            files=files, rows_read=self.rows_read, lines=self.lines, duplicate_lines_dropped=self.dropped,
            orders=self.orders, cancelled_orders=self.cancelled, guest_orders=self.guests,
            customers=len(self.customers), zero_price_lines=self.zero_price_lines,
            adjustment_lines=self.adjustment_lines, first_order_at=self.first, last_order_at=self.last,
            currencies=tuple(sorted(self.currencies)),
        )

