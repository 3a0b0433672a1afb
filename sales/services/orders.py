"""The orders an import writes, all or nothing: upserted by ``(organization, order_id)``
(an unchanged order is not touched), the products they sold, the daily actuals of the days
whose orders changed (and of the days their customers ordered on since, whose "new customer"
figures move), in one transaction with the batch that wrote them. Also what an import did
(:class:`ImportOutcome`), what the books refuse although the files read (:func:`order_errors`)
and a batch's summary as it is stored (:func:`summary_json`, :func:`summary_from_json`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from plannerist.bulk import insert_rows
from plannerist.models import Organization, User
from sales import selectors
from sales.engine import lowest_unit_prices
from sales.models import MONEY_QUANTUM, ImportBatch, ImportedOrder
from sales.readers import DEFAULT_LIMITS, ImportResult, ImportSummary, RowError
from sales.readers.checks import stored_value_errors
from sales.readers.schema import empty_lines
from sales.services.actuals import daily_actuals_rebuild
from sales.services.common import as_decimal, in_chunks, time_zone
from sales.services.lines import imported_lines_replace
from sales.signals import actuals_changed_send, prices_charged_send

_ORDER_FIELDS = (
    "ordered_at", "channel_id", "channel_name", "campaign_id", "discount_code", "customer_key",
    "units", "paid_incl_vat", "discounts", "refunds", "shipping_incl_vat", "cancelled",
    "is_adjustment", "shipped_at", "currency", "source_format",
)  # fmt: skip
_STORED_COLUMNS = {
    "order_id": "order", "unit_price_incl_vat": "unit_price", "quantity": "quantity", "line_total_incl_vat": "line_total",
    "discount_amount": "discount_amount", "shipping_incl_vat": "shipping", "order_total": "order_total",
    "refunded_amount": "refunded_amount", "currency": "currency",
}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class ImportOutcome:
    """What an import did. ``batch`` is None when nothing was written (errors or a dry run)."""

    result: ImportResult
    errors: list[RowError]
    batch: ImportBatch | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    days_rebuilt: tuple[dt.date, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def order_errors(lines: pd.DataFrame, organization: Organization) -> list[RowError]:
    """What the books refuse although the file was readable (another currency, long ids, huge
    amounts): the readers' own checks, run again on lines read before (a preview confirmed
    after the organisation's currency changed)."""
    return stored_value_errors(lines, _STORED_COLUMNS, limits=DEFAULT_LIMITS, books_currency=organization.currency)


@transaction.atomic
def orders_save(
    *, organization: Organization, orders: pd.DataFrame, summary: ImportSummary, format: str, by: User | None,
    file_names: list[str], batch: ImportBatch | None = None,
) -> ImportOutcome:
    """Write the orders (one row each, as :func:`orders_from_lines` gives them) in one transaction."""
    tz = organization.timezone
    batch = batch or ImportBatch(organization=organization, created_by=by, format=format, file_names=file_names,
                                 started_at=timezone.now())
    batch.status, batch.rows, batch.orders = ImportBatch.Status.RUNNING, summary.rows_read, summary.orders
    batch.summary = summary_json(summary)
    batch.save()
    incoming = _order_rows(organization, orders, format)
    existing = {
        order.order_id: order
        for chunk in in_chunks(list(incoming))
        for order in ImportedOrder.objects.filter(organization=organization, order_id__in=chunk)
    }
    created, changed, touched_days = [], [], set()
    for order_id, values in incoming.items():
        order = existing.get(order_id)
        if order is None:
            created.append((order_id, values))
        elif any(getattr(order, field) != value for field, value in values.items()):
            touched_days.add(timezone.localtime(order.ordered_at, time_zone(tz)).date())
            for field, value in values.items():
                setattr(order, field, value)
            order.batch = batch
            changed.append(order)
        else:
            continue
        touched_days.add(timezone.localtime(values["ordered_at"], time_zone(tz)).date())
    insert_rows(
        ImportedOrder, ["organization_id", "order_id", "batch_id", *_ORDER_FIELDS],
        ([organization.id, order_id, batch.pk, *(values[f] for f in _ORDER_FIELDS)] for order_id, values in created),
    )
    ImportedOrder.objects.bulk_update(changed, [*_ORDER_FIELDS, "batch"], batch_size=1000)
    imported_lines_replace(organization=organization, orders=orders, batch=batch)
    prices_charged_send(organization=organization, prices=lowest_unit_prices(orders))

    days: tuple[dt.date, ...] = ()
    if touched_days:
        written = [values for _order_id, values in created] + [{"customer_key": o.customer_key,
                                                                  "ordered_at": o.ordered_at} for o in changed]
        keys = {v["customer_key"] for v in written if v["customer_key"]}
        since = min(v["ordered_at"] for v in written)
        days = tuple(sorted(touched_days | selectors.customer_days_from(organization.id, keys, since, tz)))
        daily_actuals_rebuild(organization=organization, days=days)
        actuals_changed_send(organization=organization)
    batch.status, batch.progress = ImportBatch.Status.DONE, 100
    batch.finished_at = timezone.now()
    batch.summary = {**batch.summary, "created": len(created), "updated": len(changed),
                     "unchanged": len(incoming) - len(created) - len(changed)}
    batch.pending_lines = None
    batch.save(update_fields=["status", "progress", "finished_at", "summary", "pending_lines"])
    return ImportOutcome(
        result=ImportResult(empty_lines(), [], summary), errors=[], batch=batch, created=len(created), updated=len(changed),
        unchanged=len(incoming) - len(created) - len(changed), days_rebuilt=days,
    )


def _order_rows(organization: Organization, orders: pd.DataFrame, format: str) -> dict[str, dict]:
    """Order id → ImportedOrder field values, compared as the database returns them."""
    codes = selectors.campaign_by_discount_code(organization.id)
    channels = selectors.channel_by_name(organization.id)
    ordered_at = _aware(orders["ordered_at"], organization.timezone)
    shipped_at = _aware(orders["shipped_at"], organization.timezone)
    rows = {}
    for i, order in enumerate(orders.itertuples(index=False)):
        code = order.discount_code if isinstance(order.discount_code, str) else ""
        channel = order.channel if isinstance(order.channel, str) else ""
        rows[str(order.order_id)] = {
            # In UTC, as the database returns it: an aware time in the repeated hour of the
            # autumn clock change never equals the same instant in another zone (PEP 495).
            "ordered_at": ordered_at[i].astimezone(dt.UTC),
            "channel_id": channels.get(channel.strip().casefold()),
            "channel_name": channel[:120],
            "campaign_id": codes.get(code.strip().casefold()),
            "discount_code": code[:64],
            "customer_key": order.customer_key if isinstance(order.customer_key, str) else None,
            "units": as_decimal(order.units, "0.001"),
            "paid_incl_vat": as_decimal(order.order_total, MONEY_QUANTUM),
            "discounts": as_decimal(order.discount_amount, MONEY_QUANTUM),
            "refunds": as_decimal(order.refunded_amount, MONEY_QUANTUM),
            "shipping_incl_vat": as_decimal(order.shipping_incl_vat, MONEY_QUANTUM),
            "cancelled": bool(order.cancelled),
            "is_adjustment": bool(order.is_adjustment_order),
            "shipped_at": None if shipped_at[i] is None else shipped_at[i].astimezone(dt.UTC),
            "currency": order.currency,
            "source_format": format,
        }
    return rows


def summary_json(summary: ImportSummary) -> dict:
    """An import's summary as a batch stores it (JSON: times as ISO text, tuples as lists)."""
    return {
        key: (value.isoformat() if isinstance(value, dt.datetime) else list(value) if isinstance(value, tuple) else value)
        for key, value in dataclasses.asdict(summary).items()
    }


def summary_from_json(summary: dict) -> ImportSummary:
    """A batch's stored summary read back, without the counts the write added to it (created…)."""
    fields = {f.name for f in dataclasses.fields(ImportSummary)}
    values = {key: value for key, value in summary.items() if key in fields}
    for key in ("first_order_at", "last_order_at"):
        if values.get(key):
            values[key] = dt.datetime.fromisoformat(values[key])
    values["currencies"] = tuple(values.get("currencies") or ())
    return ImportSummary(**values)


def _aware(stamps: pd.Series, tz: str) -> list[dt.datetime | None]:
    """Naive local wall-clock times → aware datetimes (a DST-ambiguous hour is read as summer time)."""
    values = pd.to_datetime(stamps)
    localized = values.dt.tz_localize(tz, ambiguous=np.ones(len(values), dtype=bool), nonexistent="shift_forward")
    return [None if pd.isna(v) else v.to_pydatetime() for v in localized]
