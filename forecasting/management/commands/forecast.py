"""``manage.py forecast FILE|-`` or ``--org SLUG --from DATE --to DATE --json``: the baseline
forecast, per docs/forecasting.md § 2 and § 4."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from forecasting import organisation
from forecasting.contract import forecast
from plannerist.commands import INVALID_INPUT, JsonContractCommand
from plannerist.validation import InputError


class Command(JsonContractCommand):
    help = "Baseline orders per day with an 80 % interval, from a daily history (JSON in, JSON out)."
    compute = staticmethod(forecast)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the input document (JSON); - reads standard input")
        parser.add_argument("--org", help="an organisation's slug: its actuals and campaigns instead of a file")
        parser.add_argument("--from", dest="start", help="first day forecast (YYYY-MM-DD), with --org")
        parser.add_argument("--to", dest="end", help="last day forecast (YYYY-MM-DD), with --org")
        parser.add_argument("--json", action="store_true", help="answer in JSON (the only format)")

    def handle(self, *args: Any, file: str | None = None, org: str | None = None, **options: Any) -> None:
        if org is None:
            if file is None:
                raise CommandError("give a FILE (- for standard input) or --org SLUG", returncode=INVALID_INPUT)
            return super().handle(*args, file=file, **options)
        if file is not None:
            raise CommandError("file: give either a FILE or --org, not both", returncode=INVALID_INPUT)
        try:
            result = organisation.forecast(org, options.get("start"), options.get("end"))
        except InputError as error:
            raise CommandError(str(error), returncode=INVALID_INPUT) from error
        self.stdout.write(json.dumps(result, indent=2, allow_nan=False))
        return None
