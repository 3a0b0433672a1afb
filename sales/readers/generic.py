"""Plannerist's own order template (CSV or XLSX), for shops whose tool has no usable export.

The page offers :func:`template_csv` and :func:`template_xlsx` for download and shows
:data:`TEMPLATE_DOC`; :data:`TEMPLATE_COLUMNS` is the single source of all three.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterable

import pandas as pd

from sales.readers.assemble import read_files
from sales.readers.reading import RawTable
from sales.readers.schema import (
    DEFAULT_LIMITS,
    ImportLimits,
    ImportResult,
    OrderFile,
    RowError,
    as_order_files,
    salt_bytes,
)
from sales.readers.tabular import LineLayout, stage_lines


@dataclasses.dataclass(frozen=True)
class TemplateColumn:
    name: str
    field: str  # the line-table field it fills
    required: bool
    order_level: bool
    help_en: str
    help_fr: str
    example: str


TEMPLATE_COLUMNS: tuple[TemplateColumn, ...] = (
    TemplateColumn("order_id", "order", True, False,
                   "Order number. Lines with the same number form one order.",
                   "Numéro de commande. Les lignes au même numéro forment une commande.",
                   "F-1001"),
    TemplateColumn("date", "date", True, False,
                   "Order date: dd/mm/yyyy or yyyy-mm-dd, optionally followed by the time hh:mm.",
                   "Date de la commande : jj/mm/aaaa ou aaaa-mm-jj, éventuellement suivie de l'heure hh:mm.",
                   "05/04/2026 14:30"),
    TemplateColumn("sku", "sku", False, False,
                   "Product reference. Give sku, product_name or both.",
                   "Référence du produit. Indiquez sku, product_name ou les deux.",
                   "BOUG-VAN-200"),
    TemplateColumn("product_name", "description", False, False,
                   "Product name.", "Nom du produit.", "Bougie vanille 200 g"),
    TemplateColumn("quantity", "quantity", True, False,
                   "Units sold. Negative for a return or a stock adjustment.",
                   "Quantité vendue. Négative pour un retour ou un ajustement de stock.",
                   "2"),
    TemplateColumn("unit_price", "unit_price", True, False,
                   "Price of one unit incl. VAT, before any order discount; decimal comma or point; "
                   "0 for a free sample.",
                   "Prix unitaire TTC avant remise sur la commande ; virgule ou point décimal ; "
                   "0 pour un échantillon offert.",
                   "24,90"),
    TemplateColumn("customer", "customer", False, True,
                   "Customer e-mail or customer number; blank for a walk-in or guest customer. "
                   "Stored only as a salted hash, to tell new from returning customers.",
                   "E-mail ou numéro du client ; vide pour un client de passage. Conservé "
                   "uniquement sous forme d'empreinte salée, pour distinguer nouveaux et fidèles.",
                   "client@example.fr"),
    TemplateColumn("discount_code", "discount_code", False, True,
                   "Promo code used on the order; links the order to its campaign.",
                   "Code promo utilisé ; relie la commande à sa campagne.",
                   "NOEL20"),
    TemplateColumn("discount_amount", "discount_amount", False, True,
                   "Discount on the whole order incl. VAT (the same on every line of the order).",
                   "Remise sur toute la commande, TTC (la même sur chaque ligne de la commande).",
                   "9,96"),
    TemplateColumn("shipping", "shipping", False, True,
                   "Shipping charged to the customer incl. VAT.",
                   "Frais de port facturés au client, TTC.", "4,90"),
    TemplateColumn("channel", "channel", False, True,
                   "Sales channel: shop, website, market, marketplace…",
                   "Canal de vente : boutique, site, marché, place de marché…", "boutique"),
    TemplateColumn("status", "status", False, True,
                   "Blank, or 'cancelled' / 'annulée' for a cancelled order (kept and counted as such).",
                   "Vide, ou « annulée » / 'cancelled' pour une commande annulée (comptée comme telle).",
                   ""),
    TemplateColumn("refunded_amount", "refunded_amount", False, True,
                   "Amount refunded on the order incl. VAT.",
                   "Montant remboursé sur la commande, TTC.", "0"),
    TemplateColumn("shipped_at", "shipped_at", False, True,
                   "Date (and time) the order was shipped, for processing speed.",
                   "Date (et heure) d'expédition, pour la vitesse de traitement.",
                   "06/04/2026 10:00"),
    TemplateColumn("currency", "currency", False, True,
                   "ISO currency code; EUR when blank.", "Code devise ISO ; EUR si vide.", "EUR"),
)  # fmt: skip

_LAYOUT_COLUMNS = {column.field: column.name for column in TEMPLATE_COLUMNS}


def _doc() -> str:
    lines = [
        "# Plannerist order template",
        "",
        "One row per order line. Separator `;` or `,`; decimal comma or point; UTF-8 or "
        "Windows-1252 (what Excel saves); dates dd/mm/yyyy (read day-first) or yyyy-mm-dd.",
        "The date and the order-level columns may be left blank after an order's first line.",
        "",
        "| column | required | order-level | meaning | exemple / signification |",
        "|---|---|---|---|---|",
    ]
    for c in TEMPLATE_COLUMNS:
        required = (
            "yes"
            if c.required
            else ("sku or product_name" if c.field in ("sku", "description") else "no")
        )
        lines.append(
            f"| `{c.name}` | {required} | {'yes' if c.order_level else 'no'} | {c.help_en} "
            f"| {c.help_fr} Ex. : `{c.example}` |"
        )
    return "\n".join(lines) + "\n"


TEMPLATE_DOC: str = _doc()


def template_csv(*, with_example: bool = False) -> bytes:
    """The template as French Excel opens it directly: UTF-8 with BOM, ``;``, CRLF.

    Without example rows by default, so an untouched template cannot import invented orders.
    """
    rows = [[c.name for c in TEMPLATE_COLUMNS]]
    if with_example:
        rows.append([c.example for c in TEMPLATE_COLUMNS])
    text = "".join(";".join(row) + "\r\n" for row in rows)
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def template_xlsx(*, with_example: bool = False) -> bytes:
    """The template as a workbook: an ``orders`` sheet to fill and a ``help`` sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    orders = workbook.active
    orders.title = "orders"
    orders.append([c.name for c in TEMPLATE_COLUMNS])
    if with_example:
        orders.append([c.example for c in TEMPLATE_COLUMNS])
    for cell in orders[1]:
        cell.font = Font(bold=True)
        orders.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value)) + 4)
    orders.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("help")
    help_sheet.append(["column", "required", "order-level", "meaning", "signification", "example"])
    for c in TEMPLATE_COLUMNS:
        help_sheet.append(
            [c.name, "yes" if c.required else "no", "yes" if c.order_level else "no",
             c.help_en, c.help_fr, c.example]
        )  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_generic(
    files: OrderFile | Iterable[OrderFile] | Iterable[tuple[str, bytes]],
    *,
    salt: str | bytes,
    limits: ImportLimits = DEFAULT_LIMITS,
    dayfirst: bool | None = None,
    default_currency: str = "EUR",
    default_channel: str | None = None,
    books_currency: str | None = None,
) -> ImportResult:
    """Import files filled from the template (CSV or XLSX) as one import; orders in another
    currency than ``books_currency`` (when given) are refused."""
    key = salt_bytes(salt)
    layout = LineLayout(
        "Plannerist order template",
        _LAYOUT_COLUMNS,
        default_currency=default_currency,
        default_channel=default_channel,
        dayfirst=dayfirst,
        books_currency=books_currency,
    )
    wanted = {name.casefold() for name in _LAYOUT_COLUMNS.values()}

    def stage(table: RawTable) -> tuple[pd.DataFrame | None, list[RowError]]:
        return stage_lines(table, layout, key, limits)

    return read_files(
        as_order_files(files),
        limits=limits,
        wanted=lambda name: name.casefold() in wanted,
        stage=stage,
        negative_quantity_cancels=False,
    )
