"""The price history: the lowest unit price each product was charged per day, written from
the imports (the reference price of a reduction, Code de la consommation, art. L112-1-1).

The imports below campaigns hand their prices over through :data:`sales.signals.prices_charged`
(:func:`campaigns.receivers.prices_charged`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from campaigns.models import Product, ProductPrice
from plannerist.models import Organization


def product_prices_record(
    *, organization: Organization, rows: Iterable[tuple[str, dt.date, float]]
) -> int:
    """Record the unit prices charged: ``rows`` are (SKU, day, lowest unit price incl. VAT
    charged that day), as an import read them. A SKU not in the catalogue is skipped; a day
    already recorded keeps the lower of the two prices (two imports may hold different orders
    of one day). Prices are stored in the organisation's VAT convention, as the catalogue's.
    Returns the number of (product, day) rows written."""
    lowest: dict[tuple[str, dt.date], float] = {}
    for sku, day, price in rows:
        key = (str(sku), day)
        lowest[key] = min(price, lowest.get(key, price))
    if not lowest:
        return 0
    products = {
        sku: (pk, vat)
        for sku, pk, vat in Product.objects.filter(
            organization=organization, sku__in={sku for sku, _day in lowest}
        ).values_list("sku", "pk", "vat_rate")
    }
    wanted: dict[tuple[int, dt.date], Decimal] = {}
    for (sku, day), price in lowest.items():
        if sku not in products or price < 0:
            continue
        pk, vat = products[sku]
        value = Decimal(str(price)) if organization.prices_include_vat else Decimal(str(price)) / (1 + vat)
        wanted[(pk, day)] = value.quantize(Decimal("0.01"))
    with transaction.atomic():
        existing = {
            (p.product_id, p.date): p
            for p in ProductPrice.objects.filter(
                organization=organization, product_id__in={pk for pk, _day in wanted},
                date__range=(min(day for _pk, day in wanted), max(day for _pk, day in wanted)),
            )
        } if wanted else {}
        created, lowered = [], []
        for (pk, day), price in wanted.items():
            known = existing.get((pk, day))
            if known is None:
                created.append(ProductPrice(organization=organization, product_id=pk, date=day, unit_price=price))
            elif price < known.unit_price:
                known.unit_price = price
                lowered.append(known)
        ProductPrice.objects.bulk_create(created, batch_size=1000)
        ProductPrice.objects.bulk_update(lowered, ["unit_price"], batch_size=1000)
    return len(created) + len(lowered)
