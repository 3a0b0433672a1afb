from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the gettext catalogues (.po → .mo) without needing GNU gettext installed."

    def handle(self, *args, **options):
        for root in settings.LOCALE_PATHS:
            for po_path in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"compiled {po_path} ({catalogue.percent_translated()} % translated)")
