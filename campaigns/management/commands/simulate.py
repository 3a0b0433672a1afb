"""``manage.py simulate FILE``: the margin of a promotion, per docs/economics.md § 1."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigns.contract import simulate
from plannerist.validation import InputError

# The contract's exit status for any refused input (unreadable, not JSON, invalid).
INVALID_INPUT = 2


class Command(BaseCommand):
    help = "Margin per order and over the campaign period of a promotion (JSON in, JSON out)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the input document (JSON); - reads standard input")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        source = "standard input" if file == "-" else file
        try:
            text = sys.stdin.read() if file == "-" else _read(file)
            document = json.loads(text)
            result = simulate(document)
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
