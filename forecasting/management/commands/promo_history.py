"""``manage.py promo_history FILE``: promotion memory, per docs/forecasting.md § 3 and § 4."""

from forecasting.contract import promo_history
from plannerist.commands import JsonContractCommand


class Command(JsonContractCommand):
    help = "Each campaign's uplift against its counterfactual, its dip, pooled by kind (JSON in, JSON out)."
    compute = staticmethod(promo_history)
