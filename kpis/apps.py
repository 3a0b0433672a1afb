from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"

    def ready(self) -> None:
        from forecasting.sources import register_history_source
        from kpis.forecast_history import organisation_history

        register_history_source(organisation_history)

        from campaigns.sources import register_daily_orders
        from kpis.campaign_sources import daily_orders, recompute_on_change
        from plannerist.changes import inputs_changed

        register_daily_orders(daily_orders)
        inputs_changed.connect(recompute_on_change, dispatch_uid="kpis.recompute_on_change")

        from sales.signals import actuals_changed

        actuals_changed.connect(recompute_on_change, dispatch_uid="kpis.recompute_on_actuals")

        from kpis.product_views import missing_products_context
        from sales.sources import register_import_done_block

        register_import_done_block("kpis.missing_products", template="kpis/_missing_products.html",
                                   context=missing_products_context)
