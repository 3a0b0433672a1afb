"""``manage.py erlang``: live support staffing with Erlang C, per docs/economics.md § 3."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capacity.contract import erlang_report
from plannerist.commands import INVALID_INPUT
from plannerist.validation import InputError


class Command(BaseCommand):
    help = "The fewest agents answering a share of contacts within a time (Erlang C; prints JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contacts-per-hour", type=float, required=True)
        parser.add_argument(
            "--aht-seconds", type=float, required=True, help="average handling time"
        )
        parser.add_argument("--answer-seconds", type=float, required=True)
        parser.add_argument(
            "--service-level", type=float, required=True, help="share answered in time, e.g. 0.8"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = erlang_report(
                options["contacts_per_hour"],
                options["aht_seconds"],
                options["answer_seconds"],
                options["service_level"],
            )
        except InputError as error:
            # Name the option the user typed, not the Python argument.
            option = "--" + error.field.replace("_", "-")
            raise CommandError(f"{option}: {error.message}", returncode=INVALID_INPUT) from error
        self.stdout.write(json.dumps(result, indent=2, allow_nan=False))
