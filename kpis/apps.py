from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"

    def ready(self) -> None:
        from forecasting.sources import register_history_source
        from kpis.forecast_history import organisation_history

        register_history_source(organisation_history)
