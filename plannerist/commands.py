"""What the JSON-contract commands (simulate, capacity) share: read a document, compute,
print JSON; any refused input is a message naming the field and exit status 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plannerist.validation import InputError

INVALID_INPUT = 2  # the contract's exit status for unreadable, non-JSON or invalid input


class JsonContractCommand(BaseCommand):
    """``manage.py NAME FILE|-``: JSON document in, the contract's JSON out."""

    compute: Callable[[Any], dict]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the input document (JSON); - reads standard input")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        source = "standard input" if file == "-" else file
        try:
            text = sys.stdin.read() if file == "-" else _read(file)
            result = type(self).compute(json.loads(text))
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror or error}", returncode=INVALID_INPUT) from error
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{source} is not valid JSON: {error}", returncode=INVALID_INPUT) from error
        except InputError as error:
            raise CommandError(str(error), returncode=INVALID_INPUT) from error
        self.stdout.write(json.dumps(result, indent=2, allow_nan=False))


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()
