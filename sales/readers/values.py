"""Vectorised parsing of the numbers, dates and customer ids that shop exports hold.

Each parser works on the column's distinct values (``pd.factorize``) and maps the result
back, because exports repeat the same prices, dates and e-mails on many rows.

Numbers accept a decimal point or a decimal comma, spaces (normal, no-break, narrow no-break)
or a separator as thousands marks, a leading or trailing €/$/£ and the Unicode minus. A value
with a single comma (``12,50``) is decimal; ``1,234`` is a thousand only when the file uses
a point as its decimal mark elsewhere (decided per file by :func:`infer_decimal`).

Dates accept ``yyyy-mm-dd`` (or ``/``), ``dd/mm/yyyy`` (or ``.``/``-``, two-digit years are
20yy), each optionally followed by ``hh:mm[:ss]`` and a UTC offset, which is dropped: the
shop's export is written in the shop's own time zone, and keeping the wall-clock time puts
each order on the day the shop saw it, whatever the season's offset. Slash dates are
ambiguous: they are read day-first (French) unless a value in the same column proves the
file month-first (a second number above 12 and no first number above 12); a column where
every date has both numbers at most 12 is read day-first. Callers may force ``dayfirst``.
A year outside 1900–2199 is not read: exports write ``01/01/0001``, ``1899-12-30`` or
``31/12/9999`` for "no date", and no shop took an order then.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd

_SPACES = r"[\s\u00a0\u202f\u2009'’]"
_THOUSANDS_COMMA = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"
_THOUSANDS_DOT = r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d*)?"
_ISO = (
    r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:[T ]+(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)
_DAY_MONTH = (
    r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4}|\d{2})"
    r"(?:[T ]+(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)
DATE_FORMATS = "dd/mm/yyyy, dd/mm/yyyy hh:mm or yyyy-mm-dd hh:mm:ss, from 1900 to 2199"
_YEARS = (1900, 2199)


def infer_decimal(columns: list[pd.Series], separator: str | None) -> str:
    """``,`` when the file is not comma-separated and a number column holds a comma."""
    if separator == ",":
        return "."
    for column in columns:
        if column.str.contains(",", regex=False).any():
            return ","
    return "."


def parse_numbers(values: pd.Series, decimal: str = ".") -> tuple[np.ndarray, np.ndarray]:
    """(floats with NaN for blank or bad cells, mask of the non-blank cells not readable)."""
    codes, uniques = pd.factorize(values)
    parsed, bad = _parse_unique_numbers(pd.Series(uniques, dtype="str"), decimal)
    return _take(parsed, codes, np.nan), _take(bad, codes, False)


def _parse_unique_numbers(text: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    if not len(text):
        return np.array([], dtype=float), np.array([], dtype=bool)
    t = (
        text.str.replace(_SPACES, "", regex=True)
        .str.replace("\u2212", "-", regex=False)
        .str.replace(r"^([+-]?)[€$£]|[€$£]$", r"\1", regex=True)
    )
    commas = t.str.count(",").to_numpy()
    dots = t.str.count(r"\.").to_numpy()
    comma_last = (t.str.rfind(",") > t.str.rfind(".")).to_numpy()
    thousands_comma = t.str.fullmatch(_THOUSANDS_COMMA).to_numpy(dtype=bool)
    thousands_dot = t.str.fullmatch(_THOUSANDS_DOT).to_numpy(dtype=bool)
    no_dots = t.str.replace(".", "", regex=False)
    no_commas = t.str.replace(",", "", regex=False)
    comma_as_point = no_dots.str.replace(",", ".", regex=False)

    both = (commas > 0) & (dots > 0)
    only_comma = (commas > 0) & (dots == 0)
    only_dot = (dots > 0) & (commas == 0)
    comma_decimal = (commas == 1) & ((decimal == ",") | ~thousands_comma)
    dot_decimal = (dots == 1) & ~((decimal == ",") & thousands_dot)
    conditions = [
        both & comma_last & thousands_dot,
        both & ~comma_last & thousands_comma,
        both,
        only_comma & comma_decimal,
        only_comma & thousands_comma,
        only_comma,
        only_dot & dot_decimal,
        only_dot & thousands_dot,
        only_dot,
    ]
    choices = [comma_as_point, no_commas, "x", comma_as_point, no_commas, "x", t, no_dots, "x"]
    normalised = np.select(conditions, [np.asarray(c, dtype=object) for c in choices], t)
    numbers = pd.to_numeric(pd.Series(normalised, dtype="str"), errors="coerce").to_numpy(
        dtype=float
    )
    bad = ~np.isfinite(numbers)
    return np.where(bad, np.nan, numbers), bad


def parse_datetimes(
    values: pd.Series, dayfirst: bool | None = None
) -> tuple[pd.Series, np.ndarray]:
    """(naive datetimes with NaT for blank or bad cells, mask of non-blank unreadable cells)."""
    codes, uniques = pd.factorize(values)
    text = pd.Series(uniques, dtype="str").str.strip()
    iso = text.str.extract(_ISO)
    slash = text.str.extract(_DAY_MONTH)
    a = pd.to_numeric(slash["a"]).to_numpy(dtype=float)
    b = pd.to_numeric(slash["b"]).to_numpy(dtype=float)
    if dayfirst is None:
        dayfirst = bool(np.nan_to_num(a).max(initial=0) > 12) or not bool(
            np.nan_to_num(b).max(initial=0) > 12
        )
    slash_year = pd.to_numeric(slash["y"]).to_numpy(dtype=float)
    # Only a year written with two digits is 20yy: "0001" is year 1 (a "no date" placeholder).
    two_digits = (slash["y"].str.len() == 2).to_numpy(dtype=bool)
    slash_year = np.where(two_digits, slash_year + 2000, slash_year)
    is_iso = iso["y"].notna().to_numpy()
    parts = {
        "year": np.where(is_iso, pd.to_numeric(iso["y"]), slash_year),
        "month": np.where(is_iso, pd.to_numeric(iso["m"]), b if dayfirst else a),
        "day": np.where(is_iso, pd.to_numeric(iso["d"]), a if dayfirst else b),
    }
    for key, group in (("hour", "H"), ("minute", "M"), ("second", "S")):
        parts[key] = np.where(is_iso, pd.to_numeric(iso[group]), pd.to_numeric(slash[group]))
    frame = pd.DataFrame(parts)
    frame[["hour", "minute", "second"]] = frame[["hour", "minute", "second"]].fillna(0)
    # pandas would roll 25:00 over to the next day; a clock never reads that.
    bad_time = (frame["hour"] > 23) | (frame["minute"] > 59) | (frame["second"] > 59)
    bad_year = (frame["year"] < _YEARS[0]) | (frame["year"] > _YEARS[1])
    frame.loc[bad_time | bad_year, "year"] = np.nan
    stamps = (
        pd.to_datetime(frame, errors="coerce") if len(frame) else pd.Series(dtype="datetime64[us]")
    )
    stamps = stamps.astype("datetime64[us]")
    bad = stamps.isna().to_numpy()
    result = pd.Series(
        _take(stamps.to_numpy(), codes, np.datetime64("NaT", "us")), index=values.index
    )
    return result.astype("datetime64[us]"), _take(bad, codes, False)


def normalise_customer_ids(values: pd.Series) -> pd.Series:
    """E-mails lower-cased; numeric ids that a spreadsheet turned into ``17850.0`` → ``17850``."""
    text = values.astype("str").str.strip()
    text = text.mask(text == "")
    is_email = text.str.contains("@", regex=False).fillna(False).astype(bool)
    text = text.where(~is_email, text.str.casefold())
    return text.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)


def hash_customers(values: pd.Series, salt: bytes) -> pd.Series:
    """HMAC-SHA256 of each normalised id, keyed by the organisation's salt; nulls stay null.

    Keying by a per-organisation secret means a leaked table cannot be reversed by hashing a
    list of known e-mails, and the same customer gets the same key on every import.
    """
    codes, uniques = pd.factorize(normalise_customer_ids(values))
    digests = np.array(
        [hmac.new(salt, str(u).encode(), hashlib.sha256).hexdigest() for u in uniques],
        dtype=object,
    )
    return pd.Series(_take(digests, codes, None), index=values.index, dtype="str")


def _take(parsed: np.ndarray, codes: np.ndarray, missing: object) -> np.ndarray:
    """Map per-unique results back to rows; code -1 (a blank cell) gets ``missing``."""
    if not len(parsed):
        return np.full(
            len(codes), missing, dtype=parsed.dtype if parsed.dtype != object else object
        )
    result = parsed[np.where(codes >= 0, codes, 0)]
    if (codes < 0).any():
        result = result.copy()
        result[codes < 0] = missing
    return result
