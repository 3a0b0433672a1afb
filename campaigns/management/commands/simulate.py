"""``manage.py simulate FILE``: the margin of a promotion, per docs/economics.md § 1."""

from campaigns.contract import simulate
from plannerist.commands import JsonContractCommand


class Command(JsonContractCommand):
    help = "Margin per order and over the campaign period of a promotion (JSON in, JSON out)."
    compute = staticmethod(simulate)
