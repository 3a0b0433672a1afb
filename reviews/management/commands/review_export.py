"""``python manage.py review_export --org SLUG --week 2026-W48 --format pdf|csv|xlsx -o FILE``:
one ISO week's pack as a file, in the organisation's language. A week with no review yet
gets its draft first, as "Prepare the draft" on the reviews page does. Bad input exits 2
naming the argument."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from plannerist.models import Organization
from reviews import exports, render, services
from reviews.forms import WeekForm
from reviews.pack import weekly_pack

FORMATS = ("pdf", "csv", "xlsx")


class Command(BaseCommand):
    help = "Write one ISO week's review pack (PDF, CSV or XLSX) to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--week", required=True, help="the ISO week, e.g. 2026-W48")
        parser.add_argument("--format", required=True, help="pdf, csv or xlsx")
        parser.add_argument("-o", "--output", required=True, help="the file to write")

    def handle(self, *args, **options) -> None:
        fmt = options["format"]
        if fmt not in FORMATS:
            raise CommandError(f"--format: {fmt!r} is none of {', '.join(FORMATS)}", returncode=2)
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"--org: no organisation {options['org']!r}", returncode=2)
        form = WeekForm({"week": options["week"]}, required=True)
        if not form.is_valid():
            raise CommandError(f"--week: {' '.join(form.errors['week'])}", returncode=2)
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"--output: no directory {str(output.parent)!r}", returncode=2)
        review, created = services.review_draft_get_or_create(organization=organization,
                                                              week_start=form.cleaned_data["week"])
        if created:
            self.stderr.write(f"No review of {review.week} yet: its draft was prepared.")
        if fmt == "pdf":
            try:
                content = render.review_pdf(review)
            except render.RenderError as error:
                raise CommandError(f"the PDF could not be made: {error}") from error
        else:
            with translation.override(organization.language):
                pack = weekly_pack(review)
                content = exports.review_xlsx(pack) if fmt == "xlsx" else ("\ufeff" + exports.review_csv(pack)).encode()
        output.write_bytes(content)
        self.stdout.write(f"{output} ({len(content)} bytes): {organization.name}, {review.week}, {fmt}")
