"""``manage.py capacity FILE``: capacity over a period, per docs/economics.md § 2."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capacity.contract import capacity_report
from plannerist.validation import InputError

# The contract's exit status for any refused input (unreadable, not JSON, invalid).
INVALID_INPUT = 2


class Command(BaseCommand):
    help = (
        "Work, capacity, backlog, extra hours and stock per day and resource (JSON in, JSON out)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the input document (JSON); - reads standard input")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        source = "standard input" if file == "-" else file
        try:
            text = sys.stdin.read() if file == "-" else _read(file)
            result = capacity_report(json.loads(text))
        except OSError as error:
            raise CommandError(
                f"cannot read {file}: {error.strerror or error}", returncode=INVALID_INPUT
            ) from error
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(
                f"{source} is not valid JSON: {error}", returncode=INVALID_INPUT
            ) from error
        except InputError as error:
            raise CommandError(str(error), returncode=INVALID_INPUT) from error
        self.stdout.write(json.dumps(result, indent=2, allow_nan=False))


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()
