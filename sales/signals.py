"""What sales tells the floors above, which connect in their ``AppConfig.ready()``: sales
imports none of them (issue 13's floors). Receivers run in the sender's transaction (they may
queue work after commit).

- ``actuals_changed`` (``organization=``): daily actuals changed (an import, quick entry, a
  discount code re-attributing orders). ``forecasting`` queues its refit, then ``kpis`` its
  recompute (receivers run in the order of ``INSTALLED_APPS``, the floors'), so that in-process
  the recompute reads the new forecast and the refit's own change merges into it.
- ``prices_charged`` (``organization=``, ``prices=``): an import's lowest unit price per
  product and day, as (SKU, local day, price incl. VAT) tuples
  (:func:`sales.engine.lowest_unit_prices`). ``campaigns`` writes its price history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.dispatch import Signal

actuals_changed = Signal()
prices_charged = Signal()


def actuals_changed_send(*, organization) -> None:
    actuals_changed.send(sender="sales", organization=organization)


def prices_charged_send(*, organization, prices: Sequence[tuple[str, dt.date, float]]) -> None:
    prices_charged.send(sender="sales", organization=organization, prices=prices)
