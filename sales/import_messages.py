"""The importers' messages in the reader's language, put in words when they are shown.

The readers (:mod:`sales.readers`, pure) write their messages in English, and an import's
errors are kept as they were written (``ImportBatch.errors``), by the web process or by the
worker, in no one's language. A message shown on a page is matched against the English
templates below and said in the page's language with the values it holds. This is the only
translation of the readers' messages: those they mark with ``gettext`` / ``ngettext``
(:mod:`sales.readers.messages`) are here too, plurals in :data:`PLURALS` (a test checks that
none is missing). A message no template matches (a new one) is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_noop as N_

_DATE_FORMATS = "dd/mm/yyyy, dd/mm/yyyy hh:mm or yyyy-mm-dd hh:mm:ss, from 1900 to 2199"
_AGAIN = "If the order changed between the two exports, import the files one at a time, the older first"

# The more specific first: "%(value)s is not a number" would match the quantity's message too.
TEMPLATES: tuple[str, ...] = (
    N_("the file is %(size)s, over the %(limit)s limit: split it into several files and import them together"),
    N_("the file is empty"),
    N_("this is an old Excel .xls workbook: save it as .xlsx or as CSV and import that"),
    N_("the file is named .xlsx but is not an Excel workbook"),
    N_("the file holds binary data, not text: is it a CSV?"),
    N_("the file's text encoding is not UTF-8, UTF-16 or Windows-1252: save it again as 'CSV UTF-8' and "
       "import that"),
    N_("this row has %(cells)s cells but the header has %(width)s: check its quotes and separators"),
    N_("a quote opened on this row is never closed, so the rest of the file is one cell: close or remove it"),
    N_("the file is not valid CSV: %(detail)s"),
    N_("the file has a header but no order rows"),
    N_("the files do not have the same columns (%(names)s): import them one at a time"),
    N_("the workbook inflates to %(size)s: split it into smaller files"),
    N_("the workbook's first sheet is empty"),
    N_("the Excel workbook is damaged or not a workbook%(detail)s"),
    N_("not a %(layout)s: missing column(s) %(missing)s; the file has a single column %(column)s: is it "
       "separated by something other than a comma, a semicolon or a tab?"),
    N_("not a %(layout)s: missing column(s) %(missing)s; the file has: %(columns)s"),
    N_("the import has %(rows)s rows, over the %(limit)s limit: import the period in several parts"),
    N_("order %(order)s has another customer here than on row %(row)s: two orders share this id, or its "
       "rows disagree"),
    N_("order %(order)s has %(here)s here but %(first)s on row %(row)s: two orders share this id, or its "
       "rows disagree"),
    N_("order %(order)s is also in %(file)s (row %(row)s) with a different customer. " + _AGAIN),
    N_("order %(order)s is also in %(file)s (row %(row)s) with a different %(field)s (%(there)s there, "
       "%(here)s here). " + _AGAIN),
    N_("no file to import"),
    N_("this cell is blank"),
    N_("the order name is blank"),
    N_("%(value)s is negative: Shopify exports refunds in 'Refunded Amount', never as a negative quantity"),
    N_("%(value)s is negative: a Shopify line price never is"),
    N_("the order has no line item"),
    N_("no quantity in %(value)s"),
    N_("the quantity in %(value)s is not a number"),
    N_("negative quantity in %(value)s: WooCommerce exports refunds in refund_items"),
    N_("no total in %(value)s"),
    N_("an amount in %(value)s is not a number"),
    N_("%(value)s is not a date (expected " + _DATE_FORMATS + ")"),
    N_("%(value)s is not a number"),
    N_("unknown field(s) in the column mapping: %(unknown)s (allowed: %(allowed)s)"),
    N_("the column mapping needs: %(missing)s"),
    N_("order %(order)s is in %(currency)s, but %(name)s keeps its books in %(books)s: convert the file or "
       "import it into the right organisation"),
    N_("order id %(id)s is longer than %(limit)s characters"),
    N_("%(amount)s is too large for an amount (at most %(limit)s): is a barcode or an order number in this "
       "column?"),
    N_("the import could not be queued: %(error)s"),
    # Marked in the readers (sales/readers/checks.py, assemble.py).
    N_("%(value)s is too large for an amount (amounts stay under %(limit)s): is a barcode or an order number in "
       "this column?"),
    N_("%(value)s units on one line is out of range (a line holds fewer than %(limit)s units, returns included): "
       "is an amount, a barcode or a typing slip in this column?"),
    N_("the line's total, %(value)s, is too large for an amount (amounts stay under %(limit)s): is a barcode or "
       "an order number in the quantity or price column?"),
    N_("the order's lines add up to %(value)s, too large for an amount (amounts stay under %(limit)s): is a "
       "barcode or an order number in the quantity or price column?"),
    N_("the order id %(id)s is longer than %(limit)s characters"),
    N_("the file is in %(found)s (every order), but the organisation keeps its books in %(books)s: convert the "
       "file to %(books)s or import it into the right organisation"),
    N_("order %(order)s is also in %(file)s (row %(row)s) with other lines: an export writes all of an order's "
       "lines together. If the order changed between the two exports, import the files one at a time, the older "
       "first"),
)
# The readers' plural messages (sales/readers/checks.py, reading.py): (singular, plural), the
# plural holding %(count)s.
PLURALS: tuple[tuple[str, str], ...] = (
    ("this order is in %(found)s, but the organisation keeps its books in %(books)s: convert its amounts to "
     "%(books)s or remove it",
     "%(count)s orders of the file are in %(found)s (rows %(rows)s), but the organisation keeps its books in "
     "%(books)s: convert their amounts to %(books)s or remove them"),
    ("this row is not in UTF-8 like the rest of the file (it looks like Windows-1252): the file was put together "
     "from two exports. Save it again as 'CSV UTF-8' or retype this row",
     "%(count)s rows are not in UTF-8 like the rest of the file (rows %(rows)s; they look like Windows-1252): the "
     "file was put together from two exports. Save it again as 'CSV UTF-8' or retype these rows"),
    ("this row is in UTF-8 but the rest of the file is in Windows-1252: the file was put together from two "
     "exports. Save it again as 'CSV UTF-8' or retype this row",
     "%(count)s rows are in UTF-8 but the rest of the file is in Windows-1252 (rows %(rows)s): the file was put "
     "together from two exports. Save it again as 'CSV UTF-8' or retype these rows"),
)
# Words of the importers that a message quotes: a layout, an order field, the mapping's needs.
WORDS: tuple[str, ...] = (
    N_("Shopify orders export"), N_("WooCommerce order export"), N_("file with this column mapping"),
    N_("discount code"), N_("discount amount"), N_("shipping incl vat"), N_("order total"),
    N_("refunded amount"), N_("cancelled"), N_("currency"), N_("channel"), N_("shipped at"),
    N_("sku or description"),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_TRANSLATED_VALUES = {"layout", "field"}


@cache
def _patterns() -> tuple[tuple[re.Pattern, Callable[[dict], str]], ...]:
    def pattern(template: str) -> re.Pattern:
        parts = _PLACEHOLDER.split(template)  # literal, name, literal, name, …
        regex, named = "", set()
        for k, part in enumerate(parts):
            if k % 2 == 0:
                regex += re.escape(part)
            else:  # a value said twice ("… in %(books)s: convert to %(books)s") is the same value
                regex += f"(?P={part})" if part in named else f"(?P<{part}>.*?)"
                named.add(part)
        return re.compile(regex, re.DOTALL)

    def single(template: str) -> Callable[[dict], str]:
        return lambda values: gettext(template) % values

    def plural(singular: str, plural_: str) -> Callable[[dict], str]:
        def say(values: dict) -> str:
            count = int(values.get("count") or 1)
            return ngettext(singular, plural_, count) % {"rows": "", **values, "count": count}
        return say

    singles = tuple((pattern(template), single(template)) for template in TEMPLATES)
    plurals = tuple((pattern(form), plural(s, p)) for s, p in PLURALS for form in (s, p))
    return singles + plurals


def import_message(message: str) -> str:
    """``message`` as an importer wrote it, in the active language."""
    for pattern, say in _patterns():
        found = pattern.fullmatch(message)
        if found:
            return say({name: gettext(value) if name in _TRANSLATED_VALUES else value
                        for name, value in found.groupdict().items()})
    return message
