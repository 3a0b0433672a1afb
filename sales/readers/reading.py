"""Bytes → a table of stripped text cells, whatever the file's encoding, separator or type.

Every cell stays text here: numbers and dates are parsed later, per column, so that one bad
cell becomes one error with its row and column instead of a failed parse of the file.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from sales.readers.messages import ngettext, rows_list
from sales.readers.schema import ImportLimits, OrderFile, RowError

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and other Office 97 files)
_SEPARATORS = (",", ";", "\t")
# Control characters never found in a text export; their presence means binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_QUOTED = re.compile(r'"[^"]*"')
# Bytes not valid in UTF-8, as ``surrogateescape`` decodes them.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
# Characters whose UTF-8 bytes a Windows-1252 file does not hold by chance: accented Latin
# letters, no-break space, €, ’, emoji… (a Windows-1252 "É»" happens to be valid UTF-8 too,
# but for a character of another script, so those do not count).
_UTF8_TEXT = re.compile("[\u00a0-\u017f\u0800-\ud7ff\ue000-\U0010ffff]")
# An XLSX is a zip: refuse one whose content would inflate far past the upload limit.
_XLSX_INFLATION = 10


@dataclasses.dataclass
class RawTable:
    """A file's cells as text; ``rows`` holds each record's row number as the user sees it."""

    file: str
    frame: pd.DataFrame
    rows: np.ndarray
    separator: str | None  # None for a workbook
    header: list[str] = dataclasses.field(default_factory=list)  # every column, kept or not
    # Cache per column; never copied by dataclasses.replace (rows may differ in the copy).
    _text: dict[str, pd.Series] = dataclasses.field(default_factory=dict, init=False, repr=False)

    def __len__(self) -> int:
        return len(self.frame)

    def find(self, name: str) -> str | None:
        """The file's own spelling of a column, matched without case or surrounding spaces."""
        wanted = name.strip().casefold()
        for column in self.frame.columns:
            if str(column).strip().casefold() == wanted:
                return str(column)
        return None

    def text(self, column: str) -> pd.Series:
        """The column's cells, stripped, with blank cells as missing values."""
        if column not in self._text:
            values = self.frame[column].astype("str").str.strip()
            self._text[column] = values.mask(values == "")
        return self._text[column]


def file_error(file: OrderFile | str, message: str, code: str) -> RowError:
    name = file.name if isinstance(file, OrderFile) else file
    return RowError(None, None, message, file=name, code=code)


def read_table(
    file: OrderFile,
    limits: ImportLimits,
    wanted: Callable[[str], bool] | None = None,
) -> tuple[RawTable | None, list[RowError]]:
    """Read one file; ``wanted`` picks the columns to keep (all when ``None``).

    Returns the table, or ``None`` with the errors that made the file unreadable.
    """
    content = file.content
    if len(content) > limits.max_bytes:
        return None, [
            file_error(
                file,
                f"the file is {_megabytes(len(content))}, over the {_megabytes(limits.max_bytes)} "
                "limit: split it into several files and import them together",
                "too_large",
            )
        ]
    if not content.strip(b" \t\r\n\xef\xbb\xbf"):
        return None, [file_error(file, "the file is empty", "empty")]
    if content.startswith(_XLSX_MAGIC):
        return _read_xlsx(file, limits, wanted)
    if content.startswith(_OLE_MAGIC):
        return None, [
            file_error(
                file,
                "this is an old Excel .xls workbook: save it as .xlsx or as CSV and import that",
                "unsupported_format",
            )
        ]
    if file.name.lower().endswith((".xlsx", ".xlsm")):
        return None, [
            file_error(file, "the file is named .xlsx but is not an Excel workbook", "bad_xlsx")
        ]
    text, error = _decode(file)
    if error:
        return None, [error]
    return _read_csv(file, _universal_newlines(text), wanted)


def _megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} bytes"


def _decode(file: OrderFile) -> tuple[str, RowError | None]:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else cp1252."""
    content = file.content
    if content.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "", _unknown_encoding(file)  # UTF-32, whose BOM starts like UTF-16's
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), None
        except UnicodeDecodeError:
            return "", _unknown_encoding(file)
    if b"\x00" in content:
        return "", file_error(file, "the file holds binary data, not text: is it a CSV?", "binary")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        mixed = _mixed_encodings(file)
        if mixed:
            return "", mixed
        # French Excel saves "CSV (séparateur: point-virgule)" in cp1252 (é, €, œ).
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            return "", _unknown_encoding(file)
    if _CONTROL.search(text):
        return "", file_error(file, "the file holds binary data, not text: is it a CSV?", "binary")
    return text, None


def _mixed_encodings(file: OrderFile) -> RowError | None:
    """An error naming the rows when a file that is not all UTF-8 has UTF-8 rows too.

    Rows pasted from another export: read as Windows-1252, the UTF-8 rows' "é" would become
    "Ã©" in product names and customer ids without a word, so the file is refused. The rows
    named are the fewer kind; a file that starts with the UTF-8 mark has its other rows named.
    """
    content = file.content
    marked = content.startswith(b"\xef\xbb\xbf")
    text = _universal_newlines(content.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff"))
    if not marked and not _UTF8_TEXT.search(text):
        return None  # a plain Windows-1252 file
    not_utf8, utf8 = [], []
    for row, record in _records(text, file.first_row - 1):
        if _NOT_UTF8.search(record):
            not_utf8.append(row)
        elif _UTF8_TEXT.search(record):
            utf8.append(row)
    if not (marked or utf8):
        return None
    if marked or len(not_utf8) <= len(utf8):
        message = ngettext(
            "this row is not in UTF-8 like the rest of the file (it looks like Windows-1252): "
            "the file was put together from two exports. Save it again as 'CSV UTF-8' or retype "
            "this row",
            "%(count)s rows are not in UTF-8 like the rest of the file (rows %(rows)s; they look "
            "like Windows-1252): the file was put together from two exports. Save it again as "
            "'CSV UTF-8' or retype these rows",
            len(not_utf8),
        )
        named = not_utf8
    else:
        message = ngettext(
            "this row is in UTF-8 but the rest of the file is in Windows-1252: the file was "
            "put together from two exports. Save it again as 'CSV UTF-8' or retype this row",
            "%(count)s rows are in UTF-8 but the rest of the file is in Windows-1252 (rows "
            "%(rows)s): the file was put together from two exports. Save it again as 'CSV UTF-8' "
            "or retype these rows",
            len(utf8),
        )
        named = utf8
    return RowError(
        named[0] if named else None,
        None,
        message % {"rows": rows_list(named), "count": len(named)},
        file=file.name,
        code="mixed_encoding",
    )


def _records(text: str, header_row: int) -> Iterable[tuple[int, str]]:
    """(spreadsheet row, record's text) of every record, the header's row being ``header_row``;
    physical lines when the text is not valid CSV."""
    separator = _sniff_separator(text.split("\n", 1)[0])
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=separator))
    except csv.Error:
        records = [[line] for line in text.split("\n")]
    return ((header_row + i, separator.join(cells)) for i, cells in enumerate(records))


def _universal_newlines(text: str) -> str:
    """Line ends as ``\\n``: Excel for Mac ends its lines with a lone CR, Windows with CR LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _unknown_encoding(file: OrderFile) -> RowError:
    return file_error(
        file,
        "the file's text encoding is not UTF-8, UTF-16 or Windows-1252: "
        "save it again as 'CSV UTF-8' and import that",
        "encoding",
    )


def _sniff_separator(header_line: str) -> str:
    """The separator that splits the header the most (a quoted header cell may hold others)."""
    unquoted = _QUOTED.sub("", header_line)
    counts = {sep: unquoted.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_csv(
    file: OrderFile, text: str, wanted: Callable[[str], bool] | None
) -> tuple[RawTable | None, list[RowError]]:
    header_line = text.split("\n", 1)[0]
    separator = _sniff_separator(header_line)
    header = next(csv.reader([header_line], delimiter=separator), [])
    if len(header) == 1:
        # One column: the separator is none of ours (the rows would look ragged or shifted).
        # Let the format say which columns are missing, with its hint about the separator.
        return RawTable(file.name, pd.DataFrame(), np.array([], np.int64), separator,
                        [header[0].strip()]), []  # fmt: skip
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            na_filter=False,
            keep_default_na=False,
            skip_blank_lines=False,  # keeps record numbers equal to spreadsheet rows
            engine="c",  # reads every column: with usecols it would let a shifted row through
        )
    except pd.errors.EmptyDataError:
        return None, [file_error(file, "the file is empty", "empty")]
    except pd.errors.ParserError as exc:
        return None, _ragged_rows(file, text, separator, len(header), str(exc))
    if not isinstance(frame.index, pd.RangeIndex):
        # The first row has more cells than the header: pandas silently took its first
        # column for an index, which shifts every column name one cell to the right.
        return None, _ragged_rows(file, text, separator, len(header), "shifted columns")
    frame.columns = [str(column).strip() for column in frame.columns]
    if wanted is not None:
        frame = frame[[column for column in frame.columns if wanted(column)]]
    rows = np.arange(file.first_row, len(frame) + file.first_row, dtype=np.int64)
    names = [name.strip() for name in header]
    return _drop_blank_rows(RawTable(file.name, frame, rows, separator, names), file)


def _ragged_rows(
    file: OrderFile, text: str, separator: str, width: int, parser_message: str
) -> list[RowError]:
    """Every row with more cells than the header (the fast parser stops at the first)."""
    errors = []
    row = 0  # the spreadsheet row of the record being read
    broken = None
    try:
        records = csv.reader(io.StringIO(text), delimiter=separator)
        for row, record in enumerate(records, start=file.first_row - 1):
            if row >= file.first_row and len(record) > width:
                errors.append(
                    RowError(
                        row,
                        None,
                        f"this row has {len(record)} cells but the header has {width}: "
                        "check its quotes and separators",
                        file=file.name,
                        code="ragged_row",
                    )
                )
    except csv.Error as exc:
        broken = exc
        row += 1
    if not errors and "EOF inside string" in parser_message:
        # An unclosed quote runs to the end of the file: name the row where it opens.
        errors.append(
            RowError(
                row,
                None,
                "a quote opened on this row is never closed, so the rest of the file is one cell: "
                "close or remove it",
                file=file.name,
                code="unclosed_quote",
            )
        )
    elif broken is not None:
        errors.append(file_error(file, f"the file is not valid CSV: {broken}", "bad_csv"))
    if not errors:
        errors.append(file_error(file, f"the file is not valid CSV: {parser_message}", "bad_csv"))
    return errors


def _drop_blank_rows(table: RawTable, file: OrderFile) -> tuple[RawTable | None, list[RowError]]:
    frame = table.frame
    if not len(frame.columns):
        # No column the format knows: let the format say which are missing.
        return table, []
    if len(frame):
        blank = np.ones(len(frame), dtype=bool)
        for column in frame.columns:
            blank &= (frame[column].astype("str").str.strip() == "").to_numpy()
        if blank.any():
            table = dataclasses.replace(
                table, frame=frame.loc[~blank].reset_index(drop=True), rows=table.rows[~blank]
            )
    if not len(table.frame):
        return None, [file_error(file, "the file has a header but no order rows", "no_rows")]
    return table, []


def _read_xlsx(
    file: OrderFile, limits: ImportLimits, wanted: Callable[[str], bool] | None
) -> tuple[RawTable | None, list[RowError]]:
    try:
        with zipfile.ZipFile(io.BytesIO(file.content)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return None, [_damaged(file)]
    if inflated > _XLSX_INFLATION * limits.max_bytes:
        return None, [
            file_error(
                file,
                f"the workbook inflates to {_megabytes(inflated)}: split it into smaller files",
                "too_large",
            )
        ]
    try:
        rows = _xlsx_rows(file.content)
        header_row, header = next(rows, (0, ()))
        names = [_cell_text(value).strip() for value in header]
        keep = [i for i, name in enumerate(names) if name and (wanted is None or wanted(name))]
        numbers, records = [], []
        for number, values in rows:
            cells = [_cell_text(values[i]) if i < len(values) else "" for i in keep]
            if any(cell.strip() for cell in cells):
                numbers.append(number)
                records.append(cells)
    except Exception as exc:  # noqa: BLE001 - any failure inside a damaged workbook is the file's
        return None, [_damaged(file, exc)]
    if not header_row:
        return None, [file_error(file, "the workbook's first sheet is empty", "empty")]
    frame = pd.DataFrame(records, columns=[names[i] for i in keep], dtype="str")
    if keep and not len(frame):
        return None, [file_error(file, "the file has a header but no order rows", "no_rows")]
    table = RawTable(
        file.name, frame, np.asarray(numbers, dtype=np.int64), None, [n for n in names if n]
    )
    return table, []


def _xlsx_rows(content: bytes) -> Iterable[tuple[int, tuple]]:
    """(sheet row number, values) of the first sheet, from its first non-empty row on."""
    from openpyxl import load_workbook  # imported here: only workbook uploads need it

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        started = False
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not started and not any(v is not None and str(v).strip() for v in values):
                continue
            started = True
            yield number, values
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores order numbers and ids as floats
    return str(value)


def _damaged(file: OrderFile, exc: Exception | None = None) -> RowError:
    detail = f" ({type(exc).__name__})" if exc else ""
    return file_error(file, f"the Excel workbook is damaged or not a workbook{detail}", "bad_xlsx")
