from django.apps import AppConfig


class ForecastingConfig(AppConfig):
    name = "forecasting"

    def ready(self) -> None:
        from forecasting.receivers import refit_on_actuals
        from sales.signals import actuals_changed

        actuals_changed.connect(refit_on_actuals, dispatch_uid="forecasting.refit_on_actuals")
