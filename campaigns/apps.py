from django.apps import AppConfig
from django.db.models.signals import post_delete


class CampaignsConfig(AppConfig):
    name = "campaigns"

    def ready(self) -> None:
        from campaigns.models import Campaign
        from campaigns.receivers import campaign_deleted, prices_charged
        from sales.signals import prices_charged as prices_charged_signal

        post_delete.connect(campaign_deleted, sender=Campaign, dispatch_uid="campaigns.campaign_deleted")
        prices_charged_signal.connect(prices_charged, dispatch_uid="campaigns.prices_charged")
