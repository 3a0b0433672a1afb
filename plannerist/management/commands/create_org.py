from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from plannerist import services
from plannerist.models import Organization


class Command(BaseCommand):
    help = "Create an organisation (one client business), optionally with its owner."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--currency", help="ISO 4217 code; default: the country's (EUR for FR)")
        parser.add_argument("--country", default="FR")
        parser.add_argument("--timezone", help="IANA zone, e.g. Europe/London; default: the country's")
        parser.add_argument("--vat-rate", default="0.20")
        parser.add_argument(
            "--prices-include-vat", default="yes", choices=["yes", "no"],
            help="whether the shop's prices include VAT (no for a shop selling excl. VAT, e.g. a wholesaler)",
        )
        parser.add_argument("--language", default="fr", choices=["fr", "en"])
        parser.add_argument("--owner", metavar="EMAIL", help="made owner; created if unknown")

    def handle(self, *args, **options):
        try:
            vat_rate = Decimal(options["vat_rate"])
        except InvalidOperation:
            raise CommandError(f"--vat-rate: not a number: {options['vat_rate']!r}", returncode=2) from None
        if Organization.objects.filter(slug=options["slug"]).exists():
            raise CommandError(f"slug: an organisation {options['slug']!r} exists already", returncode=2)
        owner = None
        if options["owner"]:
            owner, created = services.user_get_or_create(email=options["owner"])
            if created:
                self.stdout.write(
                    f"Created the user {owner.email}; set their password with "
                    f"`python manage.py changepassword {owner.username}`."
                )
        try:
            organization = services.organization_create(
                slug=options["slug"],
                name=options["name"],
                currency=(options["currency"] or "").upper() or None,
                country=options["country"].upper(),
                timezone=options["timezone"],
                vat_rate=vat_rate,
                prices_include_vat=options["prices_include_vat"] == "yes",
                language=options["language"],
                owner=owner,
            )
        except ValidationError as error:
            messages = "; ".join(f"{field}: {' '.join(errs)}" for field, errs in error.message_dict.items())
            raise CommandError(messages, returncode=2) from None
        self.stdout.write(self.style.SUCCESS(f"Created {organization.name} at /o/{organization.slug}/"))
