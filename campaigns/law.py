"""Reads for the French promotion rules: a campaign's products in scope, their price history
and the shop's earlier reductions, handed to the pure :mod:`campaigns.engine.french_rules`.

Two queries for a campaign (its earlier reductions, then its products with the lowest price
each was charged in the reference window), one for the shop's département.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Min, OuterRef, Subquery

from campaigns.engine import french_rules as rules
from campaigns.models import (
    Campaign,
    Mechanic,
    Product,
    ProductPrice,
    PromotionPlan,
    PromotionSettings,
    Scope,
)
from plannerist.models import Organization

# Mechanics that lower the price of a product (free shipping lowers no product's price).
REDUCING = (Mechanic.PERCENT_OFF, Mechanic.AMOUNT_OFF, Mechanic.BUY_X_GET_Y)
# How far back earlier reductions are looked for (a chain of back-to-back reductions).
EARLIER_REDUCTIONS_DAYS = 366
WARNINGS_LISTED = 10


@dataclass(frozen=True)
class ProductLaw:
    name: str
    sku: str
    check: rules.ProductCheck


@dataclass(frozen=True)
class PromotionLaw:
    """The law's view of a campaign: per product in scope, and its dates."""

    products: list[ProductLaw]
    sales: rules.SalesPeriodCheck
    year_periods: list[rules.SalesPeriod]  # the sales periods of the campaign's start year
    window_first: dt.date  # the reference price's 30 days, both ends inclusive
    window_last: dt.date
    announces_reduction: bool

    @property
    def overstated(self) -> list[ProductLaw]:
        return [p for p in self.products if p.check.overstates]

    @property
    def below_cost(self) -> list[ProductLaw]:
        return [p for p in self.products if p.check.warn_below_cost]

    @property
    def lawful(self) -> bool:
        return not (self.overstated or self.below_cost or self.sales.misuses_soldes)


def _floats(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype="float64")


def departement_of(organization: Organization) -> str:
    """The shop's département for the sales periods (empty: the national dates)."""
    return PromotionSettings.objects.filter(organization=organization).values_list("departement", flat=True).first() or ""


def promotion_law(
    plan: PromotionPlan,
    *,
    organization: Organization,
    product_ids: Iterable[int],
    start: dt.date,
    end: dt.date,
    name: str = "",
    description: str = "",
    departement: str = "",
    exclude_campaign_id: int | None = None,
) -> PromotionLaw:
    """Reference price, resale below cost and sales period of a plan (saved or typed) run from
    ``start`` to ``end``; ``exclude_campaign_id`` is the saved campaign the plan stands for
    (not one of its own earlier reductions). Earlier campaigns count once proposed (not drafts)."""
    earlier = list(
        Campaign.objects.filter(
            organization=organization, mechanic__in=REDUCING, start__lt=start,
            end__gte=start - dt.timedelta(days=EARLIER_REDUCTIONS_DAYS),
        )
        .exclude(status=Campaign.Status.DRAFT)
        .exclude(pk=exclude_campaign_id)
        .values_list("start", "end")
    )
    first, after_last = rules.reference_window(start, earlier)
    products = Product.objects.filter(organization=organization, active=True)
    if plan.scope == Scope.CATEGORIES:
        products = products.filter(category__in=list(plan.scope_categories))
    elif plan.scope == Scope.PRODUCTS:
        products = products.filter(pk__in=list(product_ids))
    # The lowest price of each product in the window, read on the (product, date) index: only
    # the window's rows, not the product's whole price history.
    lowest = (
        ProductPrice.objects.filter(product=OuterRef("pk"), date__gte=first, date__lt=after_last)
        .order_by().values("product").annotate(lowest=Min("unit_price")).values("lowest")
    )
    rows = list(
        products.annotate(lowest=Subquery(lowest))
        .order_by("name", "pk")
        .values_list("pk", "sku", "name", "price", "unit_cost", "vat_rate", "lowest")
    )
    # A handful of products: plain arrays, one frame for the checks (no pandas glue per column).
    pks, skus, names, prices, costs, vats, charged = (list(column) for column in zip(*rows, strict=True)) if rows else ([],) * 7
    regular = _floats(prices)
    frame = pd.DataFrame({
        "product": pks, "regular_price": regular, "unit_cost": _floats(costs),
        "reference_price": rules.reference_from_lowest(_floats(charged), regular),
    })
    sales = rules.check_sales_period(start, end, departement=departement, name=name, description=description)
    checks = rules.check_products(
        frame,
        plan.mechanic,
        vat_rate=_floats(vats),
        prices_include_vat=organization.prices_include_vat,
        in_sales_period=sales.within,
        rate=float(plan.discount_rate),
        amount=float(plan.discount_amount),
        buy=float(plan.buy),
        get=float(plan.get),
        get_discount=float(plan.get_discount),
    )
    return PromotionLaw(
        products=[ProductLaw(name, sku, check) for name, sku, check in zip(names, skus, checks, strict=True)],
        sales=sales,
        year_periods=rules.sales_periods(start.year, departement),
        window_first=first,
        window_last=after_last - dt.timedelta(days=1),
        announces_reduction=plan.mechanic in REDUCING,
    )
