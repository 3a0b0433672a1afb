from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "cockpit"

    def ready(self) -> None:
        from cockpit.first_run import import_done_context
        from sales.sources import register_import_done_block

        # Before the products missing from the catalogue: the guide's catalogue step takes
        # their costs with a share of the price for those left empty.
        register_import_done_block("cockpit.first_run", template="cockpit/first_run/_after_import.html",
                                   context=import_done_context, order=10)
