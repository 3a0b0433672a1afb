"""Long files read in parts: a CSV of any length as a series of :class:`OrderFile` chunks.

The command line imports a shop's whole year (the UCI year: 541,909 lines) in one import
without holding the file, or its table, in memory: :func:`file_chunks` cuts a CSV into parts
of about ``chunk_rows`` records, each with the header repeated and knowing its first row, so
that every error still names the row a spreadsheet shows. A part ends only where the order id
changes, so an export's order (its lines are consecutive) is never split between two parts.

Workbooks and UTF-16 text are read whole (they cannot be cut on their raw line ends): the
per-file size limit bounds them. :func:`workbook_rows` reads a workbook's row count from its
sheet dimension, without loading a cell, so that an oversized one is refused at once.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from sales.readers.schema import OrderFile

_XLSX_MAGIC = b"PK\x03\x04"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SEPARATORS = (b",", b";", b"\t")
_READ_BYTES = 1024 * 1024
_SHEET_HEAD_BYTES = 4096
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')
_FIRST_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"')
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb'(\w+)="([^"]*)"')


def file_chunks(path: str | Path, *, order_column: str | None, chunk_rows: int) -> Iterator[OrderFile]:
    """The file at ``path`` as one or more :class:`OrderFile` parts (see the module's doc).

    ``order_column`` is the column holding the order id in the file's own header (matched
    without case or surrounding spaces); without it, or when the header lacks it, the file
    is one part and the format's reader says what is missing.
    """
    path = Path(path)
    with path.open("rb") as stream:
        head = stream.read(4)
        stream.seek(0)
        if head.startswith((_XLSX_MAGIC, *_UTF16_BOMS)) or order_column is None:
            yield OrderFile(path.name, stream.read())
            return
        yield from _csv_chunks(path.name, stream, order_column, chunk_rows)


def _csv_chunks(name: str, stream: io.BufferedReader, order_column: str, chunk_rows: int) -> Iterator[OrderFile]:
    lines = _records(stream)
    header = next(lines, b"")
    separator = _separator(header)
    cells = _cells(header, separator)
    wanted = order_column.strip().casefold()
    position = next((i for i, cell in enumerate(cells) if cell.strip().casefold() == wanted), None)
    if position is None:
        yield OrderFile(name, header + b"".join(lines))
        return
    first_row, records, last_order = 2, [], None
    for record in lines:
        if len(records) >= chunk_rows:
            order = _cell(record, separator, position)
            if last_order is None:
                last_order = _cell(records[-1], separator, position)
            if order != last_order:
                yield OrderFile(name, header + b"".join(records), first_row=first_row)
                first_row, records, last_order = first_row + len(records), [], None
            else:
                last_order = order
        records.append(record)
    if records or first_row == 2:
        yield OrderFile(name, header + b"".join(records), first_row=first_row)


def _records(stream: io.BufferedReader) -> Iterator[bytes]:
    """The file's CSV records as raw bytes, each with its line end; a quoted cell may hold
    line ends (the record goes on until its quotes are closed)."""
    pending = b""
    partial: list[bytes] = []
    open_quotes = False
    newline = None
    while True:
        block = stream.read(_READ_BYTES)
        if not block:
            break
        if newline is None:  # Excel for Mac ends its lines with a lone CR
            newline = b"\r" if b"\r" in block and b"\n" not in block else b"\n"
        pending += block
        *complete, pending = pending.split(newline)
        for line in complete:
            partial.append(line + newline)
            if line.count(b'"') % 2:
                open_quotes = not open_quotes
            if not open_quotes:
                yield b"".join(partial)
                partial = []
    if pending:
        partial.append(pending)
    if partial:
        yield b"".join(partial)


def _separator(header: bytes) -> bytes:
    """The separator that splits the header the most, as the reader sniffs it."""
    unquoted = b"".join(header.split(b'"')[::2])
    return max(_SEPARATORS, key=unquoted.count) if any(s in unquoted for s in _SEPARATORS) else b","


def _cells(record: bytes, separator: bytes) -> list[str]:
    text = record.decode("utf-8-sig", errors="replace").rstrip("\r\n")
    return next(csv.reader([text], delimiter=separator.decode()), [])


def _cell(record: bytes, separator: bytes, position: int) -> str:
    cells = _cells(record, separator)
    return cells[position].strip() if position < len(cells) else ""


def workbook_rows(content: bytes) -> int | None:
    """Data rows of a workbook's first sheet from its dimension (``<dimension ref="A1:Q300000">``
    at the head of the sheet's XML), read without inflating the sheet nor its strings; ``None``
    when the content is not a workbook or its sheet states no dimension."""
    if not content.startswith(_XLSX_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheet = _first_sheet(archive)
            if sheet is None:
                return None
            with archive.open(sheet) as xml:
                head = xml.read(_SHEET_HEAD_BYTES)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    match = _DIMENSION.search(head)
    return None if match is None else max(int(match.group(1) or 1) - 1, 0)


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The path of the workbook's first sheet, through workbook.xml and its relationships."""
    sheet = _FIRST_SHEET.search(archive.read("xl/workbook.xml"))
    if sheet is None:
        return None
    rels = archive.read("xl/_rels/workbook.xml.rels")
    for relationship in _RELATIONSHIP.finditer(rels):
        attributes = dict(_ATTRIBUTE.findall(relationship.group(0)))
        if attributes.get(b"Id") == sheet.group(1):
            target = attributes.get(b"Target", b"").decode()
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None
