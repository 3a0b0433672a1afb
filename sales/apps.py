from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "sales"

    def ready(self) -> None:
        from django.utils.translation import gettext, ngettext

        from sales.readers import messages

        messages.install(gettext, ngettext)  # the readers' messages in the request's language
