"""CSV exports that a spreadsheet cannot execute (CSV/formula injection).

Imported text is stored as it came (``=HYPERLINK(…)`` in a product name is just text), but a
cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
when Excel or LibreOffice opens the exported CSV. Such cells get a leading apostrophe, which
spreadsheets show as text (OWASP's advice). Plain numbers written as text (``-12.50``,
``-3,5``) are left alone: they cannot be formulas and must stay numbers for the reader.
"""

from __future__ import annotations

import re

import pandas as pd

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def escape_cell(value: object) -> object:
    """The value to write in a CSV cell; non-strings are returned unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(_TRIGGERS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell escaped (numeric columns untouched)."""
    escaped = frame.copy()
    for column in escaped.columns:
        values = escaped[column]
        if pd.api.types.is_string_dtype(values) or values.dtype == object:
            text = values.astype("str")
            risky = (
                values.map(lambda v: isinstance(v, str)).astype(bool)
                & text.str.startswith(_TRIGGERS).fillna(False).astype(bool)
                & ~text.str.fullmatch(_PLAIN_NUMBER.pattern).fillna(False).astype(bool)
            )
            escaped[column] = values.where(~risky, "'" + text)
    return escaped


def to_safe_csv(frame: pd.DataFrame, *, sep: str = ";", decimal: str = ",") -> bytes:
    """A CSV as French Excel opens it (UTF-8 BOM, ``;``, decimal comma), escaped."""
    text = escape_frame(frame).to_csv(index=False, sep=sep, decimal=decimal, lineterminator="\r\n")
    return b"\xef\xbb\xbf" + text.encode("utf-8")
