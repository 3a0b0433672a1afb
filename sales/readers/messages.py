"""The importers' messages in the user's language, with no Django import here.

Messages are written with :func:`gettext` / :func:`ngettext` (so ``makemessages`` finds them)
and translated by the functions the app installs when it starts (:class:`sales.apps.SalesConfig`
installs Django's): a message is in the language active when the file is read, the request's
on the web page. Without an installed translator (the readers used on their own) it is English.
"""

from __future__ import annotations

from collections.abc import Callable


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


_gettext: Callable[[str], str] = str
_ngettext: Callable[[str, str, int], str] = _english_plural


def install(gettext_: Callable[[str], str], ngettext_: Callable[[str, str, int], str]) -> None:
    """Translate the messages through these functions from now on."""
    global _gettext, _ngettext
    _gettext, _ngettext = gettext_, ngettext_


def gettext(message: str) -> str:
    return _gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _ngettext(singular, plural, n)


def rows_list(rows: list[int], shown: int = 5) -> str:
    """``4, 9, 12`` or ``4, 9, 12, 15, 20 …`` (rows of a spreadsheet; the count is said elsewhere)."""
    listed = ", ".join(str(row) for row in rows[:shown])
    return f"{listed} …" if len(rows) > shown else listed
