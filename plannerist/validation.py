"""Validation of JSON-shaped input documents, shared by the engines' contracts.

Pure Python (no Django): the command-line contracts (``simulate``, ``capacity``, ``erlang``,
``forecast``, ``promo_history``) refuse bad input with an :class:`InputError` that names the
offending field by its path in the document (``order.unit_price``,
``resources[2].hours_per_weekday[5]``). The forms share only the bounds below
(:mod:`plannerist.fields`), and give their errors as Django form errors.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# The bounds of issue 12 item 20, the same for the forms (plannerist.fields) and the contracts:
# beyond them no shop's plan makes sense, and date ranges and float arithmetic stop being safe.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
MAX_PERIOD_DAYS = 3 * 365 + 1  # three years, one leap day included
MAX_MAGNITUDE = 1e9  # a billion: more than any small shop's orders, hours or euros


class InputError(ValueError):
    """Bad input; ``field`` is the path of the offending value in the document."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


def join(path: str, key: str | int) -> str:
    """The path of ``key`` inside the object at ``path``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def obj(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(path or "document", f"must be an object, got {_kind(value)}")
    return value


def keys(
    value: Any, path: str, *, required: Iterable[str], optional: Iterable[str] = ()
) -> Mapping[str, Any]:
    """Check that ``value`` is an object with every required key and no unknown key."""
    mapping = obj(value, path)
    required, optional = list(required), list(optional)
    for key in mapping:
        if key not in required and key not in optional:
            allowed = ", ".join(required + optional)
            raise InputError(join(path, key), f"unknown key (allowed: {allowed})")
    for key in required:
        if key not in mapping:
            raise InputError(join(path, key), "is required")
    return mapping


def number(
    value: Any,
    path: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    nullable: bool = False,
) -> float | None:
    """A finite JSON number (never a boolean or a string), within the bounds given."""
    if value is None:
        if nullable:
            return None
        raise InputError(path, "must be a number, got null")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(path, f"must be a number, got {_kind(value)}")
    try:
        result = float(value)
    except OverflowError:  # an integer too large for a float
        raise InputError(path, "must be a finite number") from None
    if not math.isfinite(result):
        raise InputError(path, "must be a finite number")
    if abs(result) > MAX_MAGNITUDE:
        raise InputError(path, f"must be at most {MAX_MAGNITUDE:g} in size, got {result:g}")
    if minimum is not None:
        if exclusive_minimum and result <= minimum:
            raise InputError(path, f"must be greater than {minimum:g}, got {result:g}")
        if not exclusive_minimum and result < minimum:
            raise InputError(path, f"must be at least {minimum:g}, got {result:g}")
    if maximum is not None and result > maximum:
        raise InputError(path, f"must be at most {maximum:g}, got {result:g}")
    return result


def rate(value: Any, path: str, *, nullable: bool = False) -> float | None:
    """A share between 0 and 1 inclusive."""
    return number(value, path, minimum=0.0, maximum=1.0, nullable=nullable)


def integer(value: Any, path: str, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise InputError(path, f"must be a whole number, got {_kind(value)}")
    result = int(value)
    if minimum is not None and result < minimum:
        raise InputError(path, f"must be at least {minimum}, got {result}")
    return result


def boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(path, f"must be true or false, got {_kind(value)}")
    return value


def string(value: Any, path: str, *, choices: Iterable[str] | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, f"must be a non-empty string, got {_kind(value)}")
    if choices is not None:
        allowed = list(choices)
        if value not in allowed:
            raise InputError(path, f"must be one of {', '.join(allowed)}, got {value!r}")
    return value


def date(value: Any, path: str) -> dt.date:
    """An ISO date string ``YYYY-MM-DD`` between :data:`EARLIEST_DATE` and :data:`LATEST_DATE`."""
    if not isinstance(value, str):
        raise InputError(path, f"must be a date YYYY-MM-DD, got {_kind(value)}")
    if not _ISO_DATE.fullmatch(value):
        raise InputError(path, f"must be a date YYYY-MM-DD, got {value!r}")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(path, f"must be a date YYYY-MM-DD, got {value!r}") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise InputError(path, f"must be between {EARLIEST_DATE} and {LATEST_DATE}, got {value!r}")
    return day


def period(start: dt.date, end: dt.date, path: str = "end", *, max_days: int = MAX_PERIOD_DAYS) -> None:
    """A period that ends on or after its start and lasts at most ``max_days`` days (three years)."""
    if end < start:
        raise InputError(path, "must be on or after start")
    if (end - start).days + 1 > max_days:
        raise InputError(path, f"the period must be at most {max_days} days (three years), got {(end - start).days + 1}")


def array(value: Any, path: str, *, length: int | None = None, min_length: int = 0) -> list:
    if not isinstance(value, list):
        raise InputError(path, f"must be a list, got {_kind(value)}")
    if length is not None and len(value) != length:
        raise InputError(path, f"must have exactly {length} items, got {len(value)}")
    if len(value) < min_length:
        raise InputError(path, f"must have at least {min_length} item(s), got {len(value)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
