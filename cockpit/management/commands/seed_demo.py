from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cockpit import demo


class Command(BaseCommand):
    help = "Create or refresh the demo businesses and their users (idempotent)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo does not run with PLANNERIST_PRODUCTION set.")
        for organization in demo.seed():
            self.stdout.write(f"Seeded {organization.name} (/o/{organization.slug}/)")
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}):")
        for email, _password, label in demo.logins():
            self.stdout.write(f"  {email:<32} {label}")
