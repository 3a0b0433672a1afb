"""Prices read excl. VAT put on the basis an imported order keeps: what the customer paid, VAT included."""

from __future__ import annotations

import pandas as pd

_LINE_PRICES = ("unit_price_incl_vat", "line_total_incl_vat")
_ORDER_PRICES = ("discount_amount", "shipping_incl_vat")
_CHARGED = ("order_total", "refunded_amount")


def prices_with_vat(lines: pd.DataFrame, vat_rate: float, *, charged_as_read: bool) -> pd.DataFrame:
    """Lines whose prices were read excl. VAT, with VAT added at ``vat_rate``.

    The line prices, the discount and the shipping are the shop's prices, so they were excl.
    VAT too. ``charged_as_read``: the order total and refund are what the customer was
    charged, VAT included whatever the prices (Shopify's ``Total``, WooCommerce's order
    total), and are kept; otherwise (the template, order-line files) they were summed or
    read on the same basis as the prices and get VAT too.
    """
    scaled = [*_LINE_PRICES, *_ORDER_PRICES, *(() if charged_as_read else _CHARGED)]
    lines = lines.copy()
    lines[scaled] = lines[scaled] * (1.0 + vat_rate)
    return lines
