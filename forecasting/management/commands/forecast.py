"""``manage.py forecast FILE|-`` or ``--org SLUG --from DATE --to DATE --json``: the baseline
forecast, per docs/forecasting.md § 2 and § 4."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from forecasting import organisation
from forecasting.commands import FileOrOrgCommand
from forecasting.contract import forecast


class Command(FileOrOrgCommand):
    help = "Baseline orders per day with an 80 % interval, from a daily history (JSON in, JSON out)."
    compute = staticmethod(forecast)

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--from", dest="start", help="first day forecast (YYYY-MM-DD), with --org")
        parser.add_argument("--to", dest="end", help="last day forecast (YYYY-MM-DD), with --org")

    def from_org(self, slug: str, options: dict[str, Any]) -> dict:
        return organisation.forecast(slug, options.get("start"), options.get("end"))
