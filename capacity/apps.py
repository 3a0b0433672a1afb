from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "capacity"

    def ready(self) -> None:
        from campaigns.sources import register_delivery_cost
        from capacity.selectors import campaign_capacity_cost

        register_delivery_cost(campaign_capacity_cost)
