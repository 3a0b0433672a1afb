"""What the shop sold, computed: pure pandas, no Django, no clock.

Daily actuals from orders (:func:`daily_actuals_from_orders`, one shape of orders: the readers'
:func:`sales.readers.orders_from_lines`) and the lowest unit prices an import charged
(:func:`lowest_unit_prices`)."""

from sales.engine.actuals import daily_actuals_from_orders
from sales.engine.prices import lowest_unit_prices

__all__ = ["daily_actuals_from_orders", "lowest_unit_prices"]
