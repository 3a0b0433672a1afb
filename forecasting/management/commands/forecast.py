"""``manage.py forecast FILE``: the baseline forecast, per docs/forecasting.md § 2 and § 4."""

from forecasting.contract import forecast
from plannerist.commands import JsonContractCommand


class Command(JsonContractCommand):
    help = "Baseline orders per day with an 80 % interval, from a daily history (JSON in, JSON out)."
    compute = staticmethod(forecast)
