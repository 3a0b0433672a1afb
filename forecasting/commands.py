"""The forecasting commands' shared shape: a JSON document (FILE or -), or ``--org SLUG``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from plannerist.commands import INVALID_INPUT, JsonContractCommand
from plannerist.validation import InputError


class FileOrOrgCommand(JsonContractCommand):
    """The file contract of :class:`JsonContractCommand`, or the same answer computed from an
    organisation's actuals and campaigns by :meth:`from_org`; never both."""

    org_help = "an organisation's slug: its actuals and campaigns instead of a file"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the input document (JSON); - reads standard input")
        parser.add_argument("--org", help=self.org_help)
        parser.add_argument("--json", action="store_true", help="answer in JSON (the only format)")

    def from_org(self, slug: str, options: dict[str, Any]) -> dict:
        raise NotImplementedError

    def handle(self, *args: Any, file: str | None = None, org: str | None = None, **options: Any) -> None:
        if org is None:
            if file is None:
                raise CommandError("give a FILE (- for standard input) or --org SLUG", returncode=INVALID_INPUT)
            return super().handle(*args, file=file, **options)
        if file is not None:
            raise CommandError("file: give either a FILE or --org, not both", returncode=INVALID_INPUT)
        try:
            result = self.from_org(org, options)
        except InputError as error:
            raise CommandError(str(error), returncode=INVALID_INPUT) from error
        self.stdout.write(json.dumps(result, indent=2, allow_nan=False))
        return None
