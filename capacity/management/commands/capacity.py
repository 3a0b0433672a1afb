"""``manage.py capacity FILE``: capacity over a period, per docs/economics.md § 2."""

from capacity.contract import capacity_report
from plannerist.commands import JsonContractCommand


class Command(JsonContractCommand):
    help = "Work, capacity, backlog, extra hours and stock per day and resource (JSON in, JSON out)."
    compute = staticmethod(capacity_report)
