"""``manage.py import_orders --org SLUG --format FORMAT FILE...``: one import of order files.

Files of any length: they are read in chunks and written in one transaction (see
:func:`sales.services.orders_import_stream`), with no row limit.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plannerist.commands import INVALID_INPUT
from plannerist.models import Organization
from sales.readers import FORMATS, parse_column_mapping
from sales.services import orders_import_stream

PRICES = ("incl-vat", "excl-vat")


class Command(BaseCommand):
    help = "Import order exports (several files = one import); all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--columns", help="lines format: field=Column,... (order, date, sku, quantity…)")
        parser.add_argument("--cancel-prefix", help="lines format: order ids starting with it are cancellations")
        parser.add_argument(
            "--prices", choices=PRICES,
            help="whether the files' prices include VAT (default: the organisation's setting); "
            "excl-vat adds VAT at the organisation's rate",
        )
        parser.add_argument("--dry-run", action="store_true", help="read and check, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"no organisation with slug {options['org']!r}", returncode=INVALID_INPUT)
        try:
            mapping = parse_column_mapping(options["columns"]) if options["columns"] else None
        except ValueError as error:
            raise CommandError(f"--columns: {error}", returncode=INVALID_INPUT) from error
        try:
            outcome = orders_import_stream(
                organization=organization, paths=options["files"], format=options["format"], mapping=mapping,
                cancel_prefix=options["cancel_prefix"], dry_run=options["dry_run"],
                prices_include_vat=None if options["prices"] is None else options["prices"] == "incl-vat",
            )
        except OSError as error:
            raise CommandError(f"cannot read {error.filename}: {error.strerror}", returncode=INVALID_INPUT) from error
        if not outcome.ok:
            for error in outcome.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(outcome.errors)} error(s): nothing was imported", returncode=INVALID_INPUT
            )
        summary = outcome.result.summary
        self.stdout.write(
            f"{summary.files} file(s), {summary.rows_read} rows, {summary.lines} lines, "
            f"{summary.orders} orders ({summary.cancelled_orders} cancelled, {summary.guest_orders} guest), "
            f"{summary.customers} customers"
        )
        if options["dry_run"]:
            self.stdout.write("dry run: nothing written")
        else:
            self.stdout.write(
                f"{outcome.created} orders created, {outcome.updated} updated, {outcome.unchanged} unchanged; "
                f"{len(outcome.days_rebuilt)} day(s) of actuals rebuilt"
            )
