from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"

    def ready(self) -> None:
        from django.utils.translation import gettext, ngettext

        from kpis.importers import messages

        messages.install(gettext, ngettext)
