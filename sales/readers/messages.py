"""The readers' messages: written in English, put in the reader's language when shown.

Messages are marked with :func:`gettext` / :func:`ngettext` (so ``makemessages`` finds them)
but these return the English text: an import's errors are written by the web process or by
the worker, in no one's language, and kept as written (``ImportBatch.errors``). They are said
in the page's language where they are shown, by the one translation path,
:func:`sales.import_messages.import_message`, which knows every marked message (a test reads
this package for them). No Django import here.
"""

from __future__ import annotations


def gettext(message: str) -> str:
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def rows_list(rows: list[int], shown: int = 5) -> str:
    """``4, 9, 12`` or ``4, 9, 12, 15, 20 …`` (rows of a spreadsheet; the count is said elsewhere)."""
    listed = ", ".join(str(row) for row in rows[:shown])
    return f"{listed} …" if len(rows) > shown else listed
